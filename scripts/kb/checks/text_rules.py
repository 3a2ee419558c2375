"""The rules on a page's words that kb.model.text_rules declares once; the share form runs the
same declarations over the file it writes, so both give one verdict."""

from __future__ import annotations

from collections.abc import Iterator

from kb.checks.scope import Scope
from kb.model import text_rules
from kb.model.load import Content
from kb.model.problems import Problem

#: Each page's findings, by the rules and lists and by what the page says, from the last
#: run: `make serve` checks the content again on every save, and only the saved page is new
#: (at 10,000 methods the rules took 3.7 s of the 5.2 s that a save's checks took).
_found_before: dict[tuple, dict[tuple, list]] = {}


def _problems(content: Content, blocks_build: bool) -> Iterator[Problem]:
    declared = text_rules.declared(content)
    declared.rules = [r for r in declared.rules if r.blocks_build is blocks_build]
    rules = (blocks_build, tuple(declared.rules), tuple((name, tuple(v)) for name, v in sorted(declared.lists.items())))
    before = _found_before.get(rules, {})
    now: dict[tuple, list] = {}
    for page in content.pages:
        if not page.text:
            continue
        page_type = page.meta.type if page.meta is not None else str(page.raw("type") or "")
        said = (page.text, page_type, page.lang, page.body_line)
        found = before.get(said)
        if found is None:
            found = list(text_rules.findings(declared, page.text, page_type, page.lang, body_line=page.body_line))
        now[said] = found
        for line, rule, message in found:
            yield Problem(page.rel, line, message, rule=rule.id)
    _found_before[rules] = now
    for other in [key for key in _found_before if key[0] == blocks_build and key != rules]:
        del _found_before[other]  # rules or lists changed: what they found is no longer asked for


def check(content: Content, scope: Scope) -> Iterator[Problem]:
    """What the build refuses too: placeholders, personal numbers, numbers by hand, unsafe links, HTML in a method."""
    yield from _problems(content, True)


def house_terms(content: Content, scope: Scope) -> Iterator[Problem]:
    """kb check only: a wording slip must not block an urgent fix."""
    yield from _problems(content, False)
