"""The search files: normalisation, the sharded index and what results show.

Queries and scores are compared with lunr.js itself in test_search_shards.py;
here the files are read back in Python (`read_index` below is the format's
reader) and checked against the papers they were made of."""

import json
import random
import re
from array import array

import pytest
from conftest import DATA, SEED
from hypothesis import given
from hypothesis import strategies as st

from pelican.plugins.papershelf import archive, search
from pelican.plugins.papershelf.archive.model import Curator, Note
from pelican.plugins.papershelf.config import Config
from pelican.plugins.papershelf.read.listing import read_listing
from pelican.plugins.papershelf.search import index as sharded
from pelican.plugins.papershelf.search.text import STOP_WORDS, Vocabulary, stem, stems
from pelican.plugins.papershelf.site.layout import lay_out


def built(*paths):
    entries = [e for path in paths for e in read_listing(path)[0]]
    return archive.build(entries)


def shown(result) -> list:
    """The papers as the search index is given them: records, newest first."""
    return list(lay_out(result, Config()).papers.values())


def read_index(files: dict[str, str]) -> dict:
    """Every term of the shards: {term: (lunr's number, {field: {ref: weight}})},
    each shard's terms checked to be in its manifest range."""
    manifest = json.loads(files["index.json"])
    fields = list(manifest["fields"])
    terms = {}
    for n, first in enumerate(manifest["terms"]):
        shard = json.loads(files[f"terms/{n}.json"])
        numbers, at = shard["numbers"], 0
        assert shard["keys"][0] == first
        for term in shard["keys"]:
            number, count = numbers[at : at + 2]
            at += 2
            postings = {}
            for _ in range(count):
                field, papers_with = numbers[at : at + 2]
                at += 2
                ref, weights = 0, {}
                for _ in range(papers_with):
                    ref += numbers[at]
                    weights[ref] = numbers[at + 1] / 1000
                    at += 2
                postings[fields[field]] = weights
            terms[term] = (number, postings)
        assert at == len(numbers)
    return terms


def read_words(files: dict[str, str]) -> dict[str, tuple[str, int]]:
    """Every word as written: {word: (its term, fields of papers with the term)}."""
    manifest = json.loads(files["index.json"])
    found = {}
    for n in range(len(manifest["words"])):
        shard = json.loads(files[f"words/{n}.json"])
        for k, word in enumerate(shard["keys"]):
            spelled, count = shard["numbers"][2 * k : 2 * k + 2]
            found[word] = (word[:spelled] if isinstance(spelled, int) else spelled, count)
    return found


@pytest.fixture(scope="module")
def seed_and_hostile():
    result = built(SEED, DATA / "hostile" / "2026-05-08.txt")
    return shown(result), search.index_archive(result).files


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


@given(st.text(alphabet="ab1_ -.,()é注'\"*\u00a0\t", max_size=16) | st.text(max_size=40))
def test_a_word_is_a_piece_between_spaces_and_hyphens_trimmed_to_letters_and_digits(text):
    pieces = search.normalise(text).replace("-", " ").split(" ")
    trimmed = [re.sub(r"^[\W_]+|[\W_]+$", "", piece) for piece in pieces]
    assert search.words(text) == [word for word in trimmed if word]


