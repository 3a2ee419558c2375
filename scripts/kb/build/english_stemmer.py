"""lunr.js 2.3.9's English stemmer in Python, so that the build's index and `kb search`
stem a word as the reader's browser does.

lunr.py ports another Porter stemmer that differs from lunr.js's on words ending in a
vowel and y ("always", "holidays"): an index stemmed with it would miss in the browser.
This is lunr.js's `lunr.stemmer`, step by step; tests/browser/test_search_agreement.py
compares the two on thousands of words.
"""

from __future__ import annotations

import re

_STEP2 = {"ational": "ate", "tional": "tion", "enci": "ence", "anci": "ance", "izer": "ize", "bli": "ble",
          "alli": "al", "entli": "ent", "eli": "e", "ousli": "ous", "ization": "ize", "ation": "ate",
          "ator": "ate", "alism": "al", "iveness": "ive", "fulness": "ful", "ousness": "ous", "aliti": "al",
          "iviti": "ive", "biliti": "ble", "logi": "log"}
_STEP3 = {"icate": "ic", "ative": "", "alize": "al", "iciti": "ic", "ical": "ic", "ful": "", "ness": ""}

_c = "[^aeiou]"  # consonant
_v = "[aeiouy]"  # vowel
_C = _c + "[^aeiouy]*"  # consonant sequence
_V = _v + "[aeiou]*"  # vowel sequence

_MGR0 = re.compile("^(" + _C + ")?" + _V + _C)  # [C]VC... is m>0
_MEQ1 = re.compile("^(" + _C + ")?" + _V + _C + "(" + _V + ")?$")  # [C]VC[V] is m=1
_MGR1 = re.compile("^(" + _C + ")?" + _V + _C + _V + _C)  # [C]VCVC... is m>1
_S_V = re.compile("^(" + _C + ")?" + _v)  # vowel in stem

_1A = re.compile(r"^(.+?)(ss|i)es$")
_1A_2 = re.compile(r"^(.+?)([^s])s$")
_1B = re.compile(r"^(.+?)eed$")
_1B_2 = re.compile(r"^(.+?)(ed|ing)$")
_LAST = re.compile(r".$")
_1B_ATBLIZ = re.compile(r"(at|bl|iz)$")
_1B_DOUBLE = re.compile(r"([^aeiouylsz])\1$")
_1B_CVC = re.compile("^" + _C + _v + "[^aeiouwxy]$")
_1C = re.compile(r"^(.+?[^aeiou])y$")
_2 = re.compile("^(.+?)(" + "|".join(_STEP2) + ")$")
_3 = re.compile("^(.+?)(" + "|".join(_STEP3) + ")$")
_4 = re.compile(r"^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$")
_4_2 = re.compile(r"^(.+?)(s|t)(ion)$")
_5 = re.compile(r"^(.+?)e$")
_5_LL = re.compile(r"ll$")
_5_CVC = re.compile("^" + _C + _v + "[^aeiouwxy]$")


def stem(w: str) -> str:
    """The word as lunr.js's `lunr.stemmer` leaves it (a lower-case word in, its stem out)."""
    if len(w) < 3:
        return w
    first = w[0]
    if first == "y":
        w = "Y" + w[1:]

    # Step 1a
    if _1A.search(w):
        w = _1A.sub(r"\1\2", w, count=1)
    elif _1A_2.search(w):
        w = _1A_2.sub(r"\1\2", w, count=1)

    # Step 1b
    if match := _1B.search(w):
        if _MGR0.search(match.group(1)):
            w = _LAST.sub("", w, count=1)
    elif match := _1B_2.search(w):
        base = match.group(1)
        if _S_V.search(base):
            w = base
            if _1B_ATBLIZ.search(w):
                w += "e"
            elif _1B_DOUBLE.search(w):
                w = _LAST.sub("", w, count=1)
            elif _1B_CVC.search(w):
                w += "e"

    # Step 1c: y after a consonant that is not the first letter becomes i (cry -> cri, say -> say)
    if match := _1C.search(w):
        w = match.group(1) + "i"

    # Step 2
    if (match := _2.search(w)) and _MGR0.search(match.group(1)):
        w = match.group(1) + _STEP2[match.group(2)]

    # Step 3
    if (match := _3.search(w)) and _MGR0.search(match.group(1)):
        w = match.group(1) + _STEP3[match.group(2)]

    # Step 4
    if match := _4.search(w):
        if _MGR1.search(match.group(1)):
            w = match.group(1)
    elif match := _4_2.search(w):
        base = match.group(1) + match.group(2)
        if _MGR1.search(base):
            w = base

    # Step 5
    if match := _5.search(w):
        base = match.group(1)
        if _MGR1.search(base) or (_MEQ1.search(base) and not _5_CVC.search(base)):
            w = base
    if _5_LL.search(w) and _MGR1.search(w):
        w = _LAST.sub("", w, count=1)

    if first == "y":
        w = "y" + w[1:]
    return w
