"""Dates as the content writes them: YYYY-MM-DD, and nothing else."""

from __future__ import annotations

import re
from datetime import date

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
