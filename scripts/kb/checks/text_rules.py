"""The rules on a page's words that kb.model.text_rules declares once; the share form runs the
same declarations over the file it writes, so both give one verdict."""

from __future__ import annotations

from collections.abc import Iterator

from kb.checks.scope import Scope
from kb.model import text_rules
from kb.model.load import Content
from kb.model.problems import Problem


def _problems(content: Content, blocks_build: bool) -> Iterator[Problem]:
    declared = text_rules.declared(content)
    declared.rules = [r for r in declared.rules if r.blocks_build is blocks_build]
    for page in content.pages:
        if not page.text:
            continue
        page_type = page.meta.type if page.meta is not None else str(page.raw("type") or "")
        for line, rule, message in text_rules.findings(declared, page.text, page_type, page.lang,
                                                           body_line=page.body_line):
            yield Problem(page.rel, line, message, rule=rule.id)


def check(content: Content, scope: Scope) -> Iterator[Problem]:
    """What the build refuses too: placeholders, personal numbers, numbers by hand, unsafe links, HTML in a method."""
    yield from _problems(content, True)


def house_terms(content: Content, scope: Scope) -> Iterator[Problem]:
    """kb check only: a wording slip must not block an urgent fix."""
    yield from _problems(content, False)
