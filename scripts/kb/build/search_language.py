"""One language's search index from its entries, and its files, made in a process of its
own for each language (kb.build.search_index hands it the entries, page by page).

This module and what it imports are light (no content model, no MkDocs pages), so that a
new interpreter can build a language's index: a fork of the build would hold a copy of
the whole build's memory, which became the fork's own as either process went on.
"""

from __future__ import annotations

import gzip
import html
import os
import posixpath
import re
from array import array
from collections import Counter
from pathlib import Path

from kb.build import compat, search_file, search_weights, search_words, search_worker

#: How much a word counts where it stands: in the keywords a page declares (and a contacts
#: section's place names), in a title, in the text, and as a part of a compound word in the
#: title or text (Swedish: "brottsoffrets" is also "brott" and "offrets").
FIELDS = {"title": 10.0, "text": 1.0, "tags": 100.0, "parts": 0.5}

#: How many characters of a section's text a result shows (two lines or so).
TEASER = 160

#: How hard the index's files are compressed for nginx's gzip_static. Level 9 took five times
#: as long as 6 for 1.3% fewer bytes (2.2 MB of shards at 1,000 methods: 0.32 s against 0.07
#: s, 474 kB against 480 kB), at the end of every build, where nothing else can go on.
GZIP_LEVEL = 6

_BREAK = re.compile(r"<(?:br|/p|/div|/dt|/dd|/li|/td|/th|/h\d)\b[^>]*>")  # where words of two lines would meet
_TAG = re.compile(r"<[^>]+>")


def plain(markup: str) -> str:
    """The text of a piece of HTML, words of two blocks kept apart."""
    return html.unescape(_TAG.sub(" ", _BREAK.sub(" ", markup)))


def teaser(markup: str, length: int = TEASER) -> str:
    """The start of a section's text as a result shows it: plain text, cut at a word."""
    text = " ".join(plain(markup).split())
    if len(text) > length:
        text = text[:length].rsplit(" ", 1)[0].rstrip(",.;:–-") + " …"
    return f"<p>{html.escape(text, quote=False)}</p>" if text else ""


class Collected:
    """A language's entries as they come (page by page while the build writes its pages, or
    all at once): each entry's text is split into words as it comes, and only its words and
    what a result shows of it are kept, so that the index is nearly made when the last page
    is written. Each word is kept as its number in the vocabulary (4 bytes where a list
    held 8: the entries are held for the whole build), and stemmed once for the whole
    index (Language.stem)."""

    def __init__(self, language: search_words.Language) -> None:
        self.language = language
        self._vocabulary: list[str] = []  # every word, by number
        self._number: dict[str, int] = {}
        self._counts: Counter[int] = Counter()  # how often the index has each word
        # per entry: its place in the index's order, what a result shows of it, and the words
        # of its title and text, the parts of their glued words and its tags' words
        self._entries: list[tuple[tuple[str, str], dict[str, str], tuple[array, ...]]] = []

    def add(self, docs: list[dict]) -> None:
        stop, number, vocabulary = self.language.stop_words, self._number, self._vocabulary

        def kept(found: list[str]) -> array:
            held = array("I")
            for word in found:
                if word in stop:
                    continue
                at = number.get(word)
                if at is None:
                    at = number[word] = len(vocabulary)
                    vocabulary.append(word)
                held.append(at)
            return held

        for doc in docs:
            title, body = plain(doc["title"]), plain(doc["text"])
            words = (kept(search_words.words(title)), kept(search_words.glued_parts(title)),
                     kept(search_words.words(body)), kept(search_words.glued_parts(body)),
                     kept(search_words.index_words(" ".join(doc.get("tags", [])))))
            for field in words:
                self._counts.update(field)
            shown = {"location": doc["location"], "title": doc["title"], "text": teaser(doc["text"])}
            self._entries.append((search_file.order_key(doc), shown, words))

    def index(self, query: dict | None = None) -> tuple[search_weights.Postings, dict[str, str], list[dict]]:
        """The weight of each term in each field of each entry, the entries numbered in the
        index's order (kb.build.search_file.order_key, kb.build.search_weights); the word each
        term stands for most often (what "Did you mean" shows); and what a result shows of
        each entry, in the same order. Lets the entries go."""
        language, stem = self.language, self.language.stem
        entries = sorted(self._entries, key=lambda entry: entry[0])  # stable: entries of one place keep theirs
        self._entries = []
        vocabulary = self._vocabulary
        seen: dict[str, dict[str, int]] = {}  # a stem -> the words it stands for, and how often
        for word, count in self._counts.items():
            seen.setdefault(stem(vocabulary[word]), {})[vocabulary[word]] = count
        self._counts = Counter()
        split = search_words.compound_parts({w for forms in seen.values() for w in forms}, language) \
            if language.compounds else {}
        shorter: dict[str, str | None] = {}  # a word -> the stem of it less an ending, if that differs

        def less_ending(word: str) -> str | None:
            if word not in shorter:
                cut = search_words.without_ending(word, query) if query and language.compounds else None
                shorter[word] = stem(cut) if cut and stem(cut) != stem(word) else None
            return shorter[word]

        def parts_of(word: str) -> tuple[str, ...]:
            """What a word adds to the "parts" field: its parts' stems, and its own and its
            parts' stems less an ending."""
            found = []
            for part in (word, *split.get(word, ())):
                if part != word:
                    found.append(stem(part))
                if (cut := less_ending(part)) is not None:
                    found.append(cut)
            return tuple(found)

        adds = {word: parts_of(word) for forms in seen.values() for word in forms}

        def terms():
            for _, _, numbers in entries:
                title, title_glued, body, body_glued, tags = ([vocabulary[n] for n in held] for held in numbers)
                yield {"title": language.stems(title + title_glued), "text": language.stems(body + body_glued),
                       "tags": language.stems(tags), "parts": [term for word in title + body for term in adds[word]]}

        postings = search_weights.postings(terms(), FIELDS)
        shown_as = {stem: min(forms, key=lambda w: (-forms[w], len(w), w)) for stem, forms in seen.items()}
        return postings, shown_as, [shown for _, shown, _ in entries]

    def data(self, query: dict) -> tuple[dict, dict[str, object]]:
        """The language's manifest and shards, as kb.build.search_file writes them."""
        postings, shown_as, shown = self.index(query)
        # the word each term stands for, for "Did you mean …?": "" when it is the term itself, None
        # when it stands for no word of the site (a compound's part less an ending, say)
        words = {term: "" if word == term else word for term, word in shown_as.items()}
        manifest, shards = search_file.shard(postings, list(FIELDS), shown, words)
        language = self.language
        return {"format": search_file.FORMAT, "stemmer": language.stemmer_name,
                "stop_words": sorted(language.stop_words), "query": query, **manifest}, shards


