"""One term per concept in each language: pages and data texts use the house terms in data/terms.yml.

A practitioner who meets "reflektionstid" on one page and "betänketid" on another may take
them for two things. A line that also names the preferred term is fine (a synonym is
mentioned once that way); code, link addresses and {#ids} are not prose and are left alone.
The data files readers see (glossary, contacts, taxonomy, UI texts) hold each text under
its language's key (`sv:`, `en:`); such a text is judged as a whole, as a page's line is,
and reported at the file line where the discouraged word is written.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path

from kb.checks.scope import Scope
from kb.model import frontmatter, yamlio
from kb.model.load import Content
from kb.model.problems import Problem, rel
from kb.model.schema import HouseTerm

#: A link's address and an attribute list ({#id}) name files and anchors, not concepts.
_NOT_PROSE = re.compile(r"\]\([^)\s]*\)|\{[^}\n]*\}")


@functools.cache
def _pattern(words: tuple[str, ...]) -> re.Pattern:
    """Any of the words as whole words, in any case, whatever spaces or line breaks are between them."""
    return re.compile(r"(?<!\w)(?:" + "|".join(r"\s+".join(map(re.escape, w.split()))
                                               for w in sorted(words, key=len, reverse=True))
                      + r")(?!\w)", re.IGNORECASE)


def check(content: Content, scope: Scope) -> Iterator[Problem]:
    if content.terminology is None:
        return
    terms = content.terminology.terms
    yield from _data(content, terms)


def _data(content: Content, terms: list[HouseTerm]) -> Iterator[Problem]:
    languages = set(content.site.languages)
    for name, doc in (("glossary.yml", content.glossary_doc), ("contacts.yml", content.contacts_doc),
                      ("taxonomy.yml", content.taxonomy_doc), ("ui.yml", content.ui_doc)):
        if doc is None:
            continue  # not loaded: the loader has said why
        path = content.site.data_dir / name
        for loc, lang, text in _texts(doc.data, (), None, languages):
            for term, word in _misused(text, [t for t in terms if t.lang == lang]):
                yield Problem(rel(path, content.site.root), _line(path, doc, loc, word), _message(term, word))


def _misused(text: str, terms: list[HouseTerm]) -> Iterator[tuple[HouseTerm, str]]:
    """Each term the text avoids wrongly, with the discouraged word as written."""
    lowered = text.lower()
    terms = [t for t in terms if any(word.lower() in lowered for word in t.avoid)]
    if terms:  # most texts: a few substring searches, no regular expression
        text = _NOT_PROSE.sub(" ", text)
    for term in terms:
        found = _pattern(tuple(term.avoid)).search(text)
        if found and not _pattern((term.use,)).search(text) and not (
                term.unless and _pattern(tuple(term.unless)).search(text)):
            yield term, found.group(0)


def _message(term: HouseTerm, word: str) -> str:
    return (f'use "{term.use}" instead of "{" ".join(word.split())}" (data/terms.yml: one term per concept, '
            "so readers do not take them for two)")


def _texts(value: object, loc: yamlio.Loc, lang: str | None,
           languages: set[str]) -> Iterator[tuple[yamlio.Loc, str, str]]:
    """(where, language, text) for every text under a language key; keys and comments are not texts."""
    if isinstance(value, str):
        if lang:
            yield loc, lang, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*loc, key), key if key in languages else lang, languages)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*loc, index), lang, languages)


def _line(path: Path, doc: yamlio.YamlDoc, loc: yamlio.Loc, word: str) -> int | None:
    """The file line where word is written in the text at loc: a text folded over several lines
    ends where the next key or item starts. The text's first line when it cannot be found."""
    start = doc.line_of(loc)
    if start is None:
        return None
    end = min((line for line in doc.lines.values() if line > start), default=None)
    try:
        lines = frontmatter.decode(path.read_bytes()).split("\n")[start - 1: end and end - 1]
    except (OSError, UnicodeDecodeError):  # changed since it was loaded
        return start
    found = _pattern((word,)).search("\n".join(lines))
    return start + found.string.count("\n", 0, found.start()) if found else start
