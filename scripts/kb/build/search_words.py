"""Words as the site's search sees them: split, lower-cased, stop words left out, stemmed.

One definition for the build's index, `kb search` and the reader's browser: the worker
(overrides/assets/kb-search-worker.js) does each step of `words`, `query_words` and the
stemming the same way, with the stop words and the stemmer's name the index's manifest carries.
A language with its own stop-word list in data/search/ (Swedish) gets the Snowball stemmer
lunr.py registers under lunr-languages' name (`stemmer-sv`, the same algorithm as the
browser's lunr.sv); any other language lunr's own English pipeline (its stop words and
lunr.js's stemmer, kb.build.english_stemmer).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kb.build import english_stemmer

#: A word: letters and digits (the worker: /[\p{L}\p{N}]+/gu); anything else separates words.
_WORD = re.compile(r"[^\W_]+")
#: Characters outside the Basic Multilingual Plane are left out: lunr.js measures and sorts
#: words in UTF-16 units, lunr.py in code points, and the two would disagree on them.
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def words(text: str) -> list[str]:
    """The words of a text, lower-cased, in order (the same for a page and a query)."""
    return _WORD.findall(_ASTRAL.sub("", unicodedata.normalize("NFC", text).lower()))


def index_words(text: str) -> list[str]:
    """The words of a page's text for the index: its words as a query's are split, then
    the parts of each word the theme's indexer glued together, so that "Telefon112" is
    found by "112" too."""
    return words(text) + glued_parts(text)


def glued_parts(text: str) -> list[str]:
    """What index_words adds to a text's words: the parts of its glued words."""
    glued = [raw for raw in _WORD.findall(_ASTRAL.sub("", unicodedata.normalize("NFC", text)))
             if not (raw.isdigit() or (raw.isalpha() and raw[1:].islower()))]  # a capital inside, or digits
    return [part for raw in glued for part in _parts(raw)]


def _parts(raw: str) -> list[str]:
    """The words glued into one by the theme's indexer, which joins the text of table cells
    and of a list's terms and descriptions ("Telefon112", "ÖppetDygnet"): taken apart where
    a lower-case letter meets a capital and where a letter meets a digit. Nothing when
    there is no such seam."""
    parts, start = [], 0
    for at in range(1, len(raw)):
        before, after = raw[at - 1], raw[at]
        if (before.islower() and after.isupper()) or (before.isdigit() != after.isdigit()):
            parts.append(raw[start:at].lower())
            start = at
    return [*parts, raw[start:].lower()] if parts else []


@dataclass(frozen=True)
class Language:
    """One language's pipeline: its stop words and its stemmer (by lunr's registered name)."""

    code: str
    stemmer_name: str
    stop_words: frozenset[str]
    _stem: Callable[[str], str] = field(repr=False, compare=False)
    compounds: bool = False  # whether the index holds the parts of compounds (Swedish: brottsoffer -> offer)
    _stems: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def stem(self, word: str) -> str:
        found = self._stems.get(word)
        if found is None:
            found = self._stems[word] = self._stem(word)
        return found

    def stems(self, words: list[str]) -> list[str]:
        """The stem of each word, in order: a word a language has stemmed is looked up."""
        known = self._stems
        for word in set(words).difference(known):
            self.stem(word)
        return list(map(known.__getitem__, words))

    def terms(self, text: str) -> list[str]:
        """What the index holds for a text: its words (glued ones taken apart too), stop
        words left out, stemmed."""
        return self.stems([word for word in index_words(text) if word not in self.stop_words])


def stop_word_file(root: Path, lang: str) -> Path:
    return root / "data" / "search" / f"stopwords.{lang}.txt"


def endings_file(root: Path, lang: str) -> Path:
    return root / "data" / "search" / f"endings.{lang}.txt"


