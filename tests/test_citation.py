"""Citing a paper: BibTeX entries read back by a real parser, and the meta tags
that Zotero and Google Scholar read."""

import dataclasses
import datetime as dt
import json

import bibtexparser
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware
from bs4 import BeautifulSoup
from conftest import CORPUS_JSON, build_site, make_content

from pelican.plugins.papershelf.archive import build
from pelican.plugins.papershelf.archive.identity import citation_key
from pelican.plugins.papershelf.archive.model import Entry
from pelican.plugins.papershelf.config import Config
from pelican.plugins.papershelf.site import records
from pelican.plugins.papershelf.site.citation import bibtex
from pelican.plugins.papershelf.site.links import paper_links


def parsed(text: str) -> bibtexparser.Library:
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks, [block.error for block in library.failed_blocks]
    return library


def fields(entry) -> dict:
    return {field.key: field.value for field in entry.fields}


def a_paper(**changes) -> records.Paper:
    paper = records.Paper(
        key="2411.15124",
        slug="tulu-3",
        url="papers/tulu-3/",
        title='T\\"ULU 3: Pushing Frontiers in Open Language Model Post-Training',
        abstract="",
        date=dt.date(2024, 11, 22),
        dated=True,
        authors=("Nathan Lambert", "Jacob Morrison"),
        authors_count=24,
        upvotes=7,
        arxiv_id="2411.15124",
        keywords=(),
        cite_key="lambert2024tulu",
        sightings=(),
        links=(),
        source=b"",
        author_urls=("", ""),
        tags=(),
        note_count=0,
    )
    paper = dataclasses.replace(paper, **changes)
    return dataclasses.replace(paper, links=tuple(paper_links(paper.arxiv_id, ())))


def test_an_arxiv_paper_is_a_misc_entry_with_its_eprint():
    text = bibtex(a_paper(), "")
    assert '{T{\\"U}LU}' in text  # one letter to BibTeX, its case kept
    [entry] = parsed(text).entries
    assert (entry.entry_type, entry.key) == ("misc", "lambert2024tulu")
    assert fields(entry) == {
        "title": "TÜLU 3: Pushing Frontiers in Open Language Model Post-Training",
        "author": "Nathan Lambert and Jacob Morrison and others",  # 24 authors, 2 listed
        "year": "2024",
        "month": "nov",
        "eprint": "2411.15124",
        "archivePrefix": "arXiv",
        "url": "https://arxiv.org/abs/2411.15124",
    }


def test_tex_specials_are_escaped_and_read_back_as_written():
    title = "50\\% of {LLMs} \\& R\\&D: $O(n^2)$ for ``all'' #1_a ~x Ψ"
    text = bibtex(a_paper(title=title, authors=("Jörg Müller", "AI and Society Lab")), "")
    assert "{\\%}" in text
    assert "{\\&}" in text
    assert "{\\{}" in text
    assert "{\\#}" in text
    assert "$O(n^2)$" in text  # math as written
    assert '{\\"o}' in text  # Jörg, for BibTeX as well as biber
    entry = fields(parsed(text).entries[0])
    assert entry["title"] == "50% of {LLMs} & R&D: $O(n^2)$ for “all” #1_a ~x Ψ"
    # One author whose name holds " and " stays one author.
    assert entry["author"] == "Jörg Müller and AI and Society Lab and others"
    assert "{AI and Society Lab}" in text


def test_words_with_capitals_inside_keep_their_case():
    text = bibtex(a_paper(title="DeepSeek-R1 beats GPT-4o on MMLU"), "")
    assert "title = {{DeepSeek-R1} beats {GPT-4o} on {MMLU}}" in text


def test_unbalanced_braces_in_math_are_escaped_not_copied():
    text = bibtex(a_paper(title="A $\\{x$ bound"), "")
    parsed(text)  # still one valid entry
    assert "$\\{x$" not in text


def test_a_paper_with_only_an_author_count_still_gets_a_valid_entry():
    paper = a_paper(authors=(), authors_count=11, arxiv_id=None, cite_key="df402024")
    [entry] = parsed(bibtex(paper, "https://you.github.io/archive/papers/df40/")).entries
    assert "author" not in fields(entry)
    assert "eprint" not in fields(entry)
    assert fields(entry)["url"] == "https://you.github.io/archive/papers/df40/"


def test_a_paper_without_arxiv_id_links_its_code_or_else_its_page():
    code = a_paper(arxiv_id=None)
    code = dataclasses.replace(code, links=tuple(paper_links(None, ("https://github.com/a/b",))))
    assert (
        fields(parsed(bibtex(code, "https://x/p/")).entries[0])["url"] == "https://github.com/a/b"
    )
    assert "url" not in fields(parsed(bibtex(a_paper(arxiv_id=None), "")).entries[0])


