"""Which sentences of a page state a rule, and whether each says what it rests on.

The patterns and the pages in scope are data (data/normative.yml); this module splits a
page's Markdown body into sentences with their file lines, the way a reader reads them,
and answers for each whether it matches a pattern and whether it cites a source
(`[[source:ID]]`) or is marked as the editors' advice (`[[advice]]`). `kb check` reports
the uncited ones; `python -m kb.model.normative FILE...` lists them for a writer.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kb.model import yamlio
from kb.model.code import strip_code
from kb.model.problems import Problem

#: A citation of one passage in data/sources.yml, placed at the end of the sentence it supports.
CITATION = re.compile(r"\[\[source:([^\]\s]*)\]\]")
#: The editors' own advice: cites nothing on purpose, and is rendered as nothing.
ADVICE = "[[advice]]"

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_ADMONITION = re.compile(r"^\s*(!!!|\?\?\?\+?)\s")
_ITEM = re.compile(r"^\s*([-*+]|\d+[.)])\s+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
#: A sentence ends at . ! or ? (citations after it, also with spaces between, belong to it)
#: before a capital letter.
_SENTENCE_END = re.compile(r"(?<=[.!?])((?:\s*\[\[[^\]\n]*\]\])*)\s+(?=[\"'*(\[]*[A-ZÅÄÖÉ])")
_NOISE = re.compile(r"\]\([^)]*\)|`[^`]*`|<[^>]*>|\[\[[^\]]*\]\]|https?://\S+|\{[^}]*\}")


@dataclass(frozen=True)
class Sentence:
    line: int  # the file line the sentence starts on
    text: str  # as written, joined onto one line

    @property
    def citations(self) -> list[str]:
        """The ids cited, as written; a marker shown as code (`[[source:x]]`) cites nothing."""
        return CITATION.findall(strip_code(self.text))

    @property
    def is_advice(self) -> bool:
        return ADVICE in strip_code(self.text)

    @property
    def words(self) -> str:
        """What a reader reads: without link targets, code, tags, shortcodes and attributes."""
        return _NOISE.sub(" ", self.text)


@dataclass(frozen=True)
class Rules:
    types: frozenset[str]
    paths: tuple[str, ...]
    patterns: dict[str, list[re.Pattern]]

    def applies_to(self, key: str, page_type: str) -> bool:
        """Whether every rule on this page (by key, e.g. ansvar/barn.md) must cite."""
        return page_type in self.types or any(key == p or (p.endswith("/") and key.startswith(p))
                                               for p in self.paths)

    def rule_word(self, sentence: Sentence, lang: str) -> str | None:
        """The words that make the sentence a rule, or None."""
        for pattern in self.patterns.get(lang, []):
            found = pattern.search(sentence.words)
            if found:
                return found.group(0)
        return None


def load_rules(doc: yamlio.YamlDoc, path: str, page_types: tuple[str, ...], languages: tuple[str, ...],
               required: tuple[str, ...]) -> tuple[Rules | None, list[Problem]]:
    """data/normative.yml as Rules, and every problem in it at its line: a pattern that does
    not compile, a page type that does not exist, a language of the site that must be
    complete (`required`) without patterns, patterns for a language the site does not have."""
    problems = [Problem(path, line, f"'{key}' appears twice: keep one, or the first value is silently lost")
                for key, line in doc.duplicates]
    data = doc.data if isinstance(doc.data, dict) else {}
    if not isinstance(doc.data, dict):
        return None, [*problems, Problem(path, 1, "expected 'scope:' and 'patterns:' (see the comment at the top)")]
    problems += [Problem(path, doc.line_of((key,)), f"unknown field '{key}': only scope and patterns belong here")
                 for key in data if key not in ("scope", "patterns")]
    scope = data.get("scope")
    if not isinstance(scope, dict):
        problems.append(Problem(path, doc.line_of(("scope",), 1), "'scope' should hold 'types:' and 'paths:' lists"))
        scope = {}
    for key in scope:
        if key not in ("types", "paths"):
            problems.append(Problem(path, doc.line_of(("scope", key)), f"unknown field 'scope.{key}': use types and "
                                                                        "paths"))
    types, paths = _texts(doc, path, ("scope", "types"), problems), _texts(doc, path, ("scope", "paths"), problems)
    for index, name in enumerate(types):
        if name not in page_types:
            problems.append(Problem(path, doc.line_of(("scope", "types", index)),
                                    f"'{name}' is no page type: use one of {', '.join(page_types)}"))
    patterns = data.get("patterns")
    if not isinstance(patterns, dict):
        problems.append(Problem(path, doc.line_of(("patterns",), 1), "'patterns' should hold a list for each "
                                                                      f"language ({', '.join(languages)})"))
        patterns = {}
    compiled: dict[str, list[re.Pattern]] = {}
    for lang in required:
        if lang not in patterns:
            problems.append(Problem(path, doc.line_of(("patterns",), 1),
                                    f"'patterns.{lang}' is missing: add the words that make a sentence a rule in "
                                    "that language"))
    for lang in patterns:
        if lang not in languages:
            problems.append(Problem(path, doc.line_of(("patterns", lang)), f"'{lang}' is not a language of the "
                                                                          f"site: use {', '.join(languages)}"))
            continue
        compiled[lang] = []
        for index, pattern in enumerate(_texts(doc, path, ("patterns", lang), problems)):
            try:
                compiled[lang].append(re.compile(pattern, re.IGNORECASE))
            except re.error as exc:
                problems.append(Problem(path, doc.line_of(("patterns", lang, index)),
                                        f"the pattern '{pattern}' is not a regular expression Python can read "
                                        f"({exc.msg} at position {exc.pos}): correct it"))
    return Rules(frozenset(types), tuple(paths), compiled), problems  # what could be read, checked anyway


def _texts(doc: yamlio.YamlDoc, path: str, loc: tuple[str, ...], problems: list[Problem]) -> list[str]:
    """The texts of a list at loc; what is not a list of texts is a problem."""
    value = doc.data
    for key in loc:
        value = value.get(key) if isinstance(value, dict) else None
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        problems.append(Problem(path, doc.line_of(loc, 1), f"'{'.'.join(loc)}' should be a list of texts, each on "
                                                           "its own line starting with '- '"))
        return []
    return value


def sentences(body: str, first_line: int = 1) -> Iterator[Sentence]:
    """Every sentence of a Markdown body outside code, headings and admonition titles, with
    the file line it starts on. A list item, a table row and a paragraph are each a block;
    a block is split into sentences."""
    block: list[tuple[int, str]] = []
    fenced = False

    def flush() -> Iterator[Sentence]:
        if block:
            yield from _split(block)
            block.clear()

    for number, line in enumerate(body.split("\n"), start=first_line):
        if _FENCE.match(line):
            yield from flush()
            fenced = not fenced
            continue
        if fenced:
            continue
        stripped = line.strip()
        if (not stripped or _HEADING.match(line) or _ADMONITION.match(line) or _TABLE_RULE.match(line)
                or stripped.startswith(("<!--", "*[", "</"))):
            yield from flush()
            continue
        if _ITEM.match(line) or stripped.startswith("|"):
            yield from flush()
            block.append((number, _ITEM.sub("", line, count=1).strip()))
            if stripped.startswith("|"):
                yield from flush()
            continue
        block.append((number, stripped))
    yield from flush()


def _split(block: list[tuple[int, str]]) -> Iterator[Sentence]:
    text, starts = "", []
    for number, part in block:
        starts.append((len(text), number))
        text += part + " "
    start = 0
    for end in _SENTENCE_END.finditer(text):
        yield _sentence(text, start, end.end(1), starts)
        start = end.end()
    if text[start:].strip():
        yield _sentence(text, start, len(text), starts)


def _sentence(text: str, start: int, end: int, starts: list[tuple[int, int]]) -> Sentence:
    line = max(number for offset, number in starts if offset <= start)
    return Sentence(line, text[start:end].strip())


def uncited(body: str, first_line: int, lang: str, rules: Rules) -> Iterator[tuple[Sentence, str]]:
    """Each sentence that states a rule and neither cites a source nor is marked as advice."""
    for sentence in sentences(body, first_line):
        if sentence.citations or sentence.is_advice:
            continue
        word = rules.rule_word(sentence, lang)
        if word:
            yield sentence, word


def main(argv: list[str]) -> int:
    """List the uncited rules in the given Markdown files (a writer's aid; kb check is the gate)."""
    from kb.model.frontmatter import decode, split
    from kb.model.load import page_identity
    from kb.model.schema import PAGE_TYPES
    from kb.model.site import find_root, load_site

    site = load_site(find_root())
    doc = yamlio.load((site.data_dir / "normative.yml").read_text(encoding="utf-8"))
    rules, problems = load_rules(doc, "data/normative.yml", tuple(PAGE_TYPES), site.languages,
                                 site.complete_languages)
    for problem in problems:
        print(problem)
    found = 0
    for name in argv:
        path = Path(name).resolve()
        parts = split(decode(path.read_bytes()))
        lang = page_identity(path, site)[1]
        for sentence, word in uncited(parts.body, parts.body_line, lang, rules):
            found += 1
            print(f"{name}:{sentence.line}: (\"{word}\") {sentence.text[:160]}")
    return 1 if found or problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
