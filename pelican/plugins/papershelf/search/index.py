"""The search index, split by term into shards that the browser fetches per query.

It is the index lunr.js 2.3.9's `Builder` makes of the papers, with our
pipeline (see `text.py`), cut into pieces:

- `terms/N.json`: index terms in the order JavaScript compares strings
  (UTF-16 code units), each with lunr's term number and, per field, the papers
  that have it with the term's weight there: lunr's BM25 score, rounded to
  thousandths as lunr rounds it, given in thousandths. Terms are cut into
  shards of about SHARD_BYTES; a term larger than that is a shard of its own.
- `words/N.json`: every word as written (normalised, not stemmed) with its
  term and how many fields of papers have that term, so that a word being
  typed is a prefix of the words as written, not of their stems.
- `index.json`: the manifest: fields and boosts, the first term and word of
  each shard, the tags, the years of the papers (refs are positions in the
  newest-first list, so a year is a range of refs).

In lunr.js a result's score is the dot product of the query's vector and each
matching field's vector, divided by the query vector's length: it needs, for
each term of the query, the weights of the papers that have it, and nothing
else of a paper's field vector. The worker ranks the papers with the query's
terms from their shards as `lunr.Index.query` would; its scores equal those
of the whole index (tests/test_search_shards.py compares them).
"""

from __future__ import annotations

import bisect
import json
import math
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .text import STOP_WORDS

if TYPE_CHECKING:
    import numpy as np

FORMAT = "papershelf-shards-1"
FIELDS = {"title": 10, "tags": 4, "arxiv": 4, "authors": 2, "notes": 2, "abstract": 1}
KEEP_STOP_WORDS = frozenset({"authors"})  # family names such as "He", "An", "You"
K1, B = 1.2, 0.75  # lunr's BM25 parameters
SHARD_BYTES = 24_000  # a shard of terms, before gzip (about 8 KB gzipped)
WORD_SHARD_BYTES = 24_000
_PART = 1 << 20  # postings weighed at a time


@dataclass(frozen=True)
class Shards:
    """The index's files, as text by name (relative to the manifest), and
    the manifest's part that describes them."""

    files: dict[str, str]
    manifest: dict
    terms: int
    postings: int
    words_used: int  # of those numbered: the others are no document's


def field_terms(field: str, field_words: list[str], stems: dict[str, str]) -> list[str]:
    """A field's index terms: its words less stop words (kept in names),
    stemmed. `build_shards` applies the same rule to every field at once."""
    if field in KEEP_STOP_WORDS:
        return [stems[w] for w in field_words]
    return [stems[w] for w in field_words if w not in STOP_WORDS]


def js_order(text: str) -> bytes:
    """A sort key that orders strings as JavaScript's `<` does."""
    return text.encode("utf-16-be", "surrogatepass")


def _in_js_order(numbers: Iterable[int], texts: list[str]) -> list[int]:
    """Numbers sorted as JavaScript's `<` orders their texts. Python's order
    is the same unless a character is beyond U+FFFF (two code units in
    JavaScript), and takes a tenth of the time."""
    if max("".join(texts), default="") <= "\uffff":
        return sorted(numbers, key=texts.__getitem__)
    return sorted(numbers, key=lambda n: js_order(texts[n]))


class Numbers(dict):
    """Key -> its number, numbered in the order keys are first looked up."""

    def __missing__(self, key) -> int:
        self[key] = number = len(self)
        return number