def index_href(prefix: str) -> str:
    """The address of a language's DATA relative to the worker ("" for the default language,
    "en/" for English), as search_index.json names it and the page hands it to the worker."""
    return posixpath.relpath(f"{prefix}{compat.SEARCH_INDEX.parent.as_posix()}/{search_file.DATA}",
                             posixpath.dirname(search_worker.TARGET))


def write_language(folder: Path, prefix: str, config: dict, data: tuple[dict, dict[str, object]], lang: str,
                   inline_script: bool) -> list[Path]:
    """A language's search_index.json, which names the manifest for the worker, and the
    manifest and its shards beside it, each also gzipped; for the offline edition
    (inline_script) search_index.json and .js that hold them all."""
    manifest, shards = data
    index_file = folder / prefix / compat.SEARCH_INDEX
    if inline_script:
        return compat.write_search_index(index_file, dict(config, kb=dict(manifest, shards=shards)), [], lang,
                                         inline_script)
    written = []
    for path, value in ((index_file.parent / search_file.DATA, manifest),
                        *((index_file.parent / search_file.SHARDS / name, shard) for name, shard in shards.items())):
        path.parent.mkdir(parents=True, exist_ok=True)
        text = search_file.dumps(value)
        path.write_bytes(text)
        # deploy/nginx.conf serves these (gzip_static) instead of compressing them on every request
        zipped = path.with_name(path.name + ".gz")
        zipped.write_bytes(gzip.compress(text, compresslevel=GZIP_LEVEL, mtime=0))
        written += [path, zipped]
    kb = {"format": search_file.FORMAT, "href": index_href(prefix)}
    return [*compat.write_search_index(index_file, dict(config, kb=kb), [], lang, inline_script), *written]


def build_elsewhere(conn, root: Path, lang: str) -> None:
    """A language's index in a process of its own: its words are ready (lunr.py imported)
    before its first entries arrive through `conn`, as ("entries", [...]) any number of
    times; ("write", site_dir, prefix, config, inline_script) then writes its files, and the
    files written, or the failure, go back through it."""
    try:
        os.nice(10)  # the build's own process, which writes the pages, goes first on a busy core
        collected = Collected(search_words.language(root, lang))
        message = conn.recv()
        while message[0] == "entries":
            collected.add(message[1])
            message = conn.recv()
        _, site_dir, prefix, config, inline_script = message
        data = collected.data(search_words.query_settings(root, lang))
        del collected
        written = write_language(site_dir, prefix, config, data, lang, inline_script)
        conn.send(("done", [str(path) for path in written]))
    except (EOFError, BrokenPipeError):
        pass  # the build stopped: nobody is waiting for the index
    except BaseException as exc:  # noqa: BLE001  (reported by the build, in the other process)
        try:
            conn.send(("failed", str(exc) or type(exc).__name__))
        except OSError:
            pass  # the build stopped meanwhile
