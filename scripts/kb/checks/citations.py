"""Citations on pages resolve: every [[source:ID]] names an entry of data/sources.yml, every
marker is written as one, and no page keeps a hand-written list of sources.

An unresolved or misspelt marker would be published as it is written, so the build runs
these checks too and stops on them.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Iterator
from dataclasses import replace

from kb.checks.scope import Scope
from kb.model.citations import data_texts, markers, sources_anchor
from kb.model.code import strip_code
from kb.model.load import RETIRED_KEYS, Content
from kb.model.normative import ADVICE
from kb.model.problems import Problem

REGISTER = "data/sources.yml"


def unknown_sources(content: Content, scope: Scope) -> Iterator[Problem]:
    """A [[source:ID]] whose id is not in the register, with the closest ids suggested."""
    register = content.sources
    if register is None:
        return  # the register could not be read: said where it was read
    known = list(register.entries)
    for path, found in _all_markers(content):
        for marker in found:
            if marker.kind != "source" or marker.source_id in register.entries:
                continue
            if marker.source_id in register.listed:
                continue  # an entry with problems of its own, reported in the register
            yield Problem(path, marker.line, unknown_message(marker.source_id, known))


def _all_markers(content: Content):
    """(path, markers) of every page and every data text that may cite (the glossary)."""
    for page in content.pages:
        yield page.rel, markers(page.body, page.body_line)
    for text in data_texts(content):
        yield text.path, (replace(m, line=text.line) for m in markers(text.text))


def unknown_message(source_id: str, known: list[str]) -> str:
    close = difflib.get_close_matches(source_id.lower(), known, n=3, cutoff=0.6)
    if close:
        hint = f"did you mean {' or '.join(close)}?"
    elif known:
        hint = f"add the passage to {REGISTER} first (see its header), then cite its id"
    else:
        hint = f"{REGISTER} has no entries yet: add the passage there first (see its header)"
    return f"unknown source '{source_id}' in [[source:…]]: it is not an id in {REGISTER}; {hint}"


def malformed_markers(content: Content, scope: Scope) -> Iterator[Problem]:
    """Something meant as [[source:ID]] or [[advice]] that is written otherwise."""
    for path, found in _all_markers(content):
        for marker in found:
            if marker.kind != "malformed":
                continue
            if marker.suggestion == ADVICE:
                fix = f"write {ADVICE} for the editors' own advice"
            elif marker.suggestion:
                fix = f"write {marker.suggestion}"
            else:
                fix = (f"write the id of an entry of {REGISTER} after 'source:', e.g. [[source:brb-4-1a]], or "
                       f"{ADVICE} for the editors' own advice")
            yield Problem(path, marker.line, f"'{marker.text}' is not a citation marker: {fix}")


def handwritten_sources(content: Content, scope: Scope) -> Iterator[Problem]:
    """A page's sources are derived from its citations; a list in front matter is not read."""
    for page in content.pages:
        for key in RETIRED_KEYS:
            if page.doc is not None and isinstance(page.doc.data, dict) and key in page.doc.data:
                yield Problem(page.rel, page.line_of(key),
                              "sources are derived from [[source:ID]] citations: remove this list and cite at the "
                              "sentence")


_HEADING = re.compile(r"^#{1,6}[ \t]+(.*?)(?:[ \t]*\{[^}\n]*#([\w-]+)[^}\n]*\})?[ \t]*#*[ \t]*$", re.MULTILINE)


def own_sources_heading(content: Content, scope: Scope) -> Iterator[Problem]:
    """A page that cites gets the list of sources under a heading of the build's: a heading of
    its own with that name or id would take its place in the table of contents and its address."""
    if content.ui is None or content.sources is None:
        return
    for page in content.pages:
        if "[[source:" not in page.body or not any(m.kind == "source" for m in markers(page.body)):
            continue
        name = html.unescape(content.ui.get("sources_heading", page.lang))
        anchor = sources_anchor(content.ui, page.lang)
        text = strip_code(page.body)
        for heading in _HEADING.finditer(text):
            if heading.group(1).strip().casefold() == name.casefold() or heading.group(2) == anchor:
                yield Problem(page.rel, page.body_line + text.count("\n", 0, heading.start()),
                              f"the build lists the passages this page cites under a heading of its own, "
                              f"'{name}' (#{anchor}): remove this section and cite at the sentences, or give it "
                              "another name and id")
