"""`kb search`: the site's search, as the reader's browser runs it, from the command line.

It reads the very index files the site ships (kb.build.search_file: the manifest, then
only the shards a query needs), finds a query's terms with lunr.py's TokenSet as the
browser's worker (overrides/assets/kb-search-worker.js) does with lunr.js's, and scores
and ranks entries and pages in the same steps, with the boosts the manifest carries: so
`kb search`, the quality suite (`kb search --eval`) and the search box agree, which
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
    """One language's index, loaded as the worker loads it: the manifest (its shards read when
    a query needs them), every term as lunr's TokenSet, the pipeline, the query's boosts."""

    index: search_file.Sharded
    token_set: object
    language: search_words.Language
    query: dict


def build_index(index_file: Path, root: Path, lang: str) -> Loaded:
    """Load a language's index as the worker does (the name is older than the shards)."""
    stored = search_file.read(index_file)
    if stored is None:
        raise SiteConfigError(f"{index_file} is not an index this version of kb reads: run `make build` again")
    return loaded(stored, search_words.language(root, lang))


def loaded(stored: search_file.Sharded, language: search_words.Language) -> Loaded:
    """`stored` ready for queries in `language` (whose stemmer it must have been built with)."""
    from lunr.token_set import TokenSet

    manifest = stored.manifest
    if language.stemmer_name != manifest["stemmer"]:
        raise SiteConfigError("the search index was built with another stemmer: run `make build` again")
    language = dataclasses.replace(language, stop_words=frozenset(manifest["stop_words"]))  # the file's, as the worker
    return Loaded(stored, TokenSet.from_list(stored.terms), language, manifest["query"])


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


def expand(loaded: Loaded, clause: dict) -> list[int]:
    """The numbers of the index's terms a clause reaches, as lunr's TokenSet lists them."""
    from lunr.token_set import TokenSet

    term = clause["term"] + ("*" if clause.get("wildcard") else "")
    wanted = TokenSet.from_fuzzy_string(term, clause["edit_distance"]) if clause.get("edit_distance") \
        else TokenSet.from_string(term)
    return [loaded.index.number[found] for found in loaded.token_set.intersect(wanted).to_list()]


def _reach(loaded: Loaded, query: str):
    """The query's words with their clauses, each clause's terms (by number), and for each
    word the terms its clauses reach: all of them, and those reached only as a typo."""
    words = clauses(loaded, query)
    reached, typos, expanded = [], [], []
    for _, own in words:
        terms: set[int] = set()
        strong: set[int] = set()
        for clause in own:
            found = expand(loaded, clause)
            expanded.append((clause, found))
            terms.update(found)
            if not clause.get("edit_distance"):
                strong.update(found)
        reached.append(terms)
        typos.append(terms - strong)
    return words, expanded, reached, typos


def only_typos(loaded: Loaded, words: list, reached: list[set[int]], typos: list[set[int]]) -> bool:
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
    postings = loaded.index.postings(number for typo in typos for number in typo)
    shown = {number: posting["word"] or loaded.index.terms[number] for number, posting in postings.items()
             if posting["word"] is not None}  # words of the site only
    used = {number: len({doc for field in loaded.index.fields for doc in postings[number][field]})
            for number in shown}
    order = sorted(shown, key=lambda number: (-used[number], shown[number]))
    return list(dict.fromkeys(shown[number] for number in order))[:SUGGESTIONS]


def scores(loaded: Loaded, expanded: list[tuple[dict, list[int]]]) -> dict[int, tuple[float, set[int]]]:
    """lunr's score of every entry the clauses reach, with the terms it holds: field by
    field, the query's weight of each term (the boosts of the clauses that reach it, added)
    times the term's weight in the entry, over the query's length, added up."""
    weight: dict[int, float] = {}
    for clause, found in expanded:
        for number in found:
            weight[number] = weight.get(number, 0.0) + clause["boost"]
    terms = sorted(weight)
    length = math.sqrt(sum(weight[number] * weight[number] for number in terms))
    postings = loaded.index.postings(terms)
    found: dict[int, tuple[float, set[int]]] = {}
    for field in loaded.index.fields:
        dot: dict[int, float] = {}
        for number in terms:
            for doc, value in postings[number][field].items():
                dot[doc] = dot.get(doc, 0.0) + weight[number] * value
                if doc not in found:
                    found[doc] = (0.0, set())
                found[doc][1].add(number)
        for doc, value in dot.items():
            found[doc] = (found[doc][0] + value / length, found[doc][1])
    return found


def ranked(loaded: Loaded, query: str) -> list[tuple[int, float, list[tuple[int, float]]]]:
    """Every page that matches, best first: (page's first entry, score, [(entry, score), ...]).
    An entry's score is lunr's times the share of the query's words it has, to the power
    `all_words` (a section with every word beats one with some); a page counts with its best
    entry. Scores are rounded to a millionth and equal ones go by address (entries are
    numbered in address order). A query whose words are on no page but as typos finds
    nothing (the box then offers suggestions)."""
    words, expanded, reached, typos = _reach(loaded, query)
    if not words or only_typos(loaded, words, reached, typos):
        return []
    pages: dict[int, list[tuple[int, float]]] = {}
    for doc, (score, matched) in scores(loaded, expanded).items():
        share, factor = sum(1 for terms in reached if terms & matched) / len(words), 1.0
        for _ in range(loaded.query["all_words"]):
            factor *= share
        pages.setdefault(loaded.index.page_of(doc), []).append((doc, math.floor(score * factor * 1e6 + 0.5) / 1e6))
    order = []
    for page, entries in pages.items():
        entries.sort(key=lambda entry: (-entry[1], entry[0]))
        order.append((page, entries[0][1], entries))
    order.sort(key=lambda item: (-item[1], item[0]))
    return order


#: The pages the search box lists (the worker's LIMIT): their texts are all a query fetches
#: beyond its terms' postings; the box says how many pages match in all.
LIMIT = 50


def listed(loaded: Loaded, query: str) -> tuple[list[list[dict]], int]:
    """What the search box lists, as the worker answers it: for each of the best LIMIT pages
    its entries {location, title, text, score}, best first, and the page's own entry last
    where it was not found itself (the theme shows it first); and how many pages match."""
    found = ranked(loaded, query)
    shown = found[:LIMIT]
    docs = loaded.index.docs([page for page, _, _ in shown] + [doc for _, _, entries in shown for doc, _ in entries])
    groups = []
    for page, _, entries in shown:
        group = [dict(docs[doc], score=score) for doc, score in entries]
        article = docs[page]
        if "#" not in article["location"] and all(doc != page for doc, _ in entries):
            group.append(dict(article, score=0))
        groups.append(group)
    return groups, len(found)


def search(loaded: Loaded, query: str, limit: int = 10) -> list[Hit]:
    """The pages a query finds, best first, as the search box lists them."""
    hits = []
    for group in listed(loaded, query)[0][:limit]:
        page = group[0]["location"].split("#", 1)[0]
        title = next((entry["title"] for entry in group if entry["location"] == page), page)
        hits.append(Hit(page, title, group[0]["score"]))
    return hits


def index_file(site_dir: Path, default_language: str, lang: str) -> Path:
    return site_dir / ("" if lang == default_language else lang) / compat.SEARCH_INDEX
