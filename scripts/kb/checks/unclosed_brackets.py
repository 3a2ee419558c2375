"""Many unclosed [ in one paragraph: Python-Markdown looks for the end of a link from each
one to the paragraph's end, so the time grows with their square (4,000 take four seconds,
a page of them hours). The build would stall on such a page: it is refused first, naming
the paragraph. Closed brackets, escaped ones (\\[) and code blocks cost nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from kb.checks.scope import Scope
from kb.model.load import Content
from kb.model.problems import Problem

#: Unclosed brackets a paragraph may hold: far more than any page has, and about 3 ms of
#: Markdown's time.
MOST_UNCLOSED = 100
_FENCES = ("```", "~~~")


def unclosed(text: str) -> int:
    """The [ in a text that no later ] closes (escaped ones are text)."""
    open_count, escaped = 0, False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            open_count += 1
        elif char == "]" and open_count:
            open_count -= 1
    return open_count


def _paragraphs(body: str) -> Iterator[tuple[int, str]]:
    """(offset of its first line, its text) for each run of non-blank lines outside fences."""
    fenced, start, lines = False, 0, []
    for offset, line in enumerate(body.split("\n") + [""]):
        if line.lstrip().startswith(_FENCES):
            fenced = not fenced
            line = ""
        if fenced or not line.strip():
            if lines:
                yield start, "\n".join(lines)
            lines = []
            continue
        if not lines:
            start = offset
        lines.append(line)


def check(content: Content, scope: Scope) -> Iterator[Problem]:
    for page in content.pages:
        if page.body is None or page.body.count("[") <= MOST_UNCLOSED:
            continue
        for offset, text in _paragraphs(page.body):
            count = unclosed(text)
            if count > MOST_UNCLOSED:
                yield Problem(page.rel, page.body_line + offset,
                              f"{count:,} '[' in this paragraph have no closing ']': the build slows down with "
                              f"each one (at most {MOST_UNCLOSED}); close them, or write \\[ for a bracket "
                              "that is text")
