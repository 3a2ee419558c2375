"""The search index a language ships: lunr.py's index, built once, in few bytes.

Two files in the language's search/ folder. search_index.json keeps the shape of the
theme's index ({"config", "docs"}), because the theme's page script fetches it and hands
`config` and `docs` to the search worker unread; its `config["kb"]` says where the index
is: {"format", "href"}, the address of DATA relative to the worker, which fetches and
reads it itself, so that the page's own thread neither parses nor copies it. DATA holds
the index and how to search it: the stop words, the stemmer's name, the query's boosts,
what each result shows (`docs`: every section's location, title and the start of its
text, in the order of lunr's refs "0", "1", ..., see pack_docs) and lunr's serialized
index, written compactly (see compact). The inverted index is the
same vectors read the other way, so it is not shipped: `expand` rebuilds lunr's own
serialized form, which lunr.Index.load (lunr.py) loads in `kb search`. The browser's
worker builds the same index from the same vectors (its `load`), leaving what a query does
not read until one reads it.

The offline edition works from file://, where a worker cannot fetch: its search_index.js
(which the theme runs as a script there) carries DATA itself, as `config["kb"]`.
"""

from __future__ import annotations

import json
from pathlib import Path

from kb.build import compat

#: Changes whenever the layout of DATA does; the worker refuses another.
FORMAT = 2

#: The index, next to search_index.json in the language's search/ folder.
DATA = "lunr_index.json"

#: lunr.js's version the serialized index is written for (lunr.py's target).
LUNR_VERSION = "2.3.9"

#: Weights are stored as whole thousandths: lunr.js rounds them so too when it builds an index.
SCALE = 1000


def read(index_file: Path) -> dict | None:
    """DATA of the language whose search_index.json this is (inline or beside it), or None
    when the file is not one this version writes (an older build's)."""
    stored = compat.read_search_index(index_file)["config"].get("kb")
    if not stored or stored.get("format") != FORMAT:
        return None
    if "href" in stored:
        data = index_file.parent / DATA
        stored = json.loads(data.read_text(encoding="utf-8")) if data.is_file() else None
    return stored if stored and stored.get("format") == FORMAT else None


def compact(serialized: dict, count: int) -> dict:
    """lunr's serialized index (lunr-schema) of `count` entries, refs "0", "1", ... in the
    order of the file's `docs`, as the file stores it: the terms by lunr's term number;
    for each field, the weights each term has in it (whole thousandths, each once: with
    the build's b = 0 a weight depends only on how often the term occurs, so a term has
    few); and each entry's vector as [term number - previous term number, which of the
    term's weights, ...]."""
    fields = list(serialized["fields"])
    terms = [""] * len(serialized["invertedIndex"])
    for term, posting in serialized["invertedIndex"]:
        terms[posting["_index"]] = term
    found: dict[str, list[set[int]]] = {name: [set() for _ in terms] for name in fields}
    scaled = []
    for ref, elements in serialized["fieldVectors"]:
        name, doc = ref.split("/", 1)
        numbers, weights_of = elements[0::2], [round(weight * SCALE) for weight in elements[1::2]]
        table = found[name]
        for number, weight in zip(numbers, weights_of, strict=True):
            table[number].add(weight)
        scaled.append((name, int(doc), numbers, weights_of))
    weights = {name: [sorted(each) for each in found[name]] for name in fields}
    position = {name: [{weight: at for at, weight in enumerate(each)} for each in weights[name]] for name in fields}
    vectors: dict[str, list[list[int]]] = {name: [[] for _ in range(count)] for name in fields}
    for name, doc, numbers, weights_of in scaled:
        flat, previous, where = vectors[name][doc], 0, position[name]
        for number, weight in zip(numbers, weights_of, strict=True):
            flat += (number - previous, where[number][weight])
            previous = number
    return {"fields": fields, "terms": terms, "weights": weights, "vectors": vectors}


def expand(stored: dict) -> dict:
    """lunr's serialized index (lunr-schema) from what `compact` stored."""
    fields, terms = stored["fields"], stored["terms"]
    postings: list[dict] = [{"_index": number, **{name: {} for name in fields}} for number in range(len(terms))]
    none: dict = {}  # no metadata: lunr only reads it, so every entry can share one
    field_vectors = []
    for name in fields:
        table = stored["weights"][name]
        for doc, flat in enumerate(stored["vectors"][name]):
            elements, number, ref = [], 0, str(doc)
            for at in range(0, len(flat), 2):
                number += flat[at]
                elements += [number, table[number][flat[at + 1]] / SCALE]
                postings[number][name][ref] = none
            field_vectors.append([f"{name}/{doc}", elements])
    order = sorted(range(len(terms)), key=lambda number: terms[number])  # no astral characters: UTF-16 order
    return {"version": LUNR_VERSION, "fields": fields, "fieldVectors": field_vectors,
            "invertedIndex": [[terms[number], postings[number]] for number in order], "pipeline": []}


def pack_docs(docs: list[dict]) -> list[list[str]]:
    """What each result shows, as [location, title, text]; a section's location as its
    "#fragment" alone when the entry before it is of the same page (the theme's indexer
    lists a page's sections right after it)."""
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
