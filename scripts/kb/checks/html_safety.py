"""Raw HTML in Markdown must not run code or send readers' input anywhere.

A page is trusted by people at risk; a script or form slipped into a pull request could
track or mislead them. Code blocks and inline code are ignored: there it is only text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from html.parser import HTMLParser

from kb.checks.scope import Scope
from kb.model.load import Content
from kb.model.problems import Problem

UNSAFE_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "form", "base"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}
UNSAFE_SCHEME = re.compile(r"^\s*(javascript|vbscript|data\s*:\s*text/html)\s*:?", re.IGNORECASE)
MARKDOWN_URL = re.compile(r"(\]\(\s*<?|^\s*\[[^\]]+\]:\s*<?|<)\s*(javascript|vbscript):", re.IGNORECASE | re.MULTILINE)
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")


@functools.cache  # by text: `make serve` checks every unchanged page again on each save
def strip_code(body: str) -> str:
    """Blank out fenced blocks and code spans, keeping every line where it was."""
    if "`" not in body and "~~~" not in body:
        return body  # most pages have no code at all
    out, fence = [], None
    for line in body.split("\n"):
        opening = FENCE.match(line)
        if fence:
            if opening and opening.group(2)[0] == fence[0] and len(opening.group(2)) >= len(fence):
                fence = None
            out.append("")
            continue
        if opening:
            fence = opening.group(2)
            out.append("")
            continue
        out.append(CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line))
    return "\n".join(out)


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag in UNSAFE_TAGS:
            self.found.append((line, f"<{tag}> is not allowed in pages: remove it "
                                     "(ask a maintainer if you need to embed something)"))
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append((line, f"the event-handler attribute '{name}' on <{tag}> runs code: remove it"))
            elif name in URL_ATTRIBUTES and value and UNSAFE_SCHEME.match(value):
                self.found.append((line, f"'{name}' on <{tag}> uses a script URL: link to an https:// address instead"))

    handle_startendtag = handle_starttag


@functools.cache
def scan(body: str) -> tuple[tuple[int, str], ...]:
    """(line within body, message) for every unsafe construct."""
    text = strip_code(body)
    found = []
    if "<" in text:  # no tag, nothing for the (slow) HTML parser to find
        scanner = _Scanner()
        scanner.feed(text)
        scanner.close()
        found = scanner.found
    for match in MARKDOWN_URL.finditer(text):
        line = text.count("\n", 0, match.start(2)) + 1
        found.append((line, "a link uses a javascript:/vbscript: URL: link to an https:// address instead"))
    return tuple(found)


def check(content: Content, scope: Scope) -> Iterator[Problem]:
    for page in content.pages:
        for line, message in scan(page.body):
            yield Problem(page.rel, page.body_line + line - 1, message)