def build_shards(
    written: list[str], numbers: array, pieces: Sequence[int], stems: dict[str, str]
) -> Shards:
    """The index of documents given as one stream of word numbers: every
    piece of text of every field of every document in turn (refs are
    positions, fields in FIELDS' order), each as its word's number in
    `written` or -1 for a piece without a word (see `text.Vocabulary`;
    `written` may hold words no document has); `pieces` says how many pieces
    each document's field has. Everything after that is array arithmetic,
    as lunr.js's Builder does it one term at a time. `numbers` is emptied
    once read: it is the build's largest array."""
    import numpy as np  # here: a build that finds the index in its cache never needs it

    # Arrays of every word are the memory's peak (ten million words at
    # 50,000 papers): 32 bits or fewer where they can be, changed in place,
    # each let go as soon as it is used.
    fields = list(FIELDS)
    slots = len(pieces)  # a document's field: ref * len(fields) + field
    count = slots // len(fields)
    documents = max(count, 1)
    read = np.frombuffer(numbers, dtype=np.int32) if len(numbers) else np.zeros(0, np.int32)
    has_word = read >= 0
    stream = read[has_word]
    del read
    del numbers[:]
    slot = np.repeat(np.arange(slots, dtype=np.int32), np.asarray(pieces, dtype=np.int32))
    slot = slot[has_word]
    del has_word
    used = np.zeros(len(written), dtype=bool)
    used[stream] = True
    term_number = Numbers()
    term_of_word = np.fromiter((term_number[stems[w]] for w in written), np.int32, len(written))
    stop = np.fromiter((w in STOP_WORDS for w in written), bool, len(written))
    kept_field = np.isin(np.arange(len(fields)), [fields.index(f) for f in KEEP_STOP_WORDS])
    kept = ~stop[stream]
    kept |= kept_field[slot % len(fields)]
    stream = stream[kept]
    slot = slot[kept]
    del kept
    term = term_of_word[stream]
    del stream

    # lunr numbers terms in the order they are first seen.
    position = np.int32 if len(term) < 2**31 else np.int64
    first = np.full(len(term_number), len(term), dtype=position)
    np.minimum.at(first, term, np.arange(len(term), dtype=position))
    present = np.flatnonzero(first < len(term))
    lunr_number = np.full(len(term_number), -1, dtype=np.int32)
    lunr_number[present[np.argsort(first[present], kind="stable")]] = np.arange(len(present))
    del first
    # A field's length is its terms, stop words out.
    field_lengths = np.bincount(slot, minlength=slots).reshape(count, len(fields))
    average = field_lengths.sum(axis=0) / count if count else np.zeros(len(fields))
    # Terms in JavaScript's order.
    terms = [""] * len(term_number)
    for text, n in term_number.items():
        terms[n] = text
    ordered = _in_js_order(present.tolist(), terms)
    rank = np.zeros(len(term_number), dtype=np.int64)
    rank[ordered] = np.arange(len(ordered))
    # Postings: one per term, field and document, in that order, with the
    # term's frequency there: the distinct keys (term, field, document) of
    # the words, and how often each comes.
    # A word's key: (rank of its term * fields + field) * documents + ref.
    key = rank[term]
    del term
    key *= len(fields) * documents
    field = slot % len(fields)
    slot //= len(fields)  # the ref
    field *= documents
    field += slot  # the key's low part
    del slot
    key += field
    del field
    key.sort()
    new = np.empty(len(key), dtype=bool)  # a posting's first word
    new[:1] = True
    np.not_equal(key[1:], key[:-1], out=new[1:])
    occurrences = len(key)
    key = key[new]
    starts = np.flatnonzero(new)
    del new
    postings = len(key)
    tf = np.empty(postings, dtype=np.int32)
    np.subtract(starts[1:], starts[:-1], out=tf[:-1], casting="unsafe")
    tf[-1:] = occurrences - starts[-1:]
    del starts
    ref = np.empty(postings, dtype=np.int32)
    np.remainder(key, documents, out=ref, casting="unsafe")
    key //= documents
    field = np.empty(postings, dtype=np.int8)
    np.remainder(key, len(fields), out=field, casting="unsafe")
    key //= len(fields)  # the term's rank
    term = np.array(ordered, dtype=np.int32)[key] if len(ordered) else key.astype(np.int32)
    del key
    with_term = np.bincount(term, minlength=len(term_number))  # lunr's idf counts fields
    idf = np.array([math.log(1 + abs((count - n + 0.5) / (n + 0.5))) for n in with_term.tolist()])
    with np.errstate(divide="ignore", invalid="ignore"):  # a field no paper has: not looked up
        lengths = field_lengths / average  # each division made once
    weight = _weights(tf, term, field, ref, idf, lengths)
    del tf
    numbers, starts = _lists(term, field, ref, weight, lunr_number)
    del term, field, ref, weight
    files: dict[str, str] = {}
    keys = [terms[n] for n in ordered]
    boundaries = _cut(keys, numbers, starts, "terms", SHARD_BYTES, files)

    # Words as written, with their terms: the term as the length of the
    # word's start that it is, if it is one, and the fields that have it.
    counts, term_of_word = with_term.tolist(), term_of_word.tolist()
    present_terms = set(present.tolist())
    in_use = used.tolist()
    numbered = _in_js_order(
        (n for n, t in enumerate(term_of_word) if in_use[n] and t in present_terms), written
    )
    words = [written[n] for n in numbered]
    described = []
    for word, n in zip(words, numbered, strict=True):
        t = term_of_word[n]
        text = terms[t]
        described.append(str(len(text)) if word.startswith(text) else _quoted(text))
        described.append(str(counts[t]))
    word_starts = list(range(0, 2 * len(words) + 1, 2))
    word_boundaries = _cut(words, described, word_starts, "words", WORD_SHARD_BYTES, files)
    return Shards(
        files=files,
        manifest={"terms": boundaries, "words": word_boundaries},
        terms=len(ordered),
        postings=postings,
        words_used=sum(in_use),
    )


