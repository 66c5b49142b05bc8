"""Sharded equals whole: hundreds of queries run through the search worker's
own code over the shards of a built site give the refs, order and scores that
lunr.js gives over the whole index, as lunr's own Builder makes it of the same
terms; and each query fetches only the shards its terms fall into."""

import json
import random
import shutil
import subprocess

import pytest
from conftest import CORPUS_JSON, DATA, EXAMPLE, ROOT, SEED, THEME, build_site, make_content
from pelican.settings import read_settings

from pelican.plugins.papershelf.builder.load import load_archive
from pelican.plugins.papershelf.config import Config
from pelican.plugins.papershelf.search import FIELDS, paper_words
from pelican.plugins.papershelf.search.index import field_terms, shard_of
from pelican.plugins.papershelf.search.text import stems
from pelican.plugins.papershelf.site.layout import lay_out

NODE = shutil.which("node")
HARNESS = ROOT / "tests" / "js" / "search_parity.js"
FIXED_QUERIES = [
    "he",
    "kaiming he",
    "an ",
    "video generation",
    "video generation ",
    "video gen",
    "diffusion tra",
    "self-train",
    "tulu",
    "cafe",
    "注意",
    "zzzz",
    "+the",
    "-model",
    "model -diffusion",
    "model^3 agent",
    "author:song",
    "title:diffusion language",
    "tag:video",
    "diffus*",
    "quokkaformers",
    "2602.22661",
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    if not NODE:
        pytest.fail("the sharded-equals-whole test runs lunr.js in node: install nodejs")
    base = tmp_path_factory.mktemp("shards")
    content = make_content(
        base / "content", SEED, *sorted(CORPUS_JSON.iterdir()), DATA / "hostile" / "2026-05-08.txt"
    )
    shutil.copytree(EXAMPLE / "notes", content / "notes")
    (content / "notes" / "quokka.md").write_text(
        "Paper: 2602.22661\nCurator: A. Reader\nSummary: Quokkaformers, <b>explained</b>\n\n"
        "A note.\n",
        encoding="utf-8",
    )
    output = build_site(content, base / "output")
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content)})
    config = Config.from_settings(settings)
    layout = lay_out(load_archive(str(content), config), config)
    papers = list(layout.papers.values())
    summaries = {key: tuple(note.summary for note in notes) for key, notes in layout.notes.items()}
    return base, output, papers, summaries


def sampled_queries(papers, count: int = 80, seed: int = 7) -> list[str]:
    """Words and pairs of words from abstracts, as typed and as finished,
    starts of words, family names, a field, a word left out."""
    chosen = random.Random(seed)
    queries = []
    for paper in chosen.sample(papers, count):
        abstract = paper_words(paper, "abstract")
        word = chosen.choice(abstract)
        at = chosen.randrange(len(abstract) - 1)
        queries += [word, word + " ", word[:3], " ".join(abstract[at : at + 2])]
        if paper.authors:
            family = paper.authors[0].split()[-1]
            queries += [family, f"author:{family} "]
        title = paper_words(paper, "title")
        queries.append(f"{title[0]} -{chosen.choice(abstract)} ")
    return queries


def test_sharded_search_equals_lunr_over_the_whole_index(corpus):
    base, output, papers, summaries = corpus
    queries = [*FIXED_QUERIES, *sampled_queries(papers)]
    answers = list(answers_for(base, output, papers, queries, summaries).values())
    assert len(answers) == len(set(queries)) > 400
    assert [a["text"] for a in answers if a["sharded"] != a["whole"]] == []
    assert sum(len(a["whole"]) for a in answers) > 10_000
    assert sum(1 for a in answers if a["whole"]) > 0.75 * len(answers)

    manifest = json.loads((output / "search" / "index.json").read_text())
    for answer in answers:  # a first query: the manifest, its words' shards, its terms' shards
        terms = {term for clause in answer["clauses"] for term in clause}
        shards = {f"terms/{shard_of(manifest['terms'], term)}.json" for term in terms}
        fetched = set(answer["fetched"])
        assert {f for f in fetched if f.startswith("terms/")} == shards, answer["text"]
        assert len([f for f in fetched if f.startswith("words/")]) <= 2


def test_a_word_being_typed_is_a_prefix_as_written_and_its_expansions_are_capped(corpus):
    base, output, papers, summaries = corpus
    by_text = answers_for(base, output, papers, ["video generation", "video gen", "tr"], summaries)
    assert by_text["video generation"]["clauses"] == [["video"], ["gener"]]
    expansions = by_text["video gen"]["clauses"][1]
    assert expansions[0] == "gen"  # the word's own term first, then the commonest
    assert "gener" in expansions
    assert "generalist" in expansions
    assert len(expansions) <= 12
    assert by_text["tr"]["clauses"] == [["tr"]]  # too short to stand for every word in tr…


