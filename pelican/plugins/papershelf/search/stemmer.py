"""The Porter stemmer exactly as lunr.js 2.3.9 implements it.

lunr.py's stemmer is the classic Porter implementation, which differs from
lunr.js on words ending in "y" ("day": "dai" against "day"). The index is
queried by lunr.js, so the terms it holds must be stemmed the lunr.js way.
This is a line-for-line port of `lunr.stemmer` (lib/stemmer.js).
"""

from __future__ import annotations

import re
from functools import lru_cache

_STEP2 = {
    "ational": "ate", "tional": "tion", "enci": "ence", "anci": "ance", "izer": "ize",
    "bli": "ble", "alli": "al", "entli": "ent", "eli": "e", "ousli": "ous",
    "ization": "ize", "ation": "ate", "ator": "ate", "alism": "al", "iveness": "ive",
    "fulness": "ful", "ousness": "ous", "aliti": "al", "iviti": "ive", "biliti": "ble",
    "logi": "log",
}  # fmt: skip
_STEP3 = {
    "icate": "ic", "ative": "", "alize": "al", "iciti": "ic", "ical": "ic", "ful": "",
    "ness": "",
}  # fmt: skip

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
_1B_AT = re.compile(r"(at|bl|iz)$")
_1B_DOUBLE = re.compile(r"([^aeiouylsz])\1$")
_1B_CVC = re.compile("^" + _C + _v + "[^aeiouwxy]$")
_1C = re.compile(r"^(.+?[^aeiou])y$")
_2 = re.compile("^(.+?)(" + "|".join(_STEP2) + ")$")
_3 = re.compile("^(.+?)(" + "|".join(_STEP3) + ")$")
_STEP4 = (
    "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ou",
    "ism", "ate", "iti", "ous", "ive", "ize",
)  # fmt: skip
_4 = re.compile("^(.+?)(" + "|".join(_STEP4) + ")$")
_4_2 = re.compile(r"^(.+?)(s|t)(ion)$")
_5 = re.compile(r"^(.+?)e$")
_5_CVC = re.compile("^" + _C + _v + "[^aeiouwxy]$")

# The endings each step's expression looks for: most words have none of them,
# and `str.endswith` tells so faster than the expression (its `.+?` tries every
# split of the word).
_STEP2_ENDS = tuple(_STEP2)
_STEP3_ENDS = tuple(_STEP3)
_STEP4_ENDS = (*_STEP4, "ion")


@lru_cache(maxsize=200_000)
def stem(w: str) -> str:
    if len(w) < 3:
        return w
    first = w[0]
    if first == "y":
        w = "Y" + w[1:]

    # Step 1a
    if w.endswith("s"):
        if _1A.search(w):
            w = _1A.sub(r"\1\2", w, count=1)
        elif _1A_2.search(w):
            w = _1A_2.sub(r"\1\2", w, count=1)

    # Step 1b
    if not w.endswith(("ed", "ing")):
        pass
    elif m := _1B.search(w):
        if _MGR0.search(m[1]):
            w = _LAST.sub("", w, count=1)
    elif m := _1B_2.search(w):
        stem_ = m[1]
        if _S_V.search(stem_):
            w = stem_
            if _1B_AT.search(w):
                w += "e"
            elif _1B_DOUBLE.search(w):
                w = _LAST.sub("", w, count=1)
            elif _1B_CVC.search(w):
                w += "e"

    # Step 1c
    if w.endswith("y") and (m := _1C.search(w)):
        w = m[1] + "i"

    # Step 2
    if w.endswith(_STEP2_ENDS) and (m := _2.search(w)) and _MGR0.search(m[1]):
        w = m[1] + _STEP2[m[2]]

    # Step 3
    if w.endswith(_STEP3_ENDS) and (m := _3.search(w)) and _MGR0.search(m[1]):
        w = m[1] + _STEP3[m[2]]

    # Step 4
    if not w.endswith(_STEP4_ENDS):
        pass
    elif m := _4.search(w):
        if _MGR1.search(m[1]):
            w = m[1]
    elif (m := _4_2.search(w)) and _MGR1.search(m[1] + m[2]):
        w = m[1] + m[2]

    # Step 5
    if w.endswith("e") and (m := _5.search(w)):
        stem_ = m[1]
        if _MGR1.search(stem_) or (_MEQ1.search(stem_) and not _5_CVC.search(stem_)):
            w = stem_
    if w.endswith("ll") and _MGR1.search(w):
        w = _LAST.sub("", w, count=1)

    if first == "y":
        w = "y" + w[1:]
    return w
