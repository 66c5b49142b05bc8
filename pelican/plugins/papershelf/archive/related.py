"""Related papers: the nearest by tf-idf cosine over title and abstract.

Vectors are tf-idf as scikit-learn's `TfidfVectorizer` computes it, set as
arxiv-sanity-lite sets it: sublinear term frequency, smooth idf, rows of
length 1, terms in at least 2 papers and at most a tenth of them, stop words
dropped (lunr's, which search drops too). Each paper then keeps its
`TERMS_KEPT` strongest terms, and the nearest papers by cosine over those
vectors come from one sparse product that keeps only each row's best scores
(`sparse_dot_topn`, in C++ on every core).

Why tf-idf is written out here: importing scikit-learn takes a second, and
its tokenizer takes a step of Python per word; counted with numpy, the whole
of this module took 1.3 s of CPU at 10,000 papers, against 3.3 s through
`TfidfVectorizer`. `tests/test_related.py` checks the vectors against it.

Why the terms are cut: the product's cost grows with the square of how many
papers share each term; with full vectors it took 2.2 s at 10,000 papers and
55 s at 50,000, cut to 32 terms 0.2 s and 4.2 s. On the 515 real papers of
the test corpus, 59% of related papers share a tag with their paper (63%
with full vectors; 29% for a random paper).

Ties are broken by tags in common, then by the archive's order, so the same
papers always give the same lists.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .. import latex
from ..digest import Remember, digest
from ..search.index import Numbers
from ..search.text import STOP_WORDS, normalise
from .model import Paper

if TYPE_CHECKING:
    import scipy.sparse as sp

RELATED = 5  # shown on a paper's page
TERMS_KEPT = 32
MAX_SHARE = 0.1  # a term in more papers than this tells too little
_CANDIDATES = 12  # nearest by score, before ties are broken by tags (more when more are shown)
_WORD = re.compile(r"[a-z][a-z0-9]+")  # letters and digits, from a letter


def related(
    texts: Iterable[str], tags: list[frozenset[str]], count: int = RELATED, threads: int = 1
) -> list[tuple[int, ...]]:
    """For each text (title and abstract), the indices of the `count` most
    similar other texts, most similar first; fewer when fewer share a term.
    The texts are read once, one at a time (at 50,000 papers they take 65 MB)."""
    vectors, _ = tfidf(texts)
    papers = vectors.shape[0]
    if papers < 2 or not vectors.nnz:
        return [()] * papers
    # Imported here: a build that finds the lists in its cache never needs it.
    from sparse_dot_topn import sp_matmul_topn

    vectors = _unit_rows(_strongest(vectors, TERMS_KEPT))
    scores = sp_matmul_topn(
        vectors,
        vectors.T.tocsr(),
        top_n=max(_CANDIDATES, count) + 1,
        threshold=0.0,
        n_threads=threads,
    )
    nearest = []
    for row in range(papers):
        start, end = scores.indptr[row], scores.indptr[row + 1]
        others = [
            (-round(float(score), 5), -len(tags[row] & tags[column]), int(column))
            for column, score in zip(scores.indices[start:end], scores.data[start:end], strict=True)
            if column != row and score > 0
        ]
        nearest.append(tuple(column for *_, column in sorted(others)[:count]))
    return nearest


def words(text: str) -> list[str]:
    """The words of a text that tf-idf counts, stop words among them."""
    return _WORD.findall(text.lower() if text.isascii() else normalise(text))


def tfidf(texts: Iterable[str]) -> tuple[sp.csr_matrix, list[str]]:
    """The texts' tf-idf vectors (float32, a row of length 1 per text, or of
    zeros when it has no counted term) and the terms of their columns."""
    import numpy as np
    import scipy.sparse as sp

    # Each word a number, text by text: a list of every word at once would
    # take 600 MB at 50,000 papers. A word seen before is numbered in C.
    vocabulary = Numbers()
    numbers, lengths = array("i"), array("i")
    for text in texts:
        text_words = words(text)
        lengths.append(len(text_words))
        numbers.extend(map(vocabulary.__getitem__, text_words))
    numbers = np.frombuffer(numbers, np.int32)
    stop = np.fromiter((w in STOP_WORDS for w in vocabulary), bool, len(vocabulary))
    n = len(lengths)
    paper = np.repeat(np.arange(n, dtype=np.int32), np.frombuffer(lengths, np.int32))
    counted = ~stop[numbers]
    counts = sp.csr_matrix(
        (np.ones(int(counted.sum()), np.float32), (paper[counted], numbers[counted])),
        shape=(n, len(vocabulary)),
    )
    counts.sum_duplicates()
    frequency = np.bincount(counts.indices, minlength=len(vocabulary))
    kept = np.flatnonzero((frequency >= 2) & (frequency <= max(MAX_SHARE * n, 2)))
    vectors = counts[:, kept].tocsr()
    idf = np.log((1 + n) / (1 + frequency[kept])) + 1
    vectors.data = (1 + np.log(vectors.data)) * idf[vectors.indices].astype(np.float32)
    terms = list(vocabulary)
    return _unit_rows(vectors), [terms[column] for column in kept]


def _unit_rows(vectors: sp.csr_matrix) -> sp.csr_matrix:
    """Each row divided by its length (a row of zeros stays as it is)."""
    import numpy as np

    lengths = np.diff(vectors.indptr)
    squares = np.zeros(len(lengths), np.float32)
    filled = lengths > 0
    squares[filled] = np.add.reduceat(vectors.data**2, vectors.indptr[:-1][filled])
    vectors.data /= np.repeat(np.sqrt(squares), lengths)
    return vectors


def _strongest(vectors: sp.csr_matrix, terms: int) -> sp.csr_matrix:
    """Each row with only its `terms` largest weights (ties: the lower
    column), as a new matrix."""
    import numpy as np
    import scipy.sparse as sp

    vectors.sort_indices()
    lengths = np.diff(vectors.indptr)
    rows = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)
    # By row, then largest first: weights are at most 1, so one key orders both.
    order = rows.astype(np.float64)
    order *= 2.0
    order -= vectors.data
    order = np.argsort(order, kind="stable")
    # Rows stay where they were: the weight at place i of `order` is the
    # (i - row's start)th largest of its row.
    place = np.arange(order.size, dtype=vectors.indptr.dtype)
    place -= vectors.indptr[rows]
    del rows
    keep = np.zeros(order.size, dtype=bool)
    keep[order[place < terms]] = True
    del order, place
    indptr = np.concatenate([[0], np.cumsum(np.minimum(lengths, terms))])
    return sp.csr_matrix((vectors.data[keep], vectors.indices[keep], indptr), vectors.shape)


def related_papers(
    papers: list[Paper], remember: Remember | None = None, threads: int = 1, count: int = RELATED
) -> dict[str, tuple[Paper, ...]]:
    """Each paper's `count` related papers, by key. `remember` keeps the
    lists for the next build, keyed by what the listings say of every paper
    (its `source` digest: title and abstract among them), its tags and the
    count: a note's edit, or another setting's, finds them there."""
    tags = [frozenset(tag.name for tag in p.tags) for p in papers]

    def keys() -> list[tuple[str, ...]]:
        texts = (latex.plain(p.title) + "\n" + latex.plain(p.abstract) for p in papers)
        nearest = related(texts, tags, count, threads)
        return [tuple(papers[i].key for i in found) for found in nearest]

    if remember is None:
        found = keys()
    else:
        key = digest([p.source for p in papers], [sorted(t) for t in tags], count)
        found = remember(key, keys)
    by_key = {paper.key: paper for paper in papers}
    return {
        paper.key: tuple(by_key[key] for key in keys)
        for paper, keys in zip(papers, found, strict=True)
        if keys
    }
