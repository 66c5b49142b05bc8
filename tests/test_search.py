"""The search index: lunr.py's index, shipped compactly; normalisation, order,
budget, queries."""

import gzip
import json

import lunr
import pytest
from conftest import CORPUS_JSON, DATA, SEED
from papershelf import archive, search
from papershelf.listing import read_listing


def papers(*paths):
    entries = [e for path in paths for e in read_listing(path)[0]]
    return archive.build(entries).papers


@pytest.fixture(scope="module")
def seed_and_hostile():
    result = papers(SEED, DATA / "hostile" / "2026-05-08.txt")
    return result, search.build_search_index(result, budget=1_500_000)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Café Échec: Résumé", ["cafe", "echec", "resume"]),
        ("ﬁne-tuning ﬂow", ["fine", "tuning", "flow"]),
        ("𝐁𝐨𝐥𝐝 𝑥 𝔉 ＡＢＣ", ["bold", "x", "f", "abc"]),
        ("Zero\u200bwidth \u202ebidi\u202c in\ufeffvisible", ["zerowidth", "bidi", "invisible"]),
        ("注意力 model", ["注", "意", "力", "model"]),
        ("🚀 Rocket (LLM), 2411.15124v2!", ["rocket", "llm", "2411.15124v2"]),
        ("tab\tand\u3000ideographic\u00a0spaces", ["tab", "and", "ideographic", "spaces"]),
    ],
)
def test_text_is_normalised_into_plain_lower_case_words(text, expected):
    assert search.words(text) == expected


def test_the_index_is_the_one_lunr_py_builds_with_the_same_pipeline(seed_and_hostile):
    result, index = seed_and_hostile
    builder = lunr.builder.Builder()
    builder.pipeline.add(search.trimmer, lunr.stop_word_filter.stop_word_filter, search.js_stemmer)
    builder.ref("id")
    for field, boost in search.FIELDS.items():
        builder.field(field, boost)
    for number, paper in enumerate(result):
        builder.add({"id": str(number), **search._document(paper)})
    reference = builder.build().serialize()
    ours = search.expand(json.loads(index.index))
    for data in (reference, ours):
        data["invertedIndex"].sort(key=lambda entry: entry[0])
    assert ours["fieldVectors"] == reference["fieldVectors"]
    assert ours["invertedIndex"] == json.loads(json.dumps(reference["invertedIndex"]))
    assert ours["fields"] == reference["fields"]


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("day", "day"),
        ("deploying", "deploy"),
        ("fly", "fli"),
        ("generalization", "gener"),
        ("running", "run"),
        ("ponies", "poni"),
        ("yesterday", "yesterday"),
        ("relational", "relat"),
    ],
)
def test_words_are_stemmed_as_lunr_js_stems_them(word, stem):
    assert search.stem(word) == stem


def test_index_terms_are_in_javascript_string_order(seed_and_hostile):
    _, index = seed_and_hostile
    terms = [term for term, _ in search.expand(json.loads(index.index))["invertedIndex"]]
    utf16 = [term.encode("utf-16-be") for term in terms]
    assert utf16 == sorted(utf16)
    assert len(set(terms)) == len(terms)


def test_the_index_records_its_pipeline_and_fields(seed_and_hostile):
    _, index = seed_and_hostile
    data = search.expand(json.loads(index.index))
    assert data["version"] == "2.3.9"
    assert data["pipeline"] == ["stemmer"]
    assert data["fields"] == ["title", "tags", "arxiv", "authors", "abstract"]
    assert index.mode == "full abstracts"
    fetched_first = [index.index, index.documents]  # snippets come after the first result
    assert index.gzip_bytes == sum(len(gzip.compress(f.encode(), 6)) for f in fetched_first)


def test_the_compact_index_is_a_third_of_lunrs_own_and_stands_for_it_exactly():
    result = papers(*sorted(CORPUS_JSON.iterdir()))
    documents = [search._document(paper) for paper in result]
    compact = search.serialize(documents)
    lunrs = json.dumps(search.expand(json.loads(compact)), separators=(",", ":"))
    assert search._gzip_size(compact) * 3 < search._gzip_size(lunrs)
    with_terms = [{f: search.terms(d[f]) for f in search.FIELDS} for d in documents]
    assert search.expand(json.loads(compact)) == search.lunr_data(with_terms)


def test_a_repeated_term_counts_in_its_score():
    once = search.expand(search.compact([{"title": ["agent"], **NO_OTHER}, EMPTY]))
    twice = search.expand(search.compact([{"title": ["agent", "agent"], **NO_OTHER}, EMPTY]))
    assert once["fieldVectors"][0] == ["title/0", [0, once["fieldVectors"][0][1][1]]]
    assert twice["fieldVectors"][0][1][1] > once["fieldVectors"][0][1][1]
    # "b" is term 0 (seen first), twice; "a" is term 1: numbers 0, 0, 1.
    compact = search.compact([{"title": ["b", "a", "b"], **NO_OTHER}])
    assert (compact["terms"], compact["columns"]["title"]) == (["b", "a"], [[0, 0, 1]])


