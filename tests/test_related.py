"""Related papers: nearest by tf-idf cosine, stable, and kept between builds."""

import shutil

import pytest
from bs4 import BeautifulSoup
from conftest import CORPUS_JSON, CORPUS_TXT, EXAMPLE, ROOT, build_site, make_content
from pelican.settings import read_settings

from pelican.plugins.papershelf.archive import related as related_module
from pelican.plugins.papershelf.archive.related import related
from pelican.plugins.papershelf.builder.load import load_archive
from pelican.plugins.papershelf.config import Config, SettingsError

TEXTS = [
    "Diffusion models for video generation with temporal attention",
    "Reinforcement learning from human feedback for language model alignment",
    "Temporal attention makes video diffusion models consistent across frames",
    "Language model alignment with preference optimization instead of reinforcement learning",
    "A survey of graph neural networks for molecules",
]
NO_TAGS = [frozenset()] * len(TEXTS)


def test_the_nearest_paper_shares_the_most_telling_words():
    nearest = related(TEXTS, NO_TAGS, count=1)
    assert nearest == [(2,), (3,), (0,), (1,), ()]  # the last shares no word with any other


def test_a_paper_is_never_its_own_relation_and_lists_are_the_same_every_time():
    nearest = related(TEXTS, NO_TAGS)
    assert all(i not in found for i, found in enumerate(nearest))
    assert related(TEXTS, NO_TAGS) == nearest


def test_equal_scores_are_broken_by_tags_in_common():
    # Three equal papers among others (a term in every paper would tell nothing).
    texts = ["sparse attention kernels"] * 3 + [f"unrelated{n} words{n}" for n in range(30)]
    tags = [frozenset({"efficiency"}), frozenset(), frozenset({"efficiency"})] + NO_TAGS * 6
    assert related(texts, tags)[0] == (2, 1)
    assert related(texts, [frozenset()] * len(texts))[0] == (1, 2)  # then the archive's order


def test_tiny_archives_have_no_relations_rather_than_an_error():
    assert related([], []) == []
    assert related(["one paper"], [frozenset()]) == [()]
    assert related(["a b", "c d"], [frozenset()] * 2) == [(), ()]


@pytest.fixture(scope="module")
def corpus_archive(tmp_path_factory):
    content = make_content(
        tmp_path_factory.mktemp("related") / "content",
        *sorted(CORPUS_TXT.iterdir()),
        *sorted(CORPUS_JSON.iterdir()),
    )
    config = Config.from_settings(read_settings(str(ROOT / "pelicanconf.py")))
    return load_archive(str(content), config)


def test_on_the_real_corpus_most_related_papers_share_a_tag(corpus_archive):
    """59% when measured; a random paper shares a tag with a tagged one 29% of the time."""
    pairs = [
        (paper, other)
        for paper in corpus_archive.papers
        for other in corpus_archive.related.get(paper.key, ())
        if paper.tags
    ]
    five = [found for found in corpus_archive.related.values() if len(found) == 5]
    assert len(five) >= 0.95 * len(corpus_archive.papers)
    shared = sum(bool(set(p.tags) & set(o.tags)) for p, o in pairs) / len(pairs)
    assert shared > 0.5


def test_a_paper_page_links_its_related_papers(corpus_site):
    pages = sorted((corpus_site / "papers").glob("*/index.html"))[:20]
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        links = soup.select(".related li a")
        assert len(links) == 5, page
        for link in links:
            assert (page.parent / link["href"] / "index.html").resolve().is_file()


def test_a_note_edit_computes_no_relations_again(tmp_path, monkeypatch):
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    build_site(content, tmp_path / "output")
    before = (tmp_path / "output" / "papers.json").stat().st_mtime_ns

    def fail(*args, **kwargs):
        raise AssertionError("related papers computed again")

    monkeypatch.setattr(related_module, "related", fail)
    note = next((content / "notes").glob("*.md"))
    note.write_text(note.read_text(encoding="utf-8") + "\nOne more thought.\n", encoding="utf-8")
    build_site(content, tmp_path / "output")
    assert (tmp_path / "output" / "papers.json").stat().st_mtime_ns != before  # it did build


def test_the_vectors_are_scikit_learns_tfidf(corpus_archive):
    """tf-idf is counted with numpy (see related.py); scikit-learn's
    TfidfVectorizer, given the same words, computes the same vectors."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from pelican.plugins.papershelf import latex
    from pelican.plugins.papershelf.archive.related import MAX_SHARE, tfidf, words
    from pelican.plugins.papershelf.search.text import STOP_WORDS

    texts = [latex.plain(p.title) + "\n" + latex.plain(p.abstract) for p in corpus_archive.papers]
    ours, terms = tfidf(texts)
    reference = TfidfVectorizer(
        analyzer=lambda text: [w for w in words(text) if w not in STOP_WORDS],
        sublinear_tf=True,
        min_df=2,
        max_df=MAX_SHARE,
    )
    theirs = reference.fit_transform(texts)
    assert sorted(terms) == list(reference.get_feature_names_out())
    column = {term: number for number, term in enumerate(reference.get_feature_names_out())}
    ours = ours.tocoo()
    assert ours.nnz == theirs.nnz
    for row, col, weight in zip(ours.row, ours.col, ours.data, strict=True):
        assert weight == pytest.approx(theirs[row, column[terms[col]]], rel=1e-5)


def test_a_setting_shows_fewer_related_papers_or_none_and_computes_none(tmp_path, monkeypatch):
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)

    def related_links(output):
        pages = sorted((output / "papers").glob("*/index.html"))
        soups = [BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser") for p in pages]
        return [len(soup.select(".related li a")) for soup in soups]

    build_site(content, tmp_path / "two", PAPERSHELF_RELATED_PAPERS=2)
    assert set(related_links(tmp_path / "two")) == {2}

    def fail(*args, **kwargs):
        raise AssertionError("related papers computed")

    monkeypatch.setattr(related_module, "related", fail)
    build_site(content, tmp_path / "none", PAPERSHELF_RELATED_PAPERS=0)
    assert set(related_links(tmp_path / "none")) == {0}
    page = next((tmp_path / "none" / "papers").glob("*/index.html")).read_text(encoding="utf-8")
    assert "Related papers" not in page


@pytest.mark.parametrize("value", [-1, "5", True])
def test_a_count_of_related_papers_that_is_no_count_is_refused(value):
    with pytest.raises(SettingsError, match=r"PAPERSHELF_RELATED_PAPERS = .*give a number"):
        Config.from_settings({"PAPERSHELF_RELATED_PAPERS": value})
