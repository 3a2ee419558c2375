"""No file or folder in docs/ takes a place the theme or the build writes itself.

A contributed docs/assets/images/favicon.png would be every page's icon, a docs/search/
file could stand in for the search index, and a folder named like a generated file
(docs/feeds/sv.xml/) stops the build. The places are listed once, in
kb.model.site.GENERATED_PATHS.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from kb.checks.scope import Scope
from kb.model.load import Content
from kb.model.problems import Problem
from kb.model.site import generated_path


def check(content: Content, scope: Scope) -> Iterator[Problem]:
    docs = content.site.docs_dir
    for folder, folders, names in os.walk(docs):
        here = os.path.relpath(folder, docs).replace(os.sep, "/")
        prefix = "" if here == "." else here + "/"
        for name in sorted(folders) + sorted(names):
            relative = prefix + name
            generated = generated_path(content.site, relative)
            if generated is None:
                continue
            if name in folders:
                folders.remove(name)  # the folder is the problem, not each file in it
            yield Problem(content.rel(os.path.relpath(os.path.join(folder, name), content.site.root)), None,
                          f"takes the place of {generated}, which the site's build writes itself (the theme's files, "
                          "the search index, the feeds, the error page, another language's copy of the site): "
                          "move it elsewhere in docs/, for example an image to docs/bilder/")
