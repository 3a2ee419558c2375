"""`kb search`: the site's search, as the reader's browser runs it, from the command line.

It loads the very index file the site ships (kb.build.search_file) with lunr.py's
lunr.Index.load and asks it what the browser's worker (overrides/assets/kb-search-worker.js)
asks lunr.js, clause by clause, with the boosts the file carries, and ranks pages the same
way: so `kb search`, the quality suite (`kb search --eval`) and the search box agree, which
tests/browser/test_search_agreement.py checks query by query.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path

from kb.build import compat, search_file, search_words
from kb.model.site import SiteConfigError


@dataclass(frozen=True)
class Hit:
    location: str
    title: str
    score: float


@dataclass(frozen=True)
class Loaded:
    """One language's index file, loaded: lunr's index, the entries, the pipeline, the query's boosts."""

    index: object
    docs: list[dict]
    language: search_words.Language
    query: dict


def build_index(index_file: Path, root: Path, lang: str) -> Loaded:
    """Load a language's index file as the worker does (the name is older than the file)."""
    from lunr.index import Index

    stored = search_file.read(index_file)
    if stored is None:
        raise SiteConfigError(f"{index_file} is not an index this version of kb reads: run `make build` again")
    language = search_words.language(root, lang)
    if language.stemmer_name != stored["stemmer"]:
        raise SiteConfigError(f"{index_file} was built with another stemmer: run `make build` again")
    language = dataclasses.replace(language, stop_words=frozenset(stored["stop_words"]))  # the file's, as the worker
    return Loaded(Index.load(search_file.expand(stored)), search_file.unpack_docs(stored["docs"]), language,
                  stored["query"])


def clauses(loaded: Loaded, query: str) -> list[tuple[str, list[dict]]]:
    """The query's words (kb.build.search_words.query_words), each with its clauses
    {term, boost, and wildcard or edit distance}: the word's stem; the stems of the word
    less one to four letters at the end, which lunr-languages' Snowball leaves on some
    definite forms ("tvångsarbetet", "checklistan"); the word as typed so far, as a
    prefix; and within one letter of the stem for a word of five letters or more (a typo)."""
    boost, language = loaded.query, loaded.language
    found = []
    for word in search_words.query_words(language, query, boost["most_words"]):
        stem = language.stem(word)
        own = [{"term": stem, "boost": boost["exact"]}]
        shorter: list[str] = []
        for cut in range(1, min(boost["cut_most"], len(word) - boost["cut_leaves"]) + 1):
            short = language.stem(word[:-cut])
            if short != stem and short not in shorter:
                shorter.append(short)
        own += [{"term": short, "boost": boost["cut"]} for short in shorter]
        own.append({"term": word, "boost": boost["prefix"], "wildcard": "trailing"})
        if len(word) >= boost["typo_from"]:
            own.append({"term": stem, "boost": boost["typo"], "edit_distance": 1})
        found.append((word, own))
    return found


def ranked(loaded: Loaded, query: str) -> list[tuple[str, float, list[tuple[int, float]]]]:
    """Every page that matches, best first: (page, score, [(entry, score), ...]). An
    entry's score is lunr's times the share of the query's words it has, to the power
    `all_words` (a section with every word beats one with some); a page counts with its best entry.
    Scores are rounded to a millionth (lunr.js and lunr.py may differ in the last bits of
    a float) and equal ones go by address."""
    from lunr.query import Query
    from lunr.token_set import TokenSet

    words = clauses(loaded, query)
    if not words:
        return []
    built = loaded.index.create_query()
    for _, own in words:
        for clause in own:
            wildcard = Query.WILDCARD_TRAILING if clause.get("wildcard") else Query.WILDCARD_NONE
            built.term(clause["term"], use_pipeline=False, boost=clause["boost"], wildcard=wildcard,
                       edit_distance=clause.get("edit_distance", 0))
    reached, at = [], 0
    for _, own in words:
        terms: set[str] = set()
        for _ in own:
            terms.update(loaded.index.token_set.intersect(TokenSet.from_clause(built.clauses[at])).to_list())
            at += 1
        reached.append(terms)
    pages: dict[str, list[tuple[int, float]]] = {}
    for result in loaded.index.query(built):
        number = int(result["ref"])
        matched = set(result["match_data"].metadata)
        share, factor = sum(1 for terms in reached if terms & matched) / len(words), 1.0
        for _ in range(loaded.query["all_words"]):
            factor *= share
        score = math.floor(result["score"] * factor * 1e6 + 0.5) / 1e6
        pages.setdefault(loaded.docs[number]["location"].split("#", 1)[0], []).append((number, score))
    order = []
    for page, entries in pages.items():
        entries.sort(key=lambda entry: (-entry[1], loaded.docs[entry[0]]["location"]))
        order.append((page, entries[0][1], entries))
    order.sort(key=lambda item: (-item[1], item[0]))
    return order


def search(loaded: Loaded, query: str, limit: int = 10) -> list[Hit]:
    """The pages a query finds, best first, as the search box lists them."""
    titles = {doc["location"]: doc["title"] for doc in loaded.docs}
    return [Hit(page, titles.get(page, page), score) for page, score, _ in ranked(loaded, query)[:limit]]


def index_file(site_dir: Path, default_language: str, lang: str) -> Path:
    return site_dir / ("" if lang == default_language else lang) / compat.SEARCH_INDEX
