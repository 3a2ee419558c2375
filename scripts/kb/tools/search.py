"""`kb search`: the site's search offline, ranked with lunr.py over the built index files.

It reads the per-language index the build writes (see kb.build.search_index), with
Snowball stemming (NLTK's, which needs no download) and the stop-word list in data/search/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kb.build import compat


@dataclass(frozen=True)
class Hit:
    location: str
    title: str
    score: float


def _stop_words(root: Path, lang: str) -> set[str]:
    path = root / "data" / "search" / f"stopwords.{lang}.txt"
    if not path.is_file():
        return set()
    lines = path.read_text(encoding="utf-8").splitlines()
    return {w.strip() for w in lines if w.strip() and not w.startswith("#")}


def build_index(index_file: Path, root: Path, lang: str):
    """A lunr.py index over a site language's search_index.json, with that language's pipeline:
    a language with its own stop-word list in data/search/ (Swedish) gets Snowball stemming
    and that list; any other language lunr's own (English) pipeline."""
    import lunr  # noqa: F401  (registers the default pipeline functions)
    import lunr.languages  # noqa: F401  (registers stemmer-sv etc. when NLTK is installed)
    from lunr.builder import Builder
    from lunr.pipeline import Pipeline
    from lunr.stemmer import stemmer as english_stemmer
    from lunr.stop_word_filter import generate_stop_word_filter, stop_word_filter
    from lunr.trimmer import trimmer

    data = compat.read_search_index(index_file)
    builder = Builder()
    stop_words = _stop_words(root, lang)
    if stop_words:
        stem = Pipeline.registered_functions[f"stemmer-{lang}"]
        stop = generate_stop_word_filter(sorted(stop_words), language=lang)
    else:
        stem, stop = english_stemmer, stop_word_filter
    builder.pipeline.add(trimmer, stop, stem)
    builder.search_pipeline.add(stem)
    builder.ref("location")
    for name, boost in compat.SEARCH_FIELDS.items():
        builder.field(name, boost=boost)
    titles = {}
    for doc in data["docs"]:
        titles[doc["location"]] = doc["title"]
        builder.add({"location": doc["location"], "title": _plain(doc["title"]), "text": _plain(doc["text"]),
                     "tags": " ".join(doc.get("tags", []))})
    return builder.build(), titles


def _plain(html_text: str) -> str:
    return re.sub(r"<[^>]+>", " ", html_text)


def search(index_and_titles, query: str, limit: int = 10) -> list[Hit]:
    """Ranked pages for a query: each term matched as typed or as a prefix, best section per page."""
    index, titles = index_and_titles
    terms = [t for t in re.split(compat.SEARCH_SEPARATOR, query.lower().strip()) if t]
    if not terms:
        return []

    query_ = index.create_query()
    for term in terms:
        query_.term(term, boost=10)
        query_.term(term, use_pipeline=False, wildcard=query_.WILDCARD_TRAILING)
    best: dict[str, float] = {}
    for result in index.query(query_):
        page = result["ref"].split("#", 1)[0]
        best[page] = max(best.get(page, 0.0), result["score"])
    ranked = sorted(best.items(), key=lambda item: -item[1])[:limit]
    return [Hit(location, titles.get(location, location), score) for location, score in ranked]


def index_file(site_dir: Path, default_language: str, lang: str) -> Path:
    return site_dir / ("" if lang == default_language else lang) / compat.SEARCH_INDEX
