"""A contact's number in page text is written [[tel:id]], so a reader on a phone can call it.

The numbers come from data/contacts.yml (112, 114 14, the helpline, the regional lines):
typed by hand they are plain text that cannot be tapped, and they drift from the data when
a number changes. A number inside a link, in code or in an admonition's title (which cannot
hold a link) is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kb.checks.scope import Scope
from kb.model.contacts import parse_phone
from kb.model.load import Content
from kb.model.problems import Problem

#: Text a number may sit in without being a bare number: links (their text and target),
#: inline code, and shortcodes.
_LINKED = re.compile(r"\[[^\[\]]*\]\([^()\s]*\)|`[^`]*`|\[\[[^\[\]]*\]\]")
_FENCE = re.compile(r"^\s*(```|~~~)")
_ADMONITION_TITLE = re.compile(r'^\s*(!!!|\?\?\?\+?)\s+\w')


def _pattern(digits: str) -> re.Pattern:
    """The digits with any spaces or hyphens between them, not inside a longer number, a
    section reference (2017/18:112) or a decimal."""
    body = r"[\s\u00a0-]?".join(re.escape(d) for d in digits)
    return re.compile(rf"(?<![\d:/.,-]){body}(?![\d]|[.,]\d)")


def _numbers(content: Content) -> list[tuple[re.Pattern, str, str]]:
    """(pattern, contact id, the number as written in the data) for every contact's first number."""
    found = []
    for contact in content.contacts.contacts if content.contacts else []:
        if not contact.phones:
            continue
        written = contact.phones[0].number
        try:
            digits = re.sub(r"\D", "", parse_phone(written).href)
        except ValueError:
            continue  # reported where the contact is read
        national = "0" + digits[2:] if digits.startswith("46") else digits
        found.append((_pattern(national), contact.id, written))
    return found


_DIGIT = re.compile(r"\d")


def check(content: Content, scope: Scope) -> Iterator[Problem]:
    numbers = _numbers(content)
    if not numbers:
        return
    for page in content.pages:
        if page.body is None:
            continue
        fenced = False
        for offset, line in enumerate(page.body.split("\n")):
            if _FENCE.match(line):
                fenced = not fenced
                continue
            if fenced or _ADMONITION_TITLE.match(line) or not _DIGIT.search(line):
                continue
            text = _LINKED.sub(lambda m: " " * len(m.group(0)), line)
            for pattern, contact_id, written in numbers:
                if pattern.search(text):
                    yield Problem(page.rel, page.body_line + offset,
                                  f"write [[tel:{contact_id}]] instead of '{written}': a number on a page is a "
                                  "link that a phone can call, and it follows data/contacts.yml")
