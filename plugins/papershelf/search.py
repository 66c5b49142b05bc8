"""The search index: built with lunr.py, loaded and queried by lunr.js 2.3.9.

Text is normalised the same way here and in the browser (`theme/static/js/
search-worker.js` mirrors `normalise`, `trim` and `query`): compatibility
decomposition (ligatures, mathematical letters), accents and format characters
removed, one kind of space, lower case, and each CJK character a word of its own.
lunr's own trimmer is replaced because lunr.js and lunr.py disagree on what a
word character is, and the serialized terms are sorted the way JavaScript
compares strings (UTF-16 code units), which lunr.js requires to load them.
"""

from __future__ import annotations

import gzip
import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import lunr
from lunr.pipeline import Pipeline
from lunr.query import Query
from lunr.stemmer import stemmer
from lunr.stop_word_filter import stop_word_filter
from lunr.token import Token

from . import latex
from .model import Paper

TRIMMER_LABEL = "papershelfTrimmer"
FIELDS = {"title": 10, "tags": 4, "arxiv": 4, "authors": 2, "abstract": 1}
SNIPPET_CHARS = 180
_SPACES = re.compile(
    "[\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+"
)
_CJK = re.compile("([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff])")
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_SEPARATORS = re.compile(r"[ \-]+")


def normalise(text: str) -> str:
    """Searchable text: the same function as `normalise` in search-worker.js."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if unicodedata.category(c) not in ("Mn", "Me", "Cf"))
    text = _CJK.sub(r" \1 ", _SPACES.sub(" ", text))
    return text.lower()


def trim(word: str) -> str:
    """A word without the punctuation around it (letters and digits kept)."""
    return _EDGES.sub("", word)


def trimmer(token, i=None, tokens=None):
    return token.update(lambda s, metadata=None: trim(s))


Pipeline.register_function(trimmer, TRIMMER_LABEL)


def words(text: str) -> list[str]:
    """Normalised, trimmed words, as lunr's tokenizer and our trimmer make them."""
    return [w for w in (trim(w) for w in _SEPARATORS.split(normalise(text))) if w]


def stem(word: str) -> str:
    return str(stemmer(Token(word)))


@dataclass(frozen=True)
class SearchIndex:
    index: str  # serialized lunr index (JSON)
    documents: str  # what results show, by ref (JSON)
    mode: str  # "full abstracts" or "distinctive terms (k per paper)"
    raw_bytes: int
    gzip_bytes: int
    lunr_index: lunr.index.Index  # for queries at build time and in tests


def _document(paper: Paper) -> dict:
    return {
        "title": normalise(latex.plain(paper.title)),
        "authors": normalise(", ".join(paper.authors)),
        "tags": normalise(", ".join(t.name for t in paper.tags)),
        "arxiv": paper.arxiv_id or "",
        "abstract": normalise(latex.plain(paper.abstract)),
    }


def _build(documents: list[dict]) -> lunr.index.Index:
    builder = lunr.builder.Builder()
    builder.pipeline.add(trimmer, lunr.stop_word_filter.stop_word_filter, stemmer)
    builder.search_pipeline.add(stemmer)
    builder.ref("id")
    for field, boost in FIELDS.items():
        builder.field(field, boost)
    for number, document in enumerate(documents):
        builder.add({"id": str(number), **document})
    return builder.build()


def _serialize(index: lunr.index.Index) -> str:
    data = index.serialize()
    # lunr.js inserts terms into its token set in order and compares with `<`.
    data["invertedIndex"].sort(key=lambda entry: entry[0].encode("utf-16-be"))
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def distinctive_terms(abstracts: list[str], k: int) -> list[str]:
    """Each abstract as its k most distinctive words (tf-idf of their stems)."""
    stems_of = []
    for abstract in abstracts:
        first_word: dict[str, str] = {}
        counts: Counter[str] = Counter()
        for word in words(abstract):
            if stop_word_filter(Token(word)) is None:
                continue
            key = stem(word)
            counts[key] += 1
            first_word.setdefault(key, word)
        stems_of.append((counts, first_word))
    frequency = Counter(key for counts, _ in stems_of for key in counts)
    total = len(abstracts)
    chosen = []
    for counts, first_word in stems_of:
        scored = sorted(counts, key=lambda s: (-counts[s] * math.log(total / frequency[s]), s))
        chosen.append(" ".join(first_word[s] for s in scored[:k]))
    return chosen


def documents_json(papers: list[Paper]) -> str:
    """What a result shows, by ref: URL, title, date, tags, snippet."""
    records = []
    for paper in papers:
        abstract = " ".join(latex.plain(paper.abstract).split())
        snippet = (
            abstract[:SNIPPET_CHARS].rsplit(" ", 1)[0]
            if len(abstract) > SNIPPET_CHARS
            else abstract
        )
        records.append(
            [
                paper.url,
                latex.plain(paper.title),
                paper.date.isoformat(),
                [t.name for t in paper.tags],
                snippet,
            ]
        )
    return json.dumps(records, ensure_ascii=False, separators=(",", ":"))


def build_search_index(papers: list[Paper], budget: int) -> SearchIndex:
    """The index with full abstracts, or with each abstract's most distinctive
    terms when full abstracts would exceed `budget` gzipped bytes."""
    documents = [_document(paper) for paper in papers]
    index = _build(documents)
    serialized = _serialize(index)
    size = len(gzip.compress(serialized.encode("utf-8")))
    mode = "full abstracts"
    if size > budget and documents:
        abstracts = [d["abstract"] for d in documents]
        k = 32
        while True:
            terms = distinctive_terms(abstracts, k)
            index = _build([{**d, "abstract": t} for d, t in zip(documents, terms, strict=True)])
            serialized = _serialize(index)
            size = len(gzip.compress(serialized.encode("utf-8")))
            if size <= budget or k <= 2:
                break
            k = max(2, int(k * budget / size * 0.95))
        mode = f"distinctive terms ({k} per paper)"
    return SearchIndex(
        index=serialized,
        documents=documents_json(papers),
        mode=mode,
        raw_bytes=len(serialized.encode("utf-8")),
        gzip_bytes=size,
        lunr_index=index,
    )


def query_terms(text: str) -> tuple[list[str], bool]:
    """The words of a query that can match, and whether the last one is still
    being typed (it is then matched as a prefix)."""
    terms = [w for w in words(text) if stop_word_filter(Token(w)) is not None]
    return terms, bool(text) and not text[-1].isspace()


def search(index: lunr.index.Index, text: str) -> list[str]:
    """Refs of the papers that have every word of the query, best first."""
    terms, typing = query_terms(text)
    if not terms:
        return []

    def build(query: Query) -> None:
        for position, term in enumerate(terms):
            if typing and position == len(terms) - 1:
                query.term(
                    stem(term),
                    use_pipeline=False,
                    wildcard=Query.WILDCARD_TRAILING,
                    presence=lunr.query.QueryPresence.REQUIRED,
                )
            else:
                query.term(term, presence=lunr.query.QueryPresence.REQUIRED)

    return [result["ref"] for result in index.query(callback=build)]
