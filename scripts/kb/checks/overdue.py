"""Nothing overdue may be published: an overdue contact or page fails the check.

In a pull request only the pages and contacts it touches count (see Scope): the
scheduled freshness run (`kb freshness --strict`) fails on everything overdue."""

from __future__ import annotations

from collections.abc import Iterator

from kb.checks.scope import Scope
from kb.model import freshness
from kb.model.load import Content
from kb.model.problems import Problem


def check(content: Content, scope: Scope) -> Iterator[Problem]:
    for item in freshness.items(content, scope.today):
        if item.state != "overdue":
            continue
        if not (scope.covers_contact(item.id) if item.kind == "contact" else scope.covers_page(item.path)):
            continue
        if item.kind == "contact":
            yield Problem(item.path, item.line,
                          f"contact '{item.id}' was last verified on {item.last_checked} and was due by "
                          f"{item.review_by}: ask {item.owner} to verify it, then update verified_on")
        else:
            yield Problem(item.path, item.line,
                          f"page last reviewed on {item.last_checked} was due for review by {item.review_by}: "
                          f"ask {item.owner} to review it, then update last_reviewed_on")
