"""A translation must describe the same thing as its source: same type, same taxonomy."""

from __future__ import annotations

from collections.abc import Iterator

from kb.checks.scope import Scope
from kb.model.load import Content
from kb.model.problems import Problem
from kb.model.schema import TAXONOMY_FIELDS

SAME = ("type", "step", *TAXONOMY_FIELDS)


def check(content: Content, scope: Scope) -> Iterator[Problem]:
    default = content.site.default_language
    for page in content.valid_pages():
        if page.lang == default:
            continue
        source = content.page(page.key, default)
        if source is None or source.meta is None:
            continue
        for key in SAME:
            mine, theirs = getattr(page.meta, key, None), getattr(source.meta, key, None)
            if isinstance(mine, list):
                mine, theirs = sorted(mine), sorted(theirs or [])
            if mine != theirs:
                yield Problem(page.rel, page.line_of(key),
                              f"'{key}' differs from the source page {source.rel} ({_show(theirs)}): "
                              f"a translation must match its source")


def _show(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "empty"
    return "not set" if value is None else str(value)
