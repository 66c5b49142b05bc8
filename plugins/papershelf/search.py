"""The search index: what lunr.py would build, shipped compactly, rebuilt and
queried by lunr.js 2.3.9 in the reader's browser.

`index.json` holds each field's index terms per paper, as term numbers; lunr's
own serialization repeats every posting and every score and is three times the
size. The browser rebuilds lunr's index from it (`expand`, mirrored in the
worker). `documents.json` holds what a result shows at once (URL, title, date,
tags), and `snippets/N.json` the start of each abstract, fetched for the
results shown.

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
import itertools
import json
import math
import operator
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import lunr
from lunr.pipeline import Pipeline
from lunr.query import Query
from lunr.stop_word_filter import WORDS as STOP_WORDS

from . import latex
from .cache import Remember
from .model import Paper
from .stemmer import stem

TRIMMER_LABEL = "papershelfTrimmer"
FIELDS = {"title": 10, "tags": 4, "arxiv": 4, "authors": 2, "abstract": 1}
K1, B = 1.2, 0.75  # lunr's BM25 parameters
SAMPLE = 1_000  # papers indexed to estimate the size of the whole index
PREFIX_MIN = 3  # a shorter last word is matched whole
SNIPPET_CHARS = 180
SNIPPETS_PER_FILE = 500
FORMAT = "papershelf-index-1"
_SPACES = re.compile(
    "[\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+"
)
_ASCII_SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"  # what _SPACES matches in ASCII, less " "
_RUNS = re.compile(" {2,}")
_CJK = re.compile("([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff])")
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


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


def trim(word: str) -> str:
    """A word without the punctuation around it (letters and digits kept)."""
    return _EDGES.sub("", word)


def split(normalised: str) -> list[str]:
    """A normalised text's words, split where lunr's tokenizer splits: at spaces
    and hyphens (`normalise` leaves no other space than " ")."""
    return normalised.replace("-", " ").split()


def words(text: str) -> list[str]:
    """Normalised, trimmed words, as lunr's tokenizer and our trimmer make them."""
    return [w for w in (trim(w) for w in split(normalise(text))) if w]


class _Terms(dict):
    """Word as split -> its index term ("" for none), found once per word."""

    def __missing__(self, word: str) -> str:
        trimmed = word if word.isalnum() else trim(word)  # most need no trimming
        self[word] = term = stem(trimmed) if trimmed and trimmed not in STOP_WORDS else ""
        return term


_TERM_OF = _Terms()


def terms(normalised: str) -> list[str]:
    """The index terms of a normalised field: words less stop words, stemmed."""
    if len(_TERM_OF) > 1_000_000:  # a bound on memory, far above a real vocabulary
        _TERM_OF.clear()
    return list(filter(None, map(_TERM_OF.__getitem__, split(normalised))))


# lunr.py pipeline functions, so that lunr.py can build the same index (tests).
def trimmer(token, i=None, tokens=None):
    return token.update(lambda s, metadata=None: trim(s)) if trim(str(token)) else None


def js_stemmer(token, i=None, tokens=None):
    return token.update(lambda s, metadata=None: stem(s))


Pipeline.register_function(trimmer, TRIMMER_LABEL)
Pipeline.register_function(js_stemmer, "papershelfStemmer")


@dataclass(frozen=True)
class SearchIndex:
    index: str  # the compact index (JSON): `expand` makes it lunr's
    documents: str  # what a result shows at once, by ref (JSON)
    snippets: list[str]  # abstracts' first words, SNIPPETS_PER_FILE refs a file (JSON)
    mode: str  # "full abstracts" or "distinctive terms (k per paper)"
    raw_bytes: int  # index and documents: what is fetched before the first result
    gzip_bytes: int

    def summary(self) -> str:
        return f"search index of {self.mode}: {self.raw_bytes:,} bytes, {self.gzip_bytes:,} gzipped"


# Each field's searchable text.
_FIELD_TEXT: dict[str, Callable[[Paper], str]] = {
    "title": lambda paper: normalise(latex.plain(paper.title)),
    "tags": lambda paper: normalise(", ".join(t.name for t in paper.tags)),
    "arxiv": lambda paper: paper.arxiv_id or "",
    "authors": lambda paper: normalise(", ".join(paper.authors)),
    "abstract": lambda paper: normalise(latex.plain(paper.abstract)),
}


def _document(paper: Paper) -> dict:
    return {field: text(paper) for field, text in _FIELD_TEXT.items()}


def serialize(documents: list[dict[str, str]], fields: dict[str, int] = FIELDS) -> str:
    """The compact index of the documents (refs are their positions), as JSON."""
    return _json(compact([{f: terms(d[f]) for f in fields} for d in documents], fields))