@pytest.mark.parametrize(
    ("authors", "title", "key"),
    [
        (("Nathan Lambert",), 'T\\"ULU 3: Pushing Frontiers', "lambert2024tulu"),
        (("Jörg Müller",), "The Art of Scaling", "muller2024art"),
        (("Yi Li", "X"), "On the Towards of a", "li2024"),
        ((), "DF40: Toward Next-Generation", "df402024"),
        ((), "", "paper2024"),
    ],
)
def test_citation_keys_follow_google_scholar(authors, title, key):
    assert citation_key(authors, 2024, title) == key


def entry(title, authors, day, arxiv_id=None, listing="2024-05-01.json"):
    date = dt.date(2024, 5, day)
    return Entry(title, "An abstract.", date, True, authors, len(authors), 1, arxiv_id,
                 listing=listing, snapshot=date, line=day)  # fmt: skip


def test_keys_are_unique_and_the_first_paper_seen_keeps_the_plain_one():
    first = entry("Scaling Laws for Everything", ("Ada Smith",), 1, "2405.00001")
    later = entry("Scaling Laws for Nothing", ("Bob Smith",), 2, "2405.00002")
    both = build([later, first], Config())
    keys = {p.arxiv_id: p.cite_key for p in both.papers}
    assert keys["2405.00001"] == "smith2024scaling"
    assert keys["2405.00002"].startswith("smith2024scaling-")
    # The same archive gives the same keys, whatever order its listings come in.
    assert {p.arxiv_id: p.cite_key for p in build([first, later], Config()).papers} == keys
    # A paper that comes later never takes an earlier paper's key.
    alone = build([first], Config())
    assert alone.papers[0].cite_key == keys["2405.00001"]


@pytest.fixture(scope="module")
def cited_site(tmp_path_factory):
    base = tmp_path_factory.mktemp("cited")
    make_content(base / "content", *sorted(CORPUS_JSON.iterdir())[:12])
    return build_site(
        base / "content",
        base / "output",
        RELATIVE_URLS=False,
        SITEURL="https://you.github.io/archive",
    )


def test_papers_bib_holds_every_paper_once_under_a_unique_key(cited_site):
    library = parsed((cited_site / "papers.bib").read_text(encoding="utf-8"))
    papers = json.loads((cited_site / "papers.json").read_text(encoding="utf-8"))["papers"]
    assert len(library.entries) == len(papers)
    assert len({e.key for e in library.entries}) == len(library.entries)
    by_title = {fields(e)["title"]: fields(e) for e in library.entries}
    for paper in papers:
        if paper["arxiv_id"]:
            assert any(f.get("eprint") == paper["arxiv_id"] for f in by_title.values())
    for entry in library.entries:
        assert {"title", "year", "month", "url"} <= fields(entry).keys()


def test_each_tag_has_a_bibliography_of_its_own_papers(cited_site):
    soup = BeautifulSoup((cited_site / "tags" / "index.html").read_text(), "html.parser")
    tag_url = soup.select_one(".tag-counts a")["href"]
    tag_folder = cited_site / tag_url.removeprefix("https://you.github.io/archive/")
    tag_page = BeautifulSoup((tag_folder / "index.html").read_text(), "html.parser")
    count = int(tag_page.select_one("p.count").get_text().split()[0])
    assert tag_page.find("a", string="BibTeX")["href"].endswith("/papers.bib")
    library = parsed((tag_folder / "papers.bib").read_text(encoding="utf-8"))
    assert len(library.entries) == count


def test_a_paper_page_carries_its_entry_and_the_citation_meta_tags(cited_site):
    papers = json.loads((cited_site / "papers.json").read_text(encoding="utf-8"))["papers"]
    paper = next(p for p in papers if p["arxiv_id"] and len(p["authors"]) > 2)
    folder = cited_site / paper["url"].removeprefix("https://you.github.io/archive/")
    soup = BeautifulSoup((folder / "index.html").read_text(), "html.parser")

    def meta(name):
        return [tag["content"] for tag in soup.find_all("meta", attrs={"name": name})]

    assert meta("citation_title") == [soup.h1.get_text()]
    assert meta("citation_author") == paper["authors"]
    assert meta("citation_publication_date") == [paper["date"].replace("-", "/")]
    assert meta("citation_arxiv_id") == [paper["arxiv_id"]]
    assert meta("citation_pdf_url") == [f"https://arxiv.org/pdf/{paper['arxiv_id']}"]
    [entry] = parsed(soup.find("pre", id="bibtex").get_text()).entries
    assert fields(entry)["eprint"] == paper["arxiv_id"]
    assert fields(entry)["author"].split(" and ")[:2] == paper["authors"][:2]
