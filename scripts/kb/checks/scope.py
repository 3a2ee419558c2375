"""What one run of the checks judges by: the day, and what a pull request touches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Scope:
    """Review dates are judged against `today`. A pull request passes `pages` (docs/…
    paths) and `contacts` (ids) it changes: rules about dates then look only at those, so
    a contributor's fix is never blocked by someone else's page falling due. None means
    everything (`kb check` on its own, the build, the scheduled freshness run)."""

    today: date
    pages: frozenset[str] | None = None
    contacts: frozenset[str] | None = None

    def covers_page(self, rel: str) -> bool:
        return self.pages is None or rel in self.pages

    def covers_contact(self, contact_id: str) -> bool:
        return self.contacts is None or contact_id in self.contacts