def compact(documents: list[dict[str, list[str]]], fields: dict[str, int] = FIELDS) -> dict:
    """The index terms of each document's fields, as numbers: a term is
    numbered where it first appears (as lunr numbers it, so `expand` gives
    lunr's index), and a field's numbers are sorted and given as differences
    from the one before (small numbers, which gzip well; 0 repeats a term)."""
    numbers = _Numbering()
    columns: dict[str, list[list[int]]] = {field: [] for field in fields}
    for document in documents:
        for field in fields:
            found = sorted(map(numbers.__getitem__, document[field]))
            columns[field].append(list(map(operator.sub, found, [0, *found])))
    return {
        "format": FORMAT,
        "fields": fields,
        "documents": len(documents),
        "terms": list(numbers),
        "columns": columns,
    }


class _Numbering(dict):
    """Term -> its number, numbered in the order they are first looked up."""

    def __missing__(self, term: str) -> int:
        self[term] = number = len(self)
        return number


def expand(data: dict) -> dict:
    """The lunr 2.3.9 index that a compact index stands for, as lunr serializes
    it: the index lunr.py's Builder makes with our pipeline (a test builds
    both), computed directly, as search-worker.js does in the browser."""
    if data.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} index")
    terms, fields = data["terms"], data["fields"]
    documents = [{field: [] for field in fields} for _ in range(data["documents"])]
    for field in fields:
        for document, differences in zip(documents, data["columns"][field], strict=True):
            document[field] = [terms[number] for number in itertools.accumulate(differences)]
    return lunr_data(documents, fields)


def lunr_data(documents: list[dict[str, list[str]]], fields: dict[str, int] = FIELDS) -> dict:
    """lunr's serialized index of documents whose fields are index terms."""
    postings: dict[str, dict] = {}
    totals = dict.fromkeys(fields, 0)
    for number, document in enumerate(documents):
        ref = str(number)
        for field in fields:
            field_terms = document[field]
            totals[field] += len(field_terms)
            for term in dict.fromkeys(field_terms):
                posting = postings.get(term)
                if posting is None:
                    posting = postings[term] = {f: {} for f in fields}
                    posting["_index"] = len(postings) - 1
                posting[field][ref] = {}
    count = len(documents)
    average = {field: totals[field] / count if count else 0 for field in fields}
    idf = {
        term: math.log(1 + abs((count - n + 0.5) / (n + 0.5)))
        for term, posting in postings.items()
        for n in [sum(len(posting[f]) for f in fields)]
    }
    # Vectors in a second pass: holding every field's counts at once takes
    # hundreds of MB at 50,000 papers.
    vectors = []
    for number, document in enumerate(documents):
        for field in fields:
            field_terms = document[field]
            counts, length = Counter(field_terms), len(field_terms)
            boost, norm = fields[field], 1 - B + B * (length / average[field]) if length else 0
            elements = []
            for term, tf in sorted(counts.items(), key=lambda item: postings[item[0]]["_index"]):
                score = idf[term] * ((K1 + 1) * tf) / (K1 * norm + tf) * boost
                elements += [postings[term]["_index"], round(score, 3)]
            vectors.append([f"{field}/{number}", elements])
    # lunr.js inserts terms into its token set in order and compares with `<`.
    ordered = sorted(postings.items(), key=lambda item: item[0].encode("utf-16-be"))
    return {
        "version": "2.3.9",
        "fields": list(fields),
        "fieldVectors": vectors,
        "invertedIndex": [[term, posting] for term, posting in ordered],
        "pipeline": ["stemmer"],
    }


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def load(serialized: str) -> lunr.index.Index:
    """The index in lunr.py, to query it at build time and in tests."""
    data = expand(json.loads(serialized))
    data["invertedIndex"].sort(key=lambda entry: entry[0])  # lunr.py's own order
    return lunr.index.Index.load(data)


def by_distinction(abstracts: list[list[str]], k: int) -> list[list[str]]:
    """Each abstract's k most distinctive index terms (by tf-idf, then in
    alphabetical order), the most distinctive first."""
    counted = [Counter(terms) for terms in abstracts]
    frequency = Counter(itertools.chain.from_iterable(counted))  # documents with each term
    idf = {term: math.log(len(abstracts) / n) for term, n in frequency.items()}
    once = {term: (-weight, term) for term, weight in idf.items()}  # most terms occur once
    ranked, term_of = [], operator.itemgetter(1)
    for counts in counted:
        keys = [once[term] if n == 1 else (-n * idf[term], term) for term, n in counts.items()]
        keys.sort()
        ranked.append(list(map(term_of, keys[:k])))
    return ranked


def documents_json(papers: list[Paper]) -> str:
    """What a result shows at once, by ref: URL, title, date, tags (as numbers)."""
    tags = sorted({tag.name for paper in papers for tag in paper.tags}, key=str.casefold)
    number = {name: n for n, name in enumerate(tags)}
    return _json(
        {
            "tags": tags,
            "papers": [
                [
                    paper.url,
                    latex.plain(paper.title),
                    paper.date.isoformat(),
                    [number[tag.name] for tag in paper.tags],
                ]
                for paper in papers
            ],
            "snippetsPerFile": SNIPPETS_PER_FILE,
        }
    )