def _word_list(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [w.strip() for w in lines if w.strip() and not w.startswith("#")]


def query_settings(root: Path, lang: str) -> dict:
    """QUERY for a language, with the endings a query word may be cut by (data/search/
    endings.LANG.txt, longest first; None where the language has no list: any letters)."""
    path = endings_file(root, lang)
    endings = sorted(_word_list(path), key=lambda e: (-len(e), e)) if path.is_file() else None
    return dict(QUERY, endings=endings)


def cuts(word: str, query: dict) -> list[str]:
    """The shorter forms of a query word whose stems a query also looks for: less one to
    `cut_most` letters, leaving at least `cut_leaves`, and only by an ending of the language's
    list when it has one ("checklistan" less "n"; not "loverboy" less "rboy")."""
    most = min(query["cut_most"], len(word) - query["cut_leaves"])
    endings = query.get("endings")
    return [word[:-cut] for cut in range(1, most + 1) if endings is None or word[-cut:] in endings]


def without_ending(word: str, query: dict) -> str | None:
    """A word of the index less its longest ending of the language's list (leaving at least
    `cut_leaves` letters), as `cuts` shortens a query word: "offret" and "offrets" are also
    "offr", which is what "offren" is stemmed to. None when no ending applies."""
    endings = query.get("endings") or ()
    return next((word[:-len(e)] for e in endings if word.endswith(e) and len(word) - len(e) >= query["cut_leaves"]),
                None)


#: The shortest first part and last part a compound is split into ("sex" + "köp" is not split,
#: "sexköp" + "lagen" is; "barn" + "äktenskap").
PART_LEAST = 3
TAIL_LEAST = 4


def compound_parts(words: set[str], language: Language) -> dict[str, list[str]]:
    """The parts of the compounds among `words`, split against those words themselves (the
    index's own vocabulary): a word is head + tail, or head + s + tail, where the head is a
    word of the vocabulary and the tail's stem is the stem of one; the longest tail wins and
    is split again. "brottsoffrets" -> brott, offrets ("offren" then finds it by its stem),
    "tvångsarbete" -> tvång, arbete. Returns {word: [part, ...]} for the words that split."""
    stems = {language.stem(w) for w in words}
    found: dict[str, list[str]] = {}

    def split(word: str) -> list[str]:
        for at in range(PART_LEAST, len(word) - PART_LEAST + 1):
            head, rest = word[:at], word[at:]
            if head not in words:
                continue
            for tail in (rest, rest[1:] if rest.startswith("s") else None):
                if tail and len(tail) >= TAIL_LEAST and language.stem(tail) in stems:
                    return [head, *(split(tail) or [tail])]
        return []

    for word in words:
        if len(word) >= PART_LEAST + TAIL_LEAST and word.isalpha():
            parts = split(word)
            if parts:
                found[word] = parts
    return found


def uses_snowball(root: Path, lang: str) -> bool:
    """Whether a language has its own stop words, and so lunr-languages' Snowball stemmer."""
    return stop_word_file(root, lang).is_file()


def language(root: Path, lang: str) -> Language:
    """The pipeline of a site language (see the module's docstring)."""
    path = stop_word_file(root, lang)
    if uses_snowball(root, lang):
        lines = path.read_text(encoding="utf-8").splitlines()
        stop_words = frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))
        name = f"stemmer-{lang}"
        return Language(lang, name, stop_words, _snowball(name), compounds=True)
    from lunr.stop_word_filter import WORDS  # lunr.py's copy of lunr.js's English stop words

    return Language(lang, "stemmer", frozenset(WORDS), english_stemmer.stem)


def _snowball(name: str) -> Callable[[str], str]:
    import lunr.languages  # noqa: F401  (registers stemmer-sv and the others; NLTK's Snowball, no download)
    from lunr.pipeline import Pipeline
    from lunr.token import Token

    function = Pipeline.registered_functions[name]
    return lambda word: str(function(Token(word), 0, []))


#: How a query is searched, written into the index's manifest so that `kb search` and the worker
#: read the same numbers: the boost of a word's stem (exact), of the stems of the word cut
#: short by one to `cut_most` letters, leaving at least `cut_leaves` (cut), of the word as
#: typed so far as a prefix (prefix), and of a stem one letter away, for words of
#: `typo_from` letters or more (typo); at most `most_words` words of a query count, and an
#: entry's score is multiplied by the share of them it has, `all_words` times. A query whose
#: words reach pages only as typos of words shorter than `typo_sure` letters finds nothing
#: (the box offers the words one letter away instead: "Did you mean …?").
QUERY = {"exact": 10, "cut": 3, "prefix": 1, "typo": 0.3, "cut_most": 4, "cut_leaves": 4, "typo_from": 5,
         "typo_sure": 7, "most_words": 12, "all_words": 3}


def query_words(language: Language, query: str, most: int = QUERY["most_words"]) -> list[str]:
    """The words of a query that are searched for, each once: stop words and one-letter
    words are left out unless nothing else is left ("vem ringer jag om ..." searches
    "ringer"), and only the first `most`."""
    found = list(dict.fromkeys(words(query)))
    useful = [w for w in found if w not in language.stop_words and len(w) > 1]
    return (useful or found)[:most]
