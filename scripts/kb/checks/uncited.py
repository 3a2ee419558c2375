"""On the pages in scope (data/normative.yml), every sentence that states a rule says what it
rests on: a passage of data/sources.yml, or [[advice]] for the editors' own advice.

Like the house terms, `kb check` (which gates every change) runs it and the build does
not: a sentence without its citation is published as it reads, and an urgent fix
elsewhere must not wait for it.
"""

from __future__ import annotations

from collections.abc import Iterator

from kb.checks.scope import Scope
from kb.model.load import Content
from kb.model.normative import uncited
from kb.model.problems import Problem


def check(content: Content, scope: Scope) -> Iterator[Problem]:
    rules = content.normative
    if rules is None:
        return  # data/normative.yml could not be read: said where it was read
    for page in content.valid_pages():
        if not rules.applies_to(page.key, page.meta.type):
            continue
        for sentence, word in uncited(page.body, page.body_line, page.lang, rules):
            yield Problem(page.rel, sentence.line, message(word))


def message(word: str) -> str:
    return (f'this sentence states a rule ("{" ".join(word.lower().split())}") but cites no source: end it with '
            "[[source:ID]] (an entry of data/sources.yml) or, if it is the editors' own advice, [[advice]]")