def test_stop_words_rank_names_and_exclude_nothing(corpus):
    base, output, papers, summaries = corpus
    by_text = answers_for(base, output, papers, ["diffusion ", "the diffusion "], summaries)
    assert by_text["the diffusion "]["whole"]
    assert {ref for ref, _ in by_text["the diffusion "]["whole"]} == {
        ref for ref, _ in by_text["diffusion "]["whole"]
    }


def answers_for(base, output, papers, queries, summaries=None) -> dict[str, dict]:
    """Each query's clauses (their terms), its answer over the shards and over
    the whole index ([ref, score], best first), and the files it fetched.
    `summaries`: the note summaries of papers, by key."""
    summaries = summaries or {}
    documents = [
        {
            field: field_terms(field, paper_words(p, field, summaries.get(p.key, ())), stems())
            for field in FIELDS
        }
        for p in papers
    ]
    (base / "terms.json").write_text(json.dumps(documents), encoding="utf-8")
    (base / "queries.json").write_text(json.dumps(queries), encoding="utf-8")
    run = subprocess.run(
        [NODE, str(HARNESS), str(THEME / "static" / "js"), str(output / "search"),
         str(base / "terms.json"), str(base / "queries.json")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    return {answer["text"]: answer for answer in json.loads(run.stdout)}


@pytest.mark.parametrize(
    ("query", "clauses"),
    [
        ("diffusion model ", [["diffusion", 2, None, False, 1], ["model", 2, None, False, 1]]),
        ("diffusion mod", [["diffusion", 2, None, False, 1], ["mod", 2, None, True, 1]]),
        ("-video diffusion ", [["video", 3, None, False, 1], ["diffusion", 2, None, False, 1]]),
        ("author:song ", [["song", 2, ["authors"], False, 1]]),
        (
            "title:self-training ",
            [["self", 2, ["title"], False, 1], ["training", 2, ["title"], False, 1]],
        ),
        ("diffus* model^3 ", [["diffus", 2, None, True, 1], ["model", 2, None, False, 3]]),
        ("model~1 ", [["model", 2, None, False, 1]]),
        ("he kaiming ", [["he", 1, ["authors"], False, 1], ["kaiming", 2, None, False, 1]]),
        ("+he kaiming ", [["he", 2, ["authors"], False, 1], ["kaiming", 2, None, False, 1]]),
        ("memory than", [["memory", 2, None, False, 1], ["than", 1, None, True, 1]]),
        # Too short to be a prefix: while typed, a word that ranks and excludes nothing.
        ("tr", [["tr", 1, None, False, 1]]),
        ("diffusion tr", [["diffusion", 2, None, False, 1], ["tr", 1, None, False, 1]]),
        ("diffusion +tr", [["diffusion", 2, None, False, 1], ["tr", 2, None, False, 1]]),
        ("diffusion -tr", [["diffusion", 2, None, False, 1], ["tr", 3, None, False, 1]]),
    ],
)
def test_queries_are_read_as_lunr_reads_them(query, clauses):
    """[word, presence (1 optional, 2 required, 3 left out), fields, being
    typed, boost] of each clause, for a query as the reader types it."""
    assert parsed(query, done=False) == clauses


@pytest.mark.parametrize(
    ("query", "clauses"),
    [
        ("diffusion mod", [["diffusion", 2, None, False, 1], ["mod", 2, None, True, 1]]),
        ("diffusion tr", [["diffusion", 2, None, False, 1], ["tr", 2, None, False, 1]]),
        ("tr", [["tr", 2, None, False, 1]]),
    ],
)
def test_a_query_submitted_keeps_its_prefix_and_needs_its_short_last_word(query, clauses):
    assert parsed(query, done=True) == clauses


def parsed(query: str, done: bool) -> list:
    if not NODE:
        pytest.fail("the worker's code runs in node: install nodejs")
    script = (
        f"global.lunr = require({json.dumps(str(THEME / 'static/js/lunr.min.js'))});"
        f"const w = require({json.dumps(str(THEME / 'static/js/search-worker.js'))});"
        "const fields = ['title', 'tags', 'arxiv', 'authors', 'notes', 'abstract'];"
        "const [q, done] = JSON.parse(process.argv[1]);"
        "console.log(JSON.stringify(w.parse(q, fields, done).map("
        "c => [c.word, c.presence, c.fields, c.prefix, c.boost])));"
    )
    run = subprocess.run(
        [NODE, "-e", script, json.dumps([query, done])], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_an_archive_without_papers_has_an_index_that_finds_nothing(tmp_path):
    content = tmp_path / "content"
    (content / "listings").mkdir(parents=True)
    (content / "listings" / "2026-01-01.json").write_text("[]", encoding="utf-8")
    output = build_site(content, tmp_path / "output")
    manifest = json.loads((output / "search" / "index.json").read_text())
    assert (manifest["papers"], manifest["terms"], manifest["words"]) == (0, [], [])
    answers = answers_for(tmp_path, output, [], ["diffusion", "model ", "he"])
    assert [(a["sharded"], a["whole"], a["fetched"]) for a in answers.values()] == [
        ([], [], ["index.json"])
    ] * 3
