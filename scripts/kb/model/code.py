"""Code in Markdown: fenced blocks and code spans are shown as written, not read as prose.

Every rule that reads a page's words (links, house terms, citations) and the build's
citation markers skip them the same way, so a page may show `[[source:ID]]` as an example.
"""

from __future__ import annotations

import functools
import re

FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})")
#: A run of backticks (the whole run: never one from its middle, which would make a line of
#: backticks take quadratic time), anything, and a run of the same length.
CODE_SPAN = re.compile(r"(?<!`)(?=(`+))\1(.+?)(?<!`)\1(?!`)")


@functools.cache  # by text: `make serve` checks every unchanged page again on each save
def strip_code(body: str, fence_lines: bool = False) -> str:
    """Blank out fenced blocks and code spans, keeping every line where it was (and every
    character of a line outside a fenced block where it was). fence_lines keeps a fence's
    opening line: what follows its backticks can add attributes to the HTML."""
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
            out.append(line if fence_lines else "")
            continue
        out.append(CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line))
    return "\n".join(out)
