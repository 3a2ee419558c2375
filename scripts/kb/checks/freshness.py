"""Nothing overdue may be published: an overdue contact or page fails the check."""

from __future__ import annotations

from collections.abc import Iterator

from .. import dates, freshness
from ..load import Content
from ..problems import Problem


def check(content: Content) -> Iterator[Problem]:
    for item in freshness.items(content, dates.today()):
        if item.state != "overdue":
            continue
        if item.kind == "contact":
            yield Problem(item.path, item.line,
                          f"contact '{item.id}' was last verified on {item.last_checked} and was due by "
                          f"{item.review_by}: ask {item.owner} to verify it, then update verified_on")
        else:
            yield Problem(item.path, item.line,
                          f"page last reviewed on {item.last_checked} was due for review by {item.review_by}: "
                          f"ask {item.owner} to review it, then update last_reviewed_on")
