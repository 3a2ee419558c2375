"""The search index a language ships, in shards, so that a search fetches only what its query reads.

search_index.json keeps the shape of the theme's index ({"config", "docs"}), because the
theme's page script fetches it and hands `config` to the search worker unread; its
`config["kb"]` says where the index is: {"format", "href"}, the address of the manifest
(DATA) relative to the worker, which the worker fetches itself.

The manifest holds what every query needs: the stop words, the stemmer's name, the query's
weights, the fields, every term in order (lunr's TokenSet finds a word's stem, prefix and
typos among them), where each page's entries start, and how the shards are cut. The shards,
in SHARDS beside it, hold the rest, fetched only when a query reads them:

- `t<n>.json`, the postings of consecutive terms (at most TERM_SHARD_BYTES, or one term's): for each
  term, the word of the site it stands for ("Did you mean …?") and, field by field, the
  entries that hold it with its weight there;
- `d<n>.json`, DOCS_PER_SHARD consecutive entries: what a result shows (see pack_docs).

lunr scores an entry as the sum over its fields of query · vector / |query|; every clause
of ours reaches every field, so only the weights of the query's own terms count, and the
postings carry them: no entry's vector is shipped. kb.tools.search and the worker
(overrides/assets/kb-search-worker.js) read these files through the same steps.

Entries are numbered in the order of their page's address, then their own (`order_key`): a
page's entries are neighbours, and comparing two numbers compares two addresses, which is
how ties are ranked. The offline edition works from file://, where a worker cannot fetch:
its search_index.js carries the manifest with every shard in it (`config["kb"]["shards"]`).
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterable
from pathlib import Path

from kb.build import compat, search_weights

#: Changes whenever the layout of the files does; the worker refuses another.
FORMAT = 3

#: The manifest, next to search_index.json in the language's search/ folder.
DATA = "lunr_index.json"

#: The shards' folder, beside the manifest.
SHARDS = "shards"

#: A term shard holds consecutive terms up to this many bytes, or one term that alone has
#: more (a word on every page): a rare word never brings a common one's postings along.
TERM_SHARD_BYTES = 8_000

#: Entries per entry shard: a result list of ten pages touches a few of them.
DOCS_PER_SHARD = 32

#: Weights are stored as whole thousandths: lunr.js rounds them so too when it builds an index.
SCALE = search_weights.SCALE


def order_key(doc: dict) -> tuple[str, str]:
    """Where an entry comes in the order entries are numbered: by page address, then its own."""
    return doc["location"].split("#", 1)[0], doc["location"]


def dumps(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def shard(postings: search_weights.Postings, fields: list[str], docs: list[dict],
          words: dict[str, str | None]) -> tuple[dict, dict[str, object]]:
    """The weights of the terms of `docs` (numbered 0, 1, ... by `order_key`; see
    kb.build.search_weights) and the word each term stands for, as the manifest's index
    part and the shards, by file name. `postings` is emptied as the shards fill."""
    terms = sorted(postings)  # no astral characters: UTF-16 order
    shards: dict[str, object] = {}
    starts, current, size = [], [], 0
    for number, term in enumerate(terms):
        posting: list = [words.get(term)]
        for held in postings.pop(term):
            table = sorted(set(held[1::2])) if held is not None else []
            at = {weight: place for place, weight in enumerate(table)}
            flat, previous = [], 0
            for doc, weight in search_weights.pairs(held):
                flat += (doc - previous, at[weight])
                previous = doc
            posting += (table, flat)
        own = len(dumps(posting))
        if current and size + own > TERM_SHARD_BYTES:
            shards[f"t{len(starts) - 1}.json"] = current
            current, size = [], 0
        if not current:
            starts.append(number)
        current.append(posting)
        size += own
    if current:
        shards[f"t{len(starts) - 1}.json"] = current
    for first in range(0, len(docs), DOCS_PER_SHARD):
        shards[f"d{first // DOCS_PER_SHARD}.json"] = pack_docs(docs[first:first + DOCS_PER_SHARD])
    pages, previous, last = [], None, 0
    for number, doc in enumerate(docs):
        page = doc["location"].split("#", 1)[0]
        if page != previous:
            pages.append(number - last)
            last, previous = number, page
    manifest = {"fields": fields, "terms": terms, "pages": pages, "term_shards": starts, "docs": len(docs),
                "docs_per_shard": DOCS_PER_SHARD}
    return manifest, shards


class Sharded:
    """One language's index as a query reads it: the manifest, and each shard read once,
    when a query first needs it, by `fetch` (a file's name -> its content)."""

    def __init__(self, manifest: dict, fetch: Callable[[str], object]):
        self.manifest = manifest
        self.fetch = fetch
        self.fields: list[str] = manifest["fields"]
        self.terms: list[str] = manifest["terms"]
        self.number = {term: number for number, term in enumerate(self.terms)}
        self.page_starts = []
        at = 0
        for step in manifest["pages"]:
            at += step
            self.page_starts.append(at)
        self.shards: dict[str, object] = {}
        self.unpacked: dict[str, list[dict]] = {}
        self.fetched: list[str] = []  # the shards read, in order (what a browser would have fetched)

    def _shard(self, name: str) -> object:
        if name not in self.shards:
            self.shards[name] = self.fetch(name)
            self.fetched.append(name)
        return self.shards[name]

    def term_shard(self, number: int) -> int:
        return bisect.bisect_right(self.manifest["term_shards"], number) - 1

    def postings(self, numbers: Iterable[int]) -> dict[int, dict]:
        """Each term's posting: {"word": the word it stands for or None, field: {entry: weight}}."""
        found = {}
        for number in sorted(set(numbers)):
            which = self.term_shard(number)
            raw = self._shard(f"t{which}.json")[number - self.manifest["term_shards"][which]]
            posting: dict = {"word": raw[0]}
            for place, name in enumerate(self.fields):
                table, flat, entries, doc = raw[1 + 2 * place], raw[2 + 2 * place], {}, 0
                for at in range(0, len(flat), 2):
                    doc += flat[at]
                    entries[doc] = table[flat[at + 1]] / SCALE
                posting[name] = entries
            found[number] = posting
        return found

    def page_of(self, doc: int) -> int:
        """The number of the first entry of the entry's page (the page's own entry, where it has one)."""
        return self.page_starts[bisect.bisect_right(self.page_starts, doc) - 1]

    def docs(self, numbers: Iterable[int]) -> dict[int, dict]:
        """What each entry shows: {location, title, text}."""
        size, found = self.manifest["docs_per_shard"], {}
        for number in sorted(set(numbers)):
            name = f"d{number // size}.json"
            if name not in self.unpacked:
                self.unpacked[name] = unpack_docs(self._shard(name))
            found[number] = self.unpacked[name][number % size]
        return found

    def all_docs(self) -> list[dict]:
        """Every entry, in order: every entry shard (for tests and reports; a query reads few)."""
        return list(self.docs(range(self.manifest["docs"])).values())

    def entry_terms(self, doc: int, field: str) -> set[str]:
        """The terms of one entry's field: every term shard (for tests; a query reads few)."""
        postings = self.postings(range(len(self.terms)))
        return {self.terms[number] for number, posting in postings.items() if doc in posting[field]}


def read(index_file: Path) -> Sharded | None:
    """The index of the language whose search_index.json this is (inline or beside it), or
    None when the file is not one this version writes (an older build's)."""
    stored = compat.read_search_index(index_file)["config"].get("kb")
    if not stored or stored.get("format") != FORMAT:
        return None
    if "href" not in stored:
        inline = stored["shards"]
        return Sharded(stored, inline.__getitem__)
    data = index_file.parent / DATA
    manifest = json.loads(data.read_text(encoding="utf-8")) if data.is_file() else None
    if not manifest or manifest.get("format") != FORMAT:
        return None
    folder = index_file.parent / SHARDS
    return Sharded(manifest, lambda name: json.loads((folder / name).read_text(encoding="utf-8")))


def pack_docs(docs: list[dict]) -> list[list[str]]:
    """What each result shows, as [location, title, text]; a section's location as its
    "#fragment" alone when the entry before it is of the same page."""
    packed, page = [], None
    for doc in docs:
        location = doc["location"]
        base, _, fragment = location.partition("#")
        packed.append([f"#{fragment}" if fragment and base == page else location, doc["title"], doc["text"]])
        page = base
    return packed


def unpack_docs(packed: list[list[str]]) -> list[dict]:
    """The entries `pack_docs` packed, as {location, title, text}."""
    docs, page = [], ""
    for location, title, text in packed:
        if location.startswith("#"):
            location = page + location
        page = location.partition("#")[0]
        docs.append({"location": location, "title": title, "text": text})
    return docs
