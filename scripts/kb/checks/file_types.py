"""Only pages, images and PDFs belong in docs/: every other file is published as it is.

A contributed .html, .js or .svg file would be served from the site's own address, where
the site's security policy trusts it: a script there could run on every page. Not a
page's Markdown: the allowlist (html_safety) rules that.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from kb.checks.scope import Scope
from kb.model.load import Content
from kb.model.problems import Problem

#: What docs/ may hold besides pages: images a page shows, and documents to download.
ALLOWED = {".md", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".pdf"}

#: Pages under another Markdown name: kb.model.load says to rename them to .md.
PAGES = {".markdown", ".mdown", ".mkdn", ".mkd"}


def check(content: Content, scope: Scope) -> Iterator[Problem]:
    docs = content.site.docs_dir
    for folder, folders, names in os.walk(docs):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(names):
            suffix = os.path.splitext(name)[1].lower()
            if suffix in ALLOWED or suffix in PAGES or name.startswith("."):
                continue  # MkDocs leaves hidden files out; other Markdown names are load's to report
            path = content.rel(os.path.relpath(os.path.join(folder, name), content.site.root))
            yield Problem(path, None, f"a {suffix or 'file without an extension'} file is published as it is, and "
                                      "could run script on the site: only pages (.md), images (.png, .jpg, .gif, "
                                      ".webp) and PDFs belong in docs/; remove it")
