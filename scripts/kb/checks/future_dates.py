"""Dates that claim a review or check happened must not lie in the future.

Reads the front matter as written, so a future date is reported even on a page with
other problems; dates that do not parse are the schema's to report.
"""

from __future__ import annotations

from collections.abc import Iterator

from kb.checks.scope import Scope
from kb.model import dates
from kb.model.load import Content
from kb.model.problems import Problem

STAMPS = ("last_reviewed_on", "vetted_on")


def _stamped(page) -> Iterator[tuple[tuple, object]]:
    for key in STAMPS:
        yield (key,), page.raw(key)
    statute = page.raw("statute")
    if isinstance(statute, dict):
        yield ("statute", "checked_on"), statute.get("checked_on")


def check(content: Content, scope: Scope) -> Iterator[Problem]:
    today = scope.today
    for page in content.pages:
        for loc, raw in _stamped(page):
            try:
                value = dates.parse_iso_date(raw)
            except ValueError:
                continue
            if value > today:
                name = ".".join(str(x) for x in loc)
                yield Problem(page.rel, page.line_of(*loc),
                              f"'{name}' is {value.isoformat()}, in the future: use the date it really happened")
