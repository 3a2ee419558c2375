"""What 'today' is. KB_TODAY fixes it, so reports and tests are reproducible."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def today() -> date:
    fixed = os.environ.get("KB_TODAY", "").strip()
    if fixed:
        return date.fromisoformat(fixed)
    return date.today()


def build_today() -> date:
    """'Today' for what a build writes into pages: KB_TODAY, else SOURCE_DATE_EPOCH (the
    commit's time, set by make build), else the clock. Two builds of one commit are then
    byte-identical; the reader's browser re-checks review dates against its own clock."""
    if os.environ.get("KB_TODAY", "").strip():
        return today()
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()


def parse_iso_date(value: object) -> date:
    """Accept only YYYY-MM-DD (text) or a date; anything else gets a message that says how."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and ISO_DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"'{value}' is not a valid date: write it as YYYY-MM-DD, e.g. 2026-11-24")
