"""The weight of each term in each field of each entry, as lunr.py 0.8.0's Builder gives them.

The index ships these weights (kb.build.search_file); lunr's Builder computed them, and
with them a token set, an inverted index of a dict per posting, a vector per field and a
serialized copy of it all, none of which the shards use: at 1,000 methods that was half
of the search index's time and most of its memory. This is its arithmetic alone, step for
step (BM25 with lunr's k1 and b = 0, lunr's idf, rounded to thousandths as lunr rounds a
score), so the weights are the same to the bit; tests/test_search.py compares the two.
Each term's postings are flat arrays of numbers, not a tuple and two numbers per posting.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator

#: lunr's k1 (term frequency saturation). Its b (length normalisation) is 0 here, as the
#: theme's worker has it: a long section is not worth less for being long.
K1 = 1.2

#: Weights are kept as whole thousandths of lunr's score, rounded to three places.
SCALE = 1000

#: {term: one array per field, in the order of the boosts: entry, weight, entry, weight, ...
#: (entries in order), or None where the field does not have the term}
Postings = dict[str, list[array | None]]


def postings(entries: Iterable[dict[str, list[str]]], boosts: dict[str, float]) -> Postings:
    """The weights of the terms of `entries` (each its terms by field, numbered 0, 1, ... in
    order), each field boosted as `boosts` says."""
    found: Postings = {}
    fields = list(boosts)
    count = 0
    for number, terms in enumerate(entries):
        count += 1
        for place, name in enumerate(fields):
            for term, frequency in Counter(terms.get(name, ())).items():
                posting = found.get(term)
                if posting is None:
                    posting = found[term] = [None] * len(fields)
                if posting[place] is None:
                    posting[place] = array("q")
                posting[place].extend((number, frequency))
    factors = [boosts[name] for name in fields]
    for posting in found.values():
        # lunr counts an entry once for every field the term is in
        holding = sum(len(held) // 2 for held in posting if held is not None)
        idf = math.log(1 + abs((count - holding + 0.5) / (holding + 0.5)))
        for held, boost in zip(posting, factors, strict=True):
            for at in range(1, len(held or ()), 2):
                frequency = held[at]
                held[at] = round(round(idf * ((K1 + 1) * frequency) / (K1 * 1.0 + frequency) * boost, 3) * SCALE)
    return found


def pairs(held: array | None) -> Iterator[tuple[int, int]]:
    """A field's postings of a term as (entry, weight)."""
    return zip(held[0::2], held[1::2], strict=True) if held is not None else iter(())
