"""The weight of each term in each field of each entry, as lunr.py 0.8.0's Builder gives them.

The index ships these weights (kb.build.search_file); lunr's Builder computed them, and
with them a token set, an inverted index of a dict per posting, a vector per field and a
serialized copy of it all, none of which the shards use: at 1,000 methods that was half
of the search index's time and most of its memory. This is its arithmetic alone, step for
step (BM25 with lunr's k1 and b = 0, lunr's idf, rounded to thousandths as lunr rounds a
score), so the weights are the same to the bit; tests/test_search.py compares the two.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

#: lunr's k1 (term frequency saturation). Its b (length normalisation) is 0 here, as the
#: theme's worker has it: a long section is not worth less for being long.
K1 = 1.2

#: Weights are kept as whole thousandths of lunr's score, rounded to three places.
SCALE = 1000

#: {term: {field: [(entry, weight in thousandths), ...] in entry order}}
Postings = dict[str, dict[str, list[tuple[int, int]]]]


def postings(entries: Iterable[dict[str, list[str]]], boosts: dict[str, float]) -> Postings:
    """The weights of the terms of `entries` (each its terms by field, numbered 0, 1, ... in
    order), each field boosted as `boosts` says."""
    found: dict[str, dict[str, list]] = {}
    count = 0
    for number, fields in enumerate(entries):
        count += 1
        for name in boosts:
            for term, frequency in Counter(fields.get(name, ())).items():
                posting = found.get(term)
                if posting is None:
                    posting = found[term] = {other: [] for other in boosts}
                posting[name].append((number, frequency))
    for posting in found.values():
        # lunr counts an entry once for every field the term is in
        holding = sum(len(held) for held in posting.values())
        idf = math.log(1 + abs((count - holding + 0.5) / (holding + 0.5)))
        for name, held in posting.items():
            boost = boosts[name]
            posting[name] = [(number, round(round(idf * ((K1 + 1) * frequency) / (K1 * 1.0 + frequency) * boost, 3)
                                             * SCALE)) for number, frequency in held]
    return found
