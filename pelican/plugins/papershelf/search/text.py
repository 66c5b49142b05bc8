"""Searchable text: the same functions as in theme/static/js/search-worker.js.

Text is normalised the same way here and in the browser: compatibility
decomposition (ligatures, mathematical letters), accents and format characters
removed, one kind of space, lower case, and each CJK character a word of its
own. lunr's own trimmer is replaced because lunr.js and lunr.py disagree on
what a word character is.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Iterable

from lunr.stop_word_filter import WORDS as STOP_WORDS

from .stemmer import stem

__all__ = [
    "STOP_WORDS",
    "Vocabulary",
    "known_stems",
    "normalise",
    "normalised_words",
    "stem",
    "stems",
    "words",
]

_SPACES = re.compile(
    "[\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+"
)
_ASCII_SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"  # what _SPACES matches in ASCII, less " "
_RUNS = re.compile(" {2,}")
_CJK = re.compile("([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff])")


def normalise(text: str) -> str:
    """Searchable text: the same function as `normalise` in search-worker.js."""
    if text.isascii():  # nothing to decompose, no marks, no CJK
        for space in _ASCII_SPACES:  # faster than a regular expression, on long texts
            if space in text:
                text = text.replace(space, " ")
        return _RUNS.sub(" ", text).lower() if "  " in text else text.lower()
    text = unicodedata.normalize("NFKD", text)
    # Each mark once, not each character: most of a text is plain letters.
    for mark in {c for c in set(text) if unicodedata.category(c) in ("Mn", "Me", "Cf")}:
        text = text.replace(mark, "")
    text = _CJK.sub(r" \1 ", _SPACES.sub(" ", text))
    return text.lower()


# A word is a piece of normalised text between spaces and hyphens (where
# lunr's tokenizer splits), from its first letter or digit to its last (our
# trimmer). A letter or digit is what `str.isalnum` says, as `[^\W_]` in `re`.
_ASCII_EDGES = "".join(c for c in map(chr, range(128)) if not c.isalnum() and c not in " -")
_TRIMMED = re.compile(r"[^\W_](?:.*[^\W_])?", re.DOTALL)


def words(text: str) -> list[str]:
    """Normalised, trimmed words, as lunr's tokenizer and our trimmer make them."""
    return normalised_words(normalise(text))


def normalised_words(normalised: str) -> list[str]:
    """The words of a normalised text, in order, stop words included."""
    return [word for piece in _pieces(normalised) if (word := _word(piece))]


def _pieces(normalised: str) -> list[str]:
    return normalised.replace("-", " ").split(" ")


def _word(piece: str) -> str:
    """A piece's word: from its first letter or digit to its last ("" if none).
    String methods first, an expression only for what they leave."""
    if not piece.isalnum():
        piece = piece.strip(_ASCII_EDGES)  # "(models," and the like
        if not piece.isalnum():  # "3.5", "«word»", "" between two spaces
            trimmed = _TRIMMED.search(piece)
            return trimmed[0] if trimmed else ""
    return piece


class Vocabulary(dict):
    """Words as numbers, each distinct word once, numbered as first met:
    `vocabulary[piece]` is the number of a piece of text's word, or -1 for a
    piece without one (punctuation alone, "" between two spaces).

    At 50,000 papers, ten million words come and go: a piece seen before is
    looked up in C, and only a new one is trimmed in Python (a step of
    Python per word took two seconds more)."""

    def __init__(self, words: Iterable[str] = ()) -> None:
        """`words`: numbered already, in order."""
        self.words: list[str] = list(words)  # by number
        super().__init__((word, number) for number, word in enumerate(self.words))

    def extend(self, numbers: array, normalised: str) -> int:
        """Append the number of each piece of a normalised text to `numbers`;
        how many pieces it has."""
        pieces = _pieces(normalised)
        numbers.extend(map(self.__getitem__, pieces))
        return len(pieces)

    def __missing__(self, piece: str) -> int:
        word = _word(piece)
        number = self.get(word, -1) if word else -1
        if word and number < 0:
            number = self[word] = len(self.words)
            self.words.append(word)
        self[piece] = number
        return number


class _Stems(dict):
    """Word -> its index term, found once per word."""

    def __missing__(self, word: str) -> str:
        self[word] = found = stem(word)
        return found


_STEM_OF = _Stems()


def known_stems(table: dict[str, str]) -> None:
    """Take the stems an earlier build found: stemming every word of 50,000
    papers anew takes two seconds."""
    _STEM_OF.update(table)


def stems() -> _Stems:
    """The word -> term table this process has filled: `stems()[word]`."""
    if len(_STEM_OF) > 1_000_000:
        _STEM_OF.clear()
    return _STEM_OF
