"""Citations as readers see them: each [[source:ID]] a numbered reference to the passage,
[[advice]] nothing, and the passages listed under "Källor" / "Sources" at the end of the page.

Numbers follow the order of first citation; the same passage keeps its number. Every text
from the register is escaped HTML the build writes and puts in after the allowlist
(kb.build.listings.Deferred.html), never Markdown: only the section's heading (a UI text,
for the table of contents) is Markdown, with its markup escaped.
"""

from __future__ import annotations

import html

from kb.build.listings import Deferred
from kb.model.citations import markers, source_anchor, sources_anchor
from kb.model.load import Content
from kb.model.method_file import heading_text
from kb.model.schema import SourceEntry

e = html.escape


def render(content: Content, markdown: str, lang: str, deferred: Deferred) -> str:
    """The page's Markdown with its citations numbered and its sources listed after it. A
    citation in HTML the build writes from data (a glossary definition) is numbered in the
    same reading order, inside that HTML."""
    if "[[" not in markdown and not any("[[" in fragment for fragment in deferred.now.values()):
        return markdown  # most pages: one substring search
    register = content.sources
    numbers: dict[str, int] = {}
    cited: dict[str, int] = {}  # id -> how often

    def replaced(text: str, found, as_html: bool) -> str:
        out, position = [], 0
        for marker in found:
            if isinstance(marker, _Fragment):  # build-written HTML: its citations, in reading order
                deferred.now[marker.marker] = replaced(deferred.now[marker.marker],
                                                       list(markers(deferred.now[marker.marker])), as_html=True)
                continue
            if marker.kind == "malformed":
                continue  # published as written; kb check and the build's checks stop on it first
            out.append(text[position:marker.start])
            position = marker.end
            if marker.kind == "advice":
                continue
            entry = register.get(marker.source_id) if register else None
            if entry is None:
                out.append(e(marker.text))  # unresolved: shown as written (the checks stop the build on it)
                continue
            number = numbers.setdefault(entry.id, len(numbers) + 1)
            cited[entry.id] = cited.get(entry.id, 0) + 1
            html_ref = reference(content, lang, number, cited[entry.id])
            out.append(html_ref if as_html else deferred.html(html_ref))
        out.append(text[position:])
        return "".join(out)

    in_order = sorted([*markers(markdown), *_fragments(markdown, deferred)], key=lambda m: m.start)
    text = replaced(markdown, in_order, as_html=False)
    if not numbers:
        return text
    entries = [(register.get(source_id), cited[source_id]) for source_id in numbers]
    return text.rstrip("\n") + "\n\n" + section(content, lang, entries, deferred)


class _Fragment:
    """Where build-written HTML that may cite sits in the page's Markdown."""

    def __init__(self, marker: str, start: int) -> None:
        self.marker, self.start = marker, start


def _fragments(markdown: str, deferred: Deferred):
    for marker, fragment in deferred.now.items():
        if "[[" in fragment and marker in markdown:
            yield _Fragment(marker, markdown.index(marker))


def item_id(content: Content, lang: str, number: int) -> str:
    return source_anchor(content.ui, lang, number)


def section_id(content: Content, lang: str) -> str:
    """The section's id (search leaves the section out)."""
    return sources_anchor(content.ui, lang)


def reference(content: Content, lang: str, number: int, occurrence: int) -> str:
    """The superscript number in the text, named "Källa 2" / "Source 2" for screen readers."""
    target = item_id(content, lang, number)
    label = _text(content.ui.get("source_number", lang, number=number))
    return (f'<sup class="kb-cite"><a href="#{target}" id="{target}-ref-{occurrence}" aria-label="{label}">'
            f"&#91;{number}&#93;</a></sup>")


def section(content: Content, lang: str, entries: list[tuple[SourceEntry, int]], deferred: Deferred) -> str:
    """The heading (Markdown, so it is in the table of contents) and the numbered list (HTML)."""
    heading = heading_text(html.unescape(content.ui.get("sources_heading", lang)))
    items = "\n".join(source_item(content, lang, number, entry, count)
                      for number, (entry, count) in enumerate(entries, start=1))
    anchor = section_id(content, lang)
    listing = deferred.html(f'<ol class="kb-sources">\n{items}\n</ol>', block=True)
    return f"## {e(heading, quote=False)} {{#{anchor}}}\n{listing}\n"


def source_item(content: Content, lang: str, number: int, entry: SourceEntry, count: int) -> str:
    """One passage: who issued what, where in it, the link, whether it is confirmed, the way
    back to each citation, and what the passage says, folded (shown on paper)."""
    ui = content.ui
    target = item_id(content, lang, number)
    unconfirmed = f" <strong>{_text(ui.get('source_unconfirmed', lang))}</strong>" if not entry.confirmed else ""
    back = " ".join(f'<a href="#{target}-ref-{n}" aria-label="{_text(ui.get("source_back", lang, number=n))}">'
                    f"&#8593;{n if count > 1 else ''}</a>" for n in range(1, count + 1))
    return (f'<li id="{target}"><p>{e(entry.issuer)}, <em>{e(entry.title.get(lang))}</em> ({e(entry.document)}), '
            f'{e(entry.locator.get(lang))}: <a href="{e(entry.url)}">{e(entry.url)}</a>.{unconfirmed} {back}</p>'
            f"<details><summary>{_text(ui.get('source_says', lang))}</summary>"
            f"<p>{e(entry.says.get(lang))}</p></details></li>")


def _text(ui_text: str) -> str:
    """A UI text escaped once for HTML, whatever ui.get escaped already."""
    return e(html.unescape(ui_text))