def snippet_files(papers: int) -> int:
    return -(-papers // SNIPPETS_PER_FILE)


def snippets_json(papers: list[Paper]) -> list[str]:
    """The start of each abstract, SNIPPETS_PER_FILE papers a file."""
    snippets = []
    for paper in papers:
        abstract = latex.collapsed(paper.abstract, SNIPPET_CHARS)
        if len(abstract) > SNIPPET_CHARS:
            abstract = abstract[:SNIPPET_CHARS].rsplit(" ", 1)[0]
        snippets.append(abstract)
    step = SNIPPETS_PER_FILE
    return [_json(snippets[start : start + step]) for start in range(0, len(snippets), step)]


def build_search_index(
    papers: list[Paper], budget: int, remember: Remember | None = None
) -> SearchIndex:
    """The index with full abstracts if it fits in `budget` gzipped bytes with
    the documents (what a reader fetches before the first result); else each
    abstract's most distinctive terms, as many as fit; and if even the other
    fields do not fit, authors by family name only.

    Abstracts are most of the work: a sample of papers tells whether they can
    fit, and they are read whole only when some of each will be kept.
    `remember(key, compute)` can give a field's terms found before, by the
    paper's listings (`Paper.source`); tags are found anew.
    """

    def field_terms(paper: Paper, field: str) -> list[str]:
        def compute() -> list[str]:
            return terms(_FIELD_TEXT[field](paper))

        if remember is None or field == "tags" or not paper.source:
            return compute()
        return remember(paper.source + field.encode(), compute)

    def abstract_terms(paper: Paper) -> list[str]:
        return field_terms(paper, "abstract")

    documents = [{f: field_terms(paper, f) for f in FIELDS if f != "abstract"} for paper in papers]
    shown = documents_json(papers)
    shown_size = _gzip_size(shown)
    budget -= shown_size

    def size_with(kept: list[list[str]]) -> tuple[str, int]:
        whole = [{**d, "abstract": a} for d, a in zip(documents, kept, strict=True)]
        serialized = _json(compact(whole))
        return serialized, _gzip_size(serialized)

    every = max(1, len(documents) // SAMPLE)
    sample = [
        (d, abstract_terms(p)) for d, p in zip(documents[::every], papers[::every], strict=True)
    ]
    scale = len(documents) / max(1, len(sample))

    def estimate(with_abstracts: bool) -> float:
        kept = [{**d, "abstract": a if with_abstracts else []} for d, a in sample]
        return _gzip_size(_json(compact(kept))) * scale

    whole = estimate(with_abstracts=True)
    abstracts: list[list[str]] | None = None
    if whole <= budget * 1.25:
        abstracts = [abstract_terms(paper) for paper in papers]
        serialized, size = size_with(abstracts)
        if size <= budget:
            return _search_index(papers, serialized, shown, "full abstracts", size + shown_size)
    modes = []
    base = estimate(with_abstracts=False)
    if base > budget:
        for document, paper in zip(documents, papers, strict=True):
            document["authors"] = terms(normalise(", ".join(n.split()[-1] for n in paper.authors)))
        base = estimate(with_abstracts=False)  # the sample holds the same documents
        modes.append("authors by family name")
    # The index grows about linearly with the terms kept per abstract.
    sample_terms = sum(len(set(a)) for _, a in sample) * scale
    per_term = max(0.5, (whole - base) / max(1.0, sample_terms))
    k = max(0, int((budget - base) / per_term / max(1, len(documents))))
    if k and abstracts is None:
        abstracts = [abstract_terms(paper) for paper in papers]
    ranked = by_distinction(abstracts, k) if k else []
    while True:
        serialized, size = size_with([a[:k] for a in ranked] if k else [[]] * len(documents))
        if size <= budget or k == 0:
            break
        # Fewer terms, in proportion to the bytes over, and a little more.
        k = max(0, min(k - 1, int(k * (budget - base) / max(1.0, size - base) * 0.97)))
    modes.insert(0, f"{k} distinctive terms per abstract" if k else "no abstracts")
    mode = ", ".join(modes)
    if size > budget:
        mode += " (still over the budget)"
    return _search_index(papers, serialized, shown, mode, size + shown_size)


def _search_index(
    papers: list[Paper], serialized: str, shown: str, mode: str, gzip_bytes: int
) -> SearchIndex:
    return SearchIndex(
        index=serialized,
        documents=shown,
        snippets=snippets_json(papers),
        mode=mode,
        raw_bytes=len(serialized.encode("utf-8")) + len(shown.encode("utf-8")),
        gzip_bytes=gzip_bytes,
    )


def _gzip_size(text: str) -> int:
    return len(gzip.compress(text.encode("utf-8"), compresslevel=6))


def query_terms(text: str) -> tuple[list[str], bool]:
    """The words of a query that can match, and whether the last one is
    matched as a prefix: it is still being typed, and it has at least three
    characters and a letter (a prefix like "2" would expand to thousands of
    terms and take seconds in the browser)."""
    query = [w for w in words(text) if w not in STOP_WORDS]
    typing = bool(text) and not text[-1].isspace() and bool(query)
    prefix = typing and len(query[-1]) >= PREFIX_MIN and any(c.isalpha() for c in query[-1])
    return query, prefix


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
