"""No personal identity number (personnummer) or coordination number on a page.

The site is public, and a method or an example written from a real case can carry one by
mistake: for a person at risk of exploitation that is a real danger. A date of birth
followed by four digits whose last is the number's check digit (the Luhn sum, which
personal, coordination and organisation numbers share) is one; organisation numbers,
whose "month" is 20 or more, and other digit runs are left alone. The share form and
`kb new method` point out every such-looking number as a hint (kb.model.method_file);
this rule refuses the ones whose check digit fits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kb.checks.scope import Scope
from kb.model.load import Content
from kb.model.method_file import GUIDANCE
from kb.model.problems import Problem

_LOOKS_LIKE = re.compile(GUIDANCE["personal_number"])


def check_digit_fits(ten_digits: str) -> bool:
    """The Luhn sum of a ten-digit personal, coordination or organisation number."""
    total = 0
    for position, digit in enumerate(int(d) for d in ten_digits):
        doubled = digit * 2 if position % 2 == 0 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return total % 10 == 0


def check(content: Content, scope: Scope) -> Iterator[Problem]:
    # One search over each page's text, not one per line (a match never spans a line): the
    # build runs this over every page, and per line it was the check's whole cost.
    for page in content.pages:
        if not page.text:
            continue
        for match in _LOOKS_LIKE.finditer(page.text):
            if check_digit_fits(re.sub(r"\D", "", match.group())[-10:]):
                number = page.text.count("\n", 0, match.start()) + 1
                yield Problem(page.rel, number,
                              "this looks like a personal identity or coordination number (its date and "
                              "check digit fit): never publish one; remove it. If it is something else, "
                              "write it so that it cannot be taken for one (a phone number with spaces)")
