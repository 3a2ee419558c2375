"""Template placeholders (<REQUIRED: …>) must all be replaced before a page is published."""

from __future__ import annotations

from collections.abc import Iterator

from kb.checks.scope import Scope
from kb.model.load import Content
from kb.model.method_file import PLACEHOLDER  # the templates' own marker, defined once
from kb.model.problems import Problem


def check(content: Content, scope: Scope) -> Iterator[Problem]:
    for page in content.pages:
        if "<REQUIRED:" not in page.text:
            continue  # most pages: one substring search instead of a regex over every line
        for number, line in enumerate(page.text.split("\n"), start=1):
            for match in PLACEHOLDER.finditer(line):
                what = match.group(1).strip() or "this part"
                yield Problem(page.rel, number,
                              f"template placeholder left in: replace '<REQUIRED: {what}>' with your text")
