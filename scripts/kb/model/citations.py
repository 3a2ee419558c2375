"""Citation markers on pages: [[source:ID]] after the sentence it supports, [[advice]] for
the editors' own advice, and what looks meant as one of them but is not.

The checks, the build's rendering, `kb translations` and `kb sources --review` all find
markers here, outside code (kb.model.code), so they agree on what a page cites. A page's
sources are derived from its citations, in the order a reader meets them.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from kb.model.code import strip_code
from kb.model.method_file import slugify
from kb.model.normative import ADVICE, CITATION
from kb.model.schema import SourceEntry, UiStrings

#: Anything in double brackets on one line (other shortcodes too: [[contact:id]], [[tel:id]]),
#: or an opening one that is never closed on its line.
_BRACKETED = re.compile(r"\[\[([^\[\]\n]{0,200})(\]\]|\]|$)", re.MULTILINE)
_WORD = re.compile(r"\s*([^\W\d_]+)")
#: Words that mean "source" or "advice" to a writer who misremembers the marker.
_SOURCE_WORDS = ("source", "sources", "kalla", "källa", "kallor", "källor", "cite", "ref")
_ADVICE_WORDS = ("advice", "rad", "råd")


@dataclass(frozen=True)
class Marker:
    line: int  # the file line
    start: int  # offset in the body
    end: int
    text: str  # as written
    kind: str  # "source", "advice" or "malformed"
    source_id: str = ""  # for "source"
    suggestion: str = ""  # for "malformed": what was meant, when it can be told


def markers(body: str, first_line: int = 1) -> Iterator[Marker]:
    """Every citation marker of a page body, in order, outside code."""
    if "[[" not in body:
        return
    text = strip_code(body)
    if len(text) != len(body):  # a fenced block was blanked: offsets differ, so map by line
        yield from _by_line(body, text, first_line)
        return
    yield from _in(text, 0, first_line, text)


def _by_line(body: str, text: str, first_line: int) -> Iterator[Marker]:
    offset = 0
    for number, (line, prose) in enumerate(zip(body.split("\n"), text.split("\n"), strict=True), start=first_line):
        if "[[" in prose and len(prose) == len(line):
            yield from _in(prose, offset, number, prose)
        offset += len(line) + 1


def _in(text: str, offset: int, first_line: int, lines_of: str) -> Iterator[Marker]:
    for match in _BRACKETED.finditer(text):
        written = match.group(0)
        line = first_line + lines_of.count("\n", 0, match.start())
        where = (line, offset + match.start(), offset + match.end(), written)
        citation = CITATION.fullmatch(written)
        if citation and citation.group(1):
            yield Marker(*where, "source", citation.group(1))
        elif written == ADVICE:
            yield Marker(*where, "advice")
        else:
            meant = _meant(match.group(1), match.group(2) == "]]")
            if meant is not None:
                yield Marker(*where, "malformed", suggestion=meant)


def _meant(inner: str, closed: bool) -> str | None:
    """What a bracketed text was meant as: a citation ("[[source:x]]", or "" when its id is
    missing) or the advice marker; None for other shortcodes and text."""
    word = _WORD.match(inner)
    if not word:
        return None
    head = word.group(1).lower()
    kinds = {"source": _SOURCE_WORDS, "advice": _ADVICE_WORDS}
    kind = next((k for k, words in kinds.items() if head in words), None)
    if kind is None:
        close = difflib.get_close_matches(head, ["source", "advice"], n=1, cutoff=0.7)
        kind = close[0] if close else None
    if kind == "advice":
        return ADVICE
    if kind == "source":
        rest = inner[word.end():].strip().lstrip(":=-").strip().lower()
        return f"[[source:{rest}]]" if rest and re.fullmatch(r"[a-z0-9-]+", rest) else ""
    return None


@dataclass(frozen=True)
class CitingText:
    """A text outside docs/ that may cite: a glossary definition in data/glossary.yml."""

    path: str  # as messages show it
    line: int
    text: str


def data_texts(content) -> Iterator[CitingText]:
    """Every data text that may hold [[source:ID]]: the glossary's definitions, each cited
    at the end of the sentence it supports, as on a page."""
    glossary, doc = content.glossary, content.glossary_doc
    if glossary is None or doc is None:
        return
    path = content.rel("data/glossary.yml")
    for index, term in enumerate(glossary.terms):
        for lang in content.site.languages:
            entry = (term.model_extra or {}).get(lang)
            if entry is not None and "[[" in entry.definition:
                line = doc.line_of(("terms", index, lang, "definition")) or 1
                yield CitingText(path, line, entry.definition)


def cited_ids(body: str) -> list[str]:
    """The ids a page cites, each once, in the order a reader meets them."""
    return list(dict.fromkeys(m.source_id for m in markers(body) if m.kind == "source"))


def page_sources(register, body: str) -> list[SourceEntry]:
    """A page's sources: the register's entries it cites, in order of first citation (ids
    not in the register are the checks' to report)."""
    if register is None:
        return []
    return [entry for entry in map(register.get, cited_ids(body)) if entry is not None]


def sources_anchor(ui: UiStrings, lang: str) -> str:
    """The id of the list of sources the build adds, from its heading: kallor, sources."""
    return slugify(html.unescape(ui.get("sources_heading", lang))) or "sources"


def source_anchor(ui: UiStrings, lang: str, number: int) -> str:
    """The id of the list's item for a number, from the reader's words for it: kalla-2, source-2."""
    return slugify(html.unescape(ui.get("source_number", lang, number=number))) or f"source-{number}"
