"""Where a page is: in the navigation or in a folder it leaves out, and a method in its
region's folder.

The strict build refuses a page the navigation neither lists nor leaves out (mkdocs.yml's
nav and not_in_nav, read as MkDocs reads them), so `kb check` says so first, at the file,
with where to put it. A region's method lives in docs/metoder/<region>/, a folder named by
one of its regions: that is where the share form and `kb new method` put it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pathspec

from kb.checks.scope import Scope
from kb.model.load import Content, built_url
from kb.model.method_file import METHODS_FOLDER
from kb.model.problems import Problem
from kb.model.site import navigation


def check(content: Content, scope: Scope) -> Iterator[Problem]:
    listed, patterns = navigation(content.site.root)
    left_out = pathspec.GitIgnoreSpec.from_lines(patterns)
    listed_urls = {built_url(key) for key in listed}
    default = content.site.default_language
    for page in content.pages:
        if page.lang != default or page.meta is None or page.meta.status == "draft":
            continue  # a translation follows its source; a draft is not built
        if built_url(page.key) in listed_urls and page.key not in listed:
            continue  # at a listed page's address: kb.model.load says so (two pages, one address)
        if page.key not in listed and not left_out.match_file(page.key):
            yield Problem(page.rel, None, _where_to_put_it(page.key, page.meta.type))
        if page.meta.type == "method":
            yield from _method_folder(page)


def _where_to_put_it(key: str, page_type: str) -> str:
    if page_type == "method":
        return (f"a method is found through the catalogue, so it lives in docs/{METHODS_FOLDER}/<region>/ (e.g. "
                f"docs/{METHODS_FOLDER}/syd/{key.rsplit('/', 1)[-1]}): move the file there")
    return ("is in no section of the navigation, so the build stops on it: add it under nav: in mkdocs.yml, or move "
            "it where the navigation leaves pages out")


def _method_folder(page) -> Iterator[Problem]:
    parts = page.key.split("/")
    if len(parts) != 3 or parts[0] != METHODS_FOLDER:
        return  # not where methods live: _where_to_put_it said so, or the navigation lists it
    folder = parts[1]
    if page.meta.author == "region" and page.meta.regions and folder not in page.meta.regions:
        regions = ", ".join(page.meta.regions)
        yield Problem(page.rel, page.line_of("regions"),
                      f"the method is in docs/{METHODS_FOLDER}/{folder}/ but its regions are [{regions}]: move the "
                      f"file to docs/{METHODS_FOLDER}/{page.meta.regions[0]}/, or correct regions")
