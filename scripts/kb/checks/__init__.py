"""Every content check. Each is a function of the content model yielding Problems.

`kb check` and the MkDocs build both call run(): one implementation of every rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..load import Content
from ..problems import Problem
from . import (
    contacts,
    dates,
    freshness,
    html_safety,
    links,
    placeholders,
    taxonomy_refs,
    titles,
    translations,
    vetting,
)

Check = Callable[[Content], Iterable[Problem]]

ALL: list[Check] = [
    placeholders.check,
    html_safety.check,
    links.check,
    taxonomy_refs.check,
    dates.check,
    titles.check,
    translations.check,
    vetting.check,
    contacts.check,
    freshness.check,
]

#: The build runs every check except freshness: a page or contact past its review date
#: is published with a warning (and the helpline) rather than blocking an urgent fix;
#: `kb check`, which gates every change, fails on it.
BUILD: list[Check] = [check for check in ALL if check is not freshness.check]


def run(content: Content, checks: list[Check] | None = None) -> list[Problem]:
    """Loading problems plus every check's, sorted by file and line, each once."""
    found = set(content.problems)
    for check in checks if checks is not None else ALL:
        found.update(check(content))
    return sorted(found, key=lambda p: (p.path, p.line or 0, p.message))
