"""One term per concept in each language: pages use the house terms in data/terms.yml.

A practitioner who meets "reflektionstid" on one page and "betänketid" on another may take
them for two things. A line that also names the preferred term is fine (a synonym is
mentioned once that way); code, link addresses and {#ids} are not prose and are left alone.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from kb.checks.html_safety import strip_code
from kb.checks.scope import Scope
from kb.model.load import Content
from kb.model.problems import Problem

#: A link's address and an attribute list ({#id}) name files and anchors, not concepts.
_NOT_PROSE = re.compile(r"\]\([^)\s]*\)|\{[^}\n]*\}")


@functools.cache
def _pattern(words: tuple[str, ...]) -> re.Pattern:
    """Any of the words as whole words, in any case."""
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
                      + r")(?!\w)", re.IGNORECASE)


def check(content: Content, scope: Scope) -> Iterator[Problem]:
    if content.terminology is None:
        return
    terms = content.terminology.terms
    for page in content.pages:
        mine = [t for t in terms if t.lang == page.lang]
        lowered = page.body.lower()
        mine = [t for t in mine if any(word.lower() in lowered for word in t.avoid)]
        if not mine:
            continue  # most pages: a few substring searches, no regular expression
        for number, line in enumerate(strip_code(page.body).split("\n"), start=page.body_line):
            line = _NOT_PROSE.sub(" ", line)
            for term in mine:
                found = _pattern(tuple(term.avoid)).search(line)
                if not found or _pattern((term.use,)).search(line) or (
                        term.unless and _pattern(tuple(term.unless)).search(line)):
                    continue
                yield Problem(page.rel, number, f'use "{term.use}" instead of "{found.group(0)}" (data/terms.yml: '
                                                "one term per concept, so readers do not take them for two)")
