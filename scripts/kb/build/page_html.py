"""Changes to a page's built HTML: the block under the title, labelled checklist boxes,
and links to other sites that tell them nothing about where the reader came from.
"""

from __future__ import annotations

import re

from kb.build import compat

_FIRST_HEADING_END = re.compile(r"</h1>")


def insert_after_title(page_html: str, block: str) -> str:
    """Put a block of HTML right under the page's first-level heading (or first, if it has
    none). Done on the built HTML, after Markdown: raw HTML inside Markdown is the slowest
    thing the parser does, and these blocks sit on every method and legislation page."""
    if not block:
        return page_html
    match = _FIRST_HEADING_END.search(page_html)
    if not match or _inside_details(page_html[: match.start()]):
        return block + page_html  # a title in a closed <details> would hide the block with it
    return page_html[: match.end()] + "\n" + block + page_html[match.end():]


def _inside_details(before: str) -> bool:
    """Whether a <details> element (which a reader sees closed) is open at this point."""
    return before.count("<details") > before.count("</details>")




def label_task_lists(page_html: str) -> str:
    """Checklist items become tick boxes with their sign as the label, so screen readers
    name each box and a reader can tick them on screen before printing."""
    def labelled(match: re.Match) -> str:
        sign = match.group(1).strip()
        return (f'<li class="task-list-item"><label class="kb-check"><input type="checkbox"> '
                f'<span>{sign}</span></label></li>')

    return compat.TASK_ITEM.sub(labelled, page_html)


_EXTERNAL_LINK = re.compile(r'<a ((?:(?!rel=)[^>])*?)href="(https?://[^"]+)"((?:(?!rel=)[^>])*)>')


def mark_external_links(page_html: str) -> str:
    """Links to other sites carry rel="noopener noreferrer": the site they lead to learns
    nothing about the page the reader came from."""
    return _EXTERNAL_LINK.sub(lambda m: f'<a {m.group(1)}href="{m.group(2)}" rel="noopener noreferrer"{m.group(3)}>',
                              page_html)