@pytest.mark.parametrize(
    ("word", "expected"),
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
def test_words_are_stemmed_as_lunr_js_stems_them(word, expected):
    assert stem(word) == expected


def test_every_word_of_every_field_finds_its_paper(seed_and_hostile):
    result, files = seed_and_hostile
    terms = read_index(files)
    missing = [
        (n, field, word)
        for n, paper in enumerate(result)
        for field in search.FIELDS
        for word in search.paper_words(paper, field)
        if (field == "authors" or word not in STOP_WORDS)
        and n not in terms[stem(word)][1].get(field, {})
    ]
    assert missing == []
    assert sum(len(search.paper_words(p, "abstract")) for p in result) > 5_000


def test_family_names_that_are_stop_words_are_indexed_in_names_only():
    result = built(SEED)
    result.papers[0].authors = ("Kaiming He", "Shuai An", "Ran You")
    terms = read_index(search.index_archive(result).files)
    for name in ("he", "an", "you"):
        assert set(terms[name][1]) == {"authors"}
        assert set(terms[name][1]["authors"]) == {0}


def test_note_summaries_are_indexed():
    result = built(SEED)
    note = Note("notes/a.md", 1, "x", "curator", None, (), "Quokkaformers explained", "body")
    note.curator_page = Curator("curator", "")
    result.papers[3].notes.append(note)
    result.curators.append(note.curator_page)
    terms = read_index(search.index_archive(result).files)
    assert terms[stem("quokkaformers")][1] == {"notes": {3: pytest.approx(10.0, abs=10)}}


def test_terms_are_in_javascript_string_order_in_shards_of_bounded_size(seed_and_hostile):
    _, files = seed_and_hostile
    terms = list(read_index(files))
    utf16 = [term.encode("utf-16-be") for term in terms]
    assert utf16 == sorted(utf16)
    manifest = json.loads(files["index.json"])
    assert len(manifest["terms"]) > 3
    for n in range(len(manifest["terms"])):
        shard = json.loads(files[f"terms/{n}.json"])
        one_term = len(shard["keys"]) == 1
        assert one_term or len(files[f"terms/{n}.json"]) <= sharded.SHARD_BYTES * 1.3


def test_lunr_numbers_terms_in_the_order_they_are_first_seen(seed_and_hostile):
    result, files = seed_and_hostile
    seen = {}
    for paper in result:
        for field in search.FIELDS:
            for term in sharded.field_terms(field, search.paper_words(paper, field), stems()):
                seen.setdefault(term, len(seen))
    assert {term: number for term, (number, _) in read_index(files).items()} == seen


def test_words_lead_to_their_terms_and_are_prefixes_as_written(seed_and_hostile):
    _, files = seed_and_hostile
    found = read_words(files)
    assert found["generalization"][0] == found["generation"][0] == "gener"
    assert found["generative"][0] == "gener"
    assert found["general"][0] == "gener"
    terms = read_index(files)
    assert all(term in terms for term, _ in found.values())
    _, postings = terms["gener"]
    assert found["generation"][1] == sum(map(len, postings.values()))


def test_results_show_what_list_pages_show(seed_and_hostile):
    result, files = seed_and_hostile
    manifest = json.loads(files["index.json"])
    size = manifest["papersPerBlock"]
    blocks = [json.loads(files[f"papers/{n}.json"]) for n in range(-(-len(result) // size))]
    shown = [paper for block in blocks for paper in block]
    assert len(shown) == len(result)
    tulu = next(n for n, p in enumerate(result) if p.title.startswith("TÜLU"))
    url, title, date, label, tags, upvotes, authors, count, abstract = shown[tulu]
    assert (url, title) == (
        result[tulu].url,
        "TÜLU 3: Pushing Frontiers in Open Language Model Post-Training",
    )
    day = result[tulu].date
    assert (date, label) == (day.isoformat(), f"{day:%B} {day.day}, {day.year}")
    assert [manifest["tags"][n] for n in tags] == [[t.name, t.url] for t in result[tulu].tags]
    paper = result[tulu]
    assert (upvotes, count) == (paper.upvotes, len(paper.authors) or paper.authors_count)
    assert authors == list(paper.authors[:3])
    assert abstract.startswith("Language model post-training")
    assert "we introduce TÜLU 3, a family" in abstract  # LaTeX as text
    assert "  " not in abstract


def test_a_year_is_a_run_of_refs_and_each_tag_lists_its_papers(seed_and_hostile):
    result, files = seed_and_hostile
    manifest = json.loads(files["index.json"])
    runs = manifest["years"]
    for (year, start), end in zip(runs, [r[1] for r in runs[1:]] + [len(result)], strict=True):
        assert {p.date.year for p in result[start:end]} == {year}
    tags = json.loads(files["tags.json"])
    for (name, _), differences in zip(manifest["tags"], tags, strict=True):
        refs = [sum(differences[: i + 1]) for i in range(len(differences))]
        assert refs == [n for n, p in enumerate(result) if name in {t.name for t in p.tags}]


@given(st.lists(st.text(alphabet="ab1_ -.,()é注'\"*\u00a0", max_size=12), max_size=6))
def test_the_vocabulary_numbers_the_words_of_a_text_and_nothing_else(texts):
    vocabulary, numbers = Vocabulary(), array("i")
    for text in texts:
        start = len(numbers)
        pieces = vocabulary.extend(numbers, search.normalise(text))
        assert pieces == len(numbers) - start
        found = [vocabulary.words[n] for n in numbers[start:] if n >= 0]
        assert found == search.words(text)
    assert len(set(vocabulary.words)) == len(vocabulary.words)


def test_terms_beyond_u_ffff_are_in_javascript_order_too():
    """U+20000 is two UTF-16 code units from U+D840: before U+FA0E in JavaScript."""
    vocabulary, numbers, pieces = Vocabulary(), array("i"), array("i")
    texts = {"title": "\ufa0e \U00020000 zeta", "abstract": "\ufa0f alpha"}
    for field in sharded.FIELDS:
        pieces.append(vocabulary.extend(numbers, search.normalise(texts.get(field, ""))))
    files = sharded.build_shards(vocabulary.words, numbers, pieces, stems()).files
    for kind in ("terms", "words"):
        keys = json.loads(files[f"{kind}/0.json"])["keys"]
        assert keys == sorted(keys, key=lambda key: key.encode("utf-16-be", "surrogatepass"))
        assert keys.index("zeta") < keys.index("\U00020000") < keys.index("\ufa0e")


def test_words_known_from_an_earlier_build_give_the_files_of_a_fresh_one():
    papers = shown(built(SEED))
    tag_urls = {tag.name: tag.url for paper in papers for tag in paper.tags}

    def index(some, known=None):
        searched = [search.searched(paper) for paper in some]
        return search.build_search_index(searched, [()] * len(some), tag_urls, known)

    earlier = index(papers[5:])
    later = papers[:-3]  # five papers more, three gone
    known = index(later, earlier.known)
    assert known.files == index(later).files
    assert known.known.papers.keys() == {paper.source for paper in later}
    again = index(later, known.known)
    assert again.files == known.files
    assert again.known is known.known  # nothing new: the cache keeps it as it is
    assert index(papers[:1], known.known).known is None  # most words gone: start afresh


def test_weights_computed_a_few_postings_at_a_time_are_those_of_all_at_once(monkeypatch):
    result = built(SEED)
    files = search.index_archive(result).files
    monkeypatch.setattr(sharded, "_PART", 7)
    assert search.index_archive(result).files == files


def test_the_index_is_the_same_whatever_the_order_words_were_first_stemmed_in():
    result = built(SEED)
    files = search.index_archive(result).files
    shuffled = dict(stems())
    stems().clear()
    keys = list(shuffled)
    random.Random(4).shuffle(keys)
    for key in keys:
        stems()[key]
    assert search.index_archive(result).files == files


def test_the_summary_counts_terms_postings_and_files(seed_and_hostile):
    summary = search.index_archive(built(SEED)).summary
    assert re.fullmatch(
        r"search index of \d+ papers: [\d,]+ terms, [\d,]+ postings, \d+ files, [\d.]+ MB", summary
    )
