"""A method marked vetted must say who vetted it and when: readers trust that mark.

Reads the front matter as written, so the rule is reported alongside any other problem.
"""

from __future__ import annotations

from collections.abc import Iterator

from kb.checks.scope import Scope
from kb.model.load import Content
from kb.model.problems import Problem


def check(content: Content, scope: Scope) -> Iterator[Problem]:
    for page in content.pages:
        if page.raw("type") != "method" or page.raw("status") != "vetted":
            continue
        missing = [key for key in ("vetted_by", "vetted_on") if not page.raw(key)]
        if missing:
            yield Problem(page.rel, page.line_of("status"),
                          f"a vetted method needs {' and '.join(missing)}: add who vetted it (a role) and when, "
                          "or set status to review")
