"""Two pages with the same title in one language leave a reader unable to choose in search."""

from __future__ import annotations

from collections.abc import Iterator

from kb.checks.scope import Scope
from kb.model.load import Content
from kb.model.problems import Problem


def check(content: Content, scope: Scope) -> Iterator[Problem]:
    first: dict[tuple[str, str], str] = {}
    for page in content.valid_pages():
        key = (page.lang, page.meta.title.casefold())
        if key in first:
            yield Problem(page.rel, page.line_of("title"), f"the title '{page.meta.title}' is already used by "
                                                           f"{first[key]}: give each page its own title")
        else:
            first[key] = page.rel
