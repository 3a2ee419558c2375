"""Is a contact or page still trustworthy? ok, due within 30 days, overdue, or unverified.

One function decides the state, for `kb freshness`, `kb check`, the build's banners and
(through the dates it writes into pages) the reader's browser.
"""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass
from datetime import date

from kb.model.load import Content

DUE_SOON_DAYS = 30
STATES = ("overdue", "due", "unverified", "ok")  # most urgent first


def add_months(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def state(last: date, months: int, today: date, confirmed: bool = True) -> tuple[date, str]:
    """(review-by date, state). Due today is 'due'; one day past it is 'overdue'."""
    due = add_months(last, months)
    if today > due:
        return due, "overdue"
    if not confirmed:
        return due, "unverified"
    if (due - today).days <= DUE_SOON_DAYS:
        return due, "due"
    return due, "ok"


@dataclass(frozen=True)
class Item:
    kind: str  # contact or page
    id: str  # contact id, or the page's file
    title: str
    owner: str  # the role to ask
    path: str
    line: int | None
    last_checked: str
    review_by: str
    state: str
    verified: bool = True  # False for a contact still to be verified: it has no review date to show

    @property
    def is_due(self) -> bool:
        """Whether it needs someone now: due within DUE_SOON_DAYS, or overdue."""
        return self.state in ("due", "overdue")

    def as_dict(self) -> dict:
        return asdict(self)


def items(content: Content, today: date) -> list[Item]:
    found: list[Item] = []
    if content.contacts is not None:
        path = content.rel("data/contacts.yml")
        for contact in content.contacts.contacts:
            due, now = state(contact.verified_on, contact.review_in, today, contact.confirmed)
            line = content.contact_line(contact.id, "verified_on")
            found.append(Item("contact", contact.id, contact.name.get(content.site.default_language),
                              contact.verified_by, path, line, contact.verified_on.isoformat(), due.isoformat(), now,
                              contact.confirmed))
    for page in content.valid_pages():
        meta = page.meta
        due, now = state(meta.last_reviewed_on, meta.review_months, today)
        found.append(Item("page", page.rel, meta.title, meta.owner, page.rel, page.line_of("last_reviewed_on"),
                          meta.last_reviewed_on.isoformat(), due.isoformat(), now))
    return sorted(found, key=lambda i: (STATES.index(i.state), i.review_by, i.kind, i.id))