def _weights(tf, term, field, ref, idf, lengths) -> np.ndarray:
    """Each posting's weight in thousandths: lunr.js Builder.createFieldVectors,
    operation by operation (a product or a sum the other way round is the
    same number), then Math.round(score * 1000). A part of the postings at a
    time: the products are 64-bit, and as many as the postings."""
    import numpy as np

    boosts = np.array(list(FIELDS.values()), dtype=np.float64)
    weight = np.empty(len(tf), dtype=np.int32)
    for start in range(0, len(tf), _PART):
        part = slice(start, start + _PART)
        norm = lengths[ref[part], field[part]]
        norm *= B
        norm += 1 - B
        norm *= K1
        norm += tf[part]
        score = (K1 + 1) * tf[part]
        score *= idf[term[part]]
        score /= norm
        score *= boosts[field[part]]
        score *= 1000
        score += 0.5
        weight[part] = np.floor(score)
    return weight


def _lists(term, field, ref, weight, lunr_number) -> tuple[np.ndarray, list[int]]:
    """Each term's postings as numbers, one term after another: lunr's number
    for the term, how many fields have it, then for each of them: the field,
    how many papers, and each paper as its ref's difference from the one
    before and its weight. The numbers, and where each term's start."""
    import numpy as np

    if not len(ref):  # an archive without papers
        return np.zeros(0, dtype=np.int32), [0]
    new_term = np.empty(len(ref), dtype=bool)
    new_term[0] = True
    np.not_equal(term[1:], term[:-1], out=new_term[1:])
    group = new_term.copy()  # a new term, or a new field of the term
    group[1:] |= field[1:] != field[:-1]
    term_starts, group_starts = np.flatnonzero(new_term), np.flatnonzero(group)
    # Where each posting's numbers go: before a posting are two numbers a
    # term, two a group and two a posting before it. In place, one array at
    # a time: these are as many as the postings.
    index = np.int32 if 6 * len(ref) + 8 < 2**31 else np.int64
    at = np.cumsum(group, dtype=index)
    del group
    at -= 1  # the posting's group, by number
    groups_before = at[term_starts]
    at += np.cumsum(new_term, dtype=index)
    del new_term
    at -= 1  # plus its term's number
    at += np.arange(len(ref), dtype=index)
    at *= 2
    at += 4
    numbers = np.empty(int(at[-1]) + 2, dtype=np.int32)
    deltas = np.empty_like(ref)
    deltas[0] = ref[0]
    np.subtract(ref[1:], ref[:-1], out=deltas[1:])
    deltas[group_starts] = ref[group_starts]  # a list starts with its first ref
    numbers[at] = deltas
    del deltas
    at += 1
    numbers[at] = weight
    at -= 1
    firsts = at[group_starts]
    del at
    numbers[firsts - 2] = field[group_starts]
    numbers[firsts - 1] = np.diff(np.r_[group_starts, len(ref)])
    # Each term's two numbers go before its first field's.
    heads = firsts[np.searchsorted(group_starts, term_starts)] - 4
    numbers[heads] = lunr_number[term[term_starts]]
    numbers[heads + 1] = np.diff(np.r_[groups_before, len(group_starts)])
    return numbers, [*heads.tolist(), len(numbers)]


def _cut(
    keys: list[str], numbers, starts: list[int], kind: str, limit: int, files: dict[str, str]
) -> list[str]:
    """Shards of about `limit` characters, as `kind/N.json`: keys in order,
    and their numbers (key k's are numbers[starts[k]:starts[k + 1]], an array
    of integers or a list of JSON texts). The first key of each shard."""
    boundaries: list[str] = []
    first = size = 0
    if not isinstance(numbers, list):  # a numpy array
        # One string per distinct number: most numbers repeat.
        spelled = list(map(str, range(int(numbers.max()) + 1 if len(numbers) else 0)))
        numbers = _Spelled(numbers, spelled)
    for k, key in enumerate(keys):
        size += len(key) + 4 + 6 * (starts[k + 1] - starts[k])  # about: most numbers are short
        if size > limit or k == len(keys) - 1:
            end = k + 1
            part = ",".join(map(_quoted, keys[first:end]))
            values = ",".join(numbers[starts[first] : starts[end]])
            files[f"{kind}/{len(boundaries)}.json"] = f'{{"keys":[{part}],"numbers":[{values}]}}'
            boundaries.append(keys[first])
            first, size = end, 0
    return boundaries


class _Spelled:
    """An array of integers as their texts, a slice at a time."""

    def __init__(self, numbers: np.ndarray, spelled: list[str]) -> None:
        self.numbers, self.spelled = numbers, spelled

    def __getitem__(self, part: slice) -> list[str]:
        return list(map(self.spelled.__getitem__, self.numbers[part].tolist()))


def _quoted(text: str) -> str:
    """A string as JSON: most need no escape."""
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return json.dumps(text, ensure_ascii=False)


def shard_of(boundaries: list[str], key: str) -> int:
    """The shard a term or word would be in: the last whose first is not after it."""
    keys = [js_order(b) for b in boundaries]
    return max(0, bisect.bisect_right(keys, js_order(key)) - 1)
