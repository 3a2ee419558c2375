"""Dates as the content writes them: YYYY-MM-DD, and nothing else."""

from __future__ import annotations

import re
from collections.abc import Mapping
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


def fixed_today(environ: Mapping[str, str]) -> date | None:
    """KB_TODAY, the day tests and reproducible reports fix, or None when it is not set.
    The commands and the build read it through here; a ValueError says how to write it."""
    fixed = environ.get("KB_TODAY", "").strip()
    if not fixed:
        return None
    try:
        return parse_iso_date(fixed)
    except ValueError as exc:
        raise ValueError(f"KB_TODAY: {exc}") from None