NO_OTHER = {"tags": [], "arxiv": [], "authors": [], "abstract": []}
EMPTY = {"title": [], **NO_OTHER}


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("multigrid", "MgNO: Efficient Parameterization of Linear Operators via Multigrid"),
        ("CSRBFs", "DGNO: A Novel Physics-aware"),  # only in an abstract
        ("deepfake detection", "DF40: Toward Next-Generation Deepfake Detection"),
        ("tulu", "TÜLU 3: Pushing Frontiers"),  # typed without the accent
        ("cafe echec", "Café Échec: Résumé of Naïve Models"),
        ("quokkaformer", "𝐁𝐨𝐥𝐝 𝐌𝐚𝐭𝐡 Letters for Reasoning"),
        ("注意", "注意力机制的研究 Attention Study in Chinese"),
        ("platypusnet", "Zero\u200bwidth and \u202ebidi\u202c control characters"),
        ("fine tuning flow", "Ligature ﬁne-tuning and ﬂow matching"),
        ("self-train", "Self-Training: A Survey"),  # the last word is a prefix
    ],
)
def test_queries_find_papers_by_any_of_their_words(seed_and_hostile, query, title):
    result, index = seed_and_hostile
    found = [result[int(ref)].title for ref in search.search(search.load(index.index), query)]
    assert any(t.startswith(title) for t in found), found


def test_every_word_of_a_query_must_match(seed_and_hostile):
    _result, index = seed_and_hostile
    both = search.search(search.load(index.index), "deepfake multigrid")
    assert both == []
    assert search.search(search.load(index.index), "the of and ") == []


def test_authors_tags_and_arxiv_ids_are_searchable():
    result = papers(CORPUS_JSON / "2026-03-02.json")
    index = search.build_search_index(result, budget=1_500_000)
    first = [
        result[int(ref)].title for ref in search.search(search.load(index.index), "2602.22661")
    ]
    assert first == ["dLLM: Simple Diffusion Language Modeling"]
    by_author = [result[int(r)].title for r in search.search(search.load(index.index), "Dawn Song")]
    assert "dLLM: Simple Diffusion Language Modeling" in by_author


def test_over_budget_the_abstracts_become_their_most_distinctive_terms():
    result = papers(*sorted(CORPUS_JSON.iterdir()))
    full = search.build_search_index(result, budget=10_000_000)
    small = search.build_search_index(result, budget=full.gzip_bytes // 2)
    assert full.mode == "full abstracts"
    assert small.mode.endswith("distinctive terms per abstract")
    assert small.gzip_bytes <= full.gzip_bytes // 2
    titles = [
        result[int(r)].title for r in search.search(search.load(small.index), "diffusion language")
    ]
    assert "dLLM: Simple Diffusion Language Modeling" in titles


def test_an_abstracts_most_distinctive_terms_are_rare_ones_and_repeated_ones():
    abstracts = [
        ["model", "diffus", "model", "video"],
        ["model", "video", "agent"],
        ["model", "agent", "plan", "plan"],
    ]
    # "model" is in every abstract: it distinguishes none. Ties go alphabetically.
    assert search.by_distinction(abstracts, 3) == [
        ["diffus", "video", "model"],
        ["agent", "video", "model"],
        ["plan", "agent", "model"],
    ]
    assert search.by_distinction(abstracts, 1) == [["diffus"], ["agent"], ["plan"]]


def test_when_even_titles_and_authors_do_not_fit_authors_keep_family_names():
    result = papers(*sorted(CORPUS_JSON.iterdir()))
    without_abstracts = search.serialize([{**search._document(p), "abstract": ""} for p in result])
    shown = search.documents_json(result)
    budget = search._gzip_size(without_abstracts) + search._gzip_size(shown) - 1
    index = search.build_search_index(result, budget)
    assert index.mode.endswith(", authors by family name")
    assert index.gzip_bytes <= budget
    loaded = search.load(index.index)
    titles = [result[int(r)].title for r in search.search(loaded, "song diffusion language")]
    assert "dLLM: Simple Diffusion Language Modeling" in titles
    assert search.search(loaded, "dawn song") == []


def test_documents_hold_what_results_show_and_snippets_come_in_files(seed_and_hostile):
    result, index = seed_and_hostile
    documents = json.loads(index.documents)
    assert len(documents["papers"]) == len(result)
    url, title, date, tags = documents["papers"][0]
    assert (url, title, date) == (result[0].url, result[0].title, result[0].date.isoformat())
    assert [documents["tags"][n] for n in tags] == [tag.name for tag in result[0].tags]
    snippets = [s for file in index.snippets for s in json.loads(file)]
    assert len(snippets) == len(result)
    assert all(len(json.loads(file)) == search.SNIPPETS_PER_FILE for file in index.snippets[:-1])
    assert result[1].abstract.startswith(snippets[1][:40])
    assert all(len(snippet) <= search.SNIPPET_CHARS for snippet in snippets)


def test_a_thousand_papers_have_their_snippets_in_two_files():
    paper = papers(SEED)[0]
    many = search.snippets_json([paper] * 1_000)
    assert len(many) == search.snippet_files(1_000) == 2
    assert search.snippet_files(1_001) == 3


def test_terms_found_before_are_taken_from_the_memo_and_give_the_same_index():
    result = papers(*sorted(CORPUS_JSON.iterdir())[:10])
    memo, computed = {}, []

    def remember(key, compute):
        if key not in memo:
            computed.append(key)
            memo[key] = compute()
        return memo[key]

    first = search.build_search_index(result, budget=1_500_000, remember=remember)
    assert len(computed) == 4 * len(result)  # title, arXiv id, authors, abstract; tags anew
    computed.clear()
    again = search.build_search_index(result, budget=1_500_000, remember=remember)
    assert computed == []
    assert (again.index, again.documents) == (first.index, first.documents)
    assert first.index == search.build_search_index(result, budget=1_500_000).index
