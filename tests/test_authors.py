"""Author pages: one per author named on enough papers, linked from their names."""

from bs4 import BeautifulSoup
from conftest import CORPUS_JSON, build_site, make_content, nu_problems

from pelican.plugins.papershelf.archive.identity import claim_slug, short_hash


def page(site, path):
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def author_links(soup) -> dict[str, str]:
    return {a.get_text(): a["href"] for a in soup.select(".authors a")}


def test_an_author_of_two_papers_has_a_page_that_lists_them(corpus_site):
    author = page(corpus_site, "authors/xiangxiang-chu/index.html")
    assert author.h1.get_text() == "Xiangxiang Chu"
    listed = [a["href"] for a in author.select(".paper-item-title a")]
    assert len(listed) == 7  # the corpus has seven of their papers, newest first
    dates = [t["datetime"] for t in author.select(".paper-item-meta time")]
    assert dates == sorted(dates, reverse=True)
    for href in listed:  # each of those papers links back to the author
        paper = page(corpus_site, "authors/xiangxiang-chu/" + href + "index.html")
        assert author_links(paper)["Xiangxiang Chu"] == "../../authors/xiangxiang-chu/"


def test_names_link_to_author_pages_on_lists_and_paper_pages_where_there_is_one(corpus_site):
    pages = list((corpus_site / "authors").glob("*/index.html"))
    names: set[str] = set()
    for paper in (corpus_site / "papers").glob("*/index.html"):
        soup = page(corpus_site, paper.relative_to(corpus_site))
        shown = soup.select_one("p.authors")
        if shown is None:
            continue
        linked = author_links(soup)
        names.update(linked.values())
        assert all(href.startswith("../../authors/") for href in linked.values())
    assert len(pages) == len(names) == 512  # every author of two papers or more, linked
    day = page(corpus_site, "dates/2026/03/02/index.html")
    assert any(author_links(item) for item in day.select(".paper-item"))


def test_author_pages_can_be_turned_off_or_given_to_authors_of_one_paper(tmp_path):
    content = make_content(tmp_path / "content", *sorted(CORPUS_JSON.iterdir())[:3])
    off = build_site(content, tmp_path / "off" / "output", PAPERSHELF_AUTHOR_SAVE_AS="")
    assert not (off / "authors").exists()
    assert "/authors/" not in "".join(p.read_text() for p in off.rglob("*.html"))
    every = build_site(content, tmp_path / "every" / "output", PAPERSHELF_AUTHOR_MIN_PAPERS=1)
    paper = next((every / "papers").glob("*/index.html"))
    soup = page(every, paper.relative_to(every))
    names = soup.select_one("p.authors").get_text()
    assert len(author_links(soup)) == len(names.split(", ")) > 1


def test_a_taken_slug_gets_a_hash_of_the_first_distinction_that_frees_it():
    taken: set[str] = set()
    assert claim_slug("c", taken, "c++") == "c"  # first come, plain slug
    second = claim_slug("c", taken, "c#", "tag two")
    assert second == "c-" + short_hash("c#")
    third = claim_slug("c", taken, "c#", "tag three")
    assert third == "c-" + short_hash("tag three")
    assert taken == {"c", second, third}


def test_author_pages_and_linked_names_are_valid_html(corpus_site):
    papers = sorted((corpus_site / "papers").glob("*/index.html"))[:3]
    day = corpus_site / "dates" / "2026" / "03" / "02" / "index.html"
    pages = [corpus_site / "authors" / "xiangxiang-chu" / "index.html", day, *papers]
    assert nu_problems(pages) == []
