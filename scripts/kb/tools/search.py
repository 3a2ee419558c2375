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
    words: dict[str, str] = dataclasses.field(default_factory=dict)  # term -> the word it stands for, if any


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
    words = {term: word or term for term, word in zip(stored["terms"], stored["words"], strict=True)
             if word is not None}
    return Loaded(Index.load(search_file.expand(stored)), search_file.unpack_docs(stored["docs"]), language,
                  stored["query"], words)


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
        for short in map(language.stem, search_words.cuts(word, boost)):
            if short != stem and short not in shorter:
                shorter.append(short)
        own += [{"term": short, "boost": boost["cut"]} for short in shorter]
        own.append({"term": word, "boost": boost["prefix"], "wildcard": "trailing"})
        if len(word) >= boost["typo_from"]:
            own.append({"term": stem, "boost": boost["typo"], "edit_distance": 1})
        found.append((word, own))
    return found


def _reach(loaded: Loaded, query: str):
    """The query's words with their clauses, lunr's query, and for each word the index terms
    its clauses reach: all of them, and those reached only as a typo (one letter away)."""
    from lunr.query import Query
    from lunr.token_set import TokenSet

    words = clauses(loaded, query)
    built = loaded.index.create_query()
    for _, own in words:
        for clause in own:
            wildcard = Query.WILDCARD_TRAILING if clause.get("wildcard") else Query.WILDCARD_NONE
            built.term(clause["term"], use_pipeline=False, boost=clause["boost"], wildcard=wildcard,
                       edit_distance=clause.get("edit_distance", 0))
    reached, typos, at = [], [], 0
    for _, own in words:
        terms: set[str] = set()
        strong: set[str] = set()
        for clause in own:
            found = loaded.index.token_set.intersect(TokenSet.from_clause(built.clauses[at])).to_list()
            terms.update(found)
            if not clause.get("edit_distance"):
                strong.update(found)
            at += 1
        reached.append(terms)
        typos.append(terms - strong)
    return words, built, reached, typos


def only_typos(loaded: Loaded, words: list, reached: list[set[str]], typos: list[set[str]]) -> bool:
    """Whether the query finds nothing worth showing: none of its words is on a page but as a
    typo of a word shorter than `typo_sure` letters (one letter off in a short word is as
    likely another word: "offren" is not "off"). Then the box shows its help and suggestions."""
    sure = loaded.query["typo_sure"]
    return all(terms == typo and (not terms or len(word) < sure)
               for (word, _), terms, typo in zip(words, reached, typos, strict=True))


SUGGESTIONS = 3


def suggestions(loaded: Loaded, query: str) -> list[str]:
    """For a query that finds nothing but typos: the words it may have meant ("Did you
    mean …?"), the terms one letter away shown as the word the site uses most for each,
    the most widely used first (at most SUGGESTIONS)."""
    words, _, reached, typos = _reach(loaded, query)
    if not words or not only_typos(loaded, words, reached, typos):
        return []
    terms = {term for typo in typos for term in typo if term in loaded.words}  # words of the site only
    used = {term: len({ref for field in loaded.index.fields
                       for ref in loaded.index.inverted_index[term].get(field, {})}) for term in terms}
    order = sorted(terms, key=lambda term: (-used[term], loaded.words[term]))
    return list(dict.fromkeys(loaded.words[term] for term in order))[:SUGGESTIONS]


def ranked(loaded: Loaded, query: str) -> list[tuple[str, float, list[tuple[int, float]]]]:
    """Every page that matches, best first: (page, score, [(entry, score), ...]). An
    entry's score is lunr's times the share of the query's words it has, to the power
    `all_words` (a section with every word beats one with some); a page counts with its best entry.
    Scores are rounded to a millionth (lunr.js and lunr.py may differ in the last bits of
    a float) and equal ones go by address. A query whose words are on no page but as typos
    finds nothing (the box then offers suggestions)."""
    words, built, reached, typos = _reach(loaded, query)
    if not words or only_typos(loaded, words, reached, typos):
        return []
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
