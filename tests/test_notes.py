"""Curators' notes: reading, validation, attachment, rendering and pages."""

import shutil
import textwrap
import urllib.parse

import pytest
from bs4 import BeautifulSoup
from conftest import EXAMPLE, ROOT, SEED, build_site

from pelican.plugins.papershelf import archive
from pelican.plugins.papershelf.cli import main
from pelican.plugins.papershelf.config import Config
from pelican.plugins.papershelf.read.listing import read_listing
from pelican.plugins.papershelf.read.notes import new_note_url, parse_note, source_url


def note(text):
    return parse_note(textwrap.dedent(text).lstrip(), "notes/n.md", "n")


def messages(text):
    return [str(p) for p in note(text)[1]]


def seed_archive(*texts):
    notes = [
        parse_note(textwrap.dedent(t).lstrip(), f"notes/{i}.md", str(i))[0]
        for i, t in enumerate(texts)
    ]
    return archive.build(read_listing(SEED)[0], Config(), notes=notes)


def test_a_note_has_a_header_and_markdown():
    parsed, problems = note("""
        Paper: 2411.15124
        Curator: Ada
        Date: 2025-12-20
        Tags: post-training, open models
        Summary: Worth it.

        The **text**.
    """)
    assert problems == []
    assert (parsed.paper_ref, parsed.curator, parsed.date.isoformat()) == (
        "2411.15124",
        "Ada",
        "2025-12-20",
    )
    assert parsed.tags == ("post-training", "open models")
    assert (parsed.summary, parsed.body, parsed.line) == ("Worth it.", "The **text**.\n", 1)


def test_every_problem_in_a_header_is_reported_at_its_line():
    assert messages("""
        Paper: DF40
        Tgas: deepfakes
        Date: 20/12/2025

        Text.
    """) == [
        "notes/n.md:2: unknown metadata key 'Tgas' (did you mean Tags:?); known keys: "
        "Curator, Date, Paper, Summary, Tags",
        "notes/n.md:1: missing Curator: (required)",
        "notes/n.md:3: malformed date '20/12/2025': write YYYY-MM-DD",
    ]
    assert messages("Curator: Ada\n\nText.\n") == ["notes/n.md:1: missing Paper: (required)"]
    assert messages("Paper: x\nCurator: Ada\n") == [
        "notes/n.md:3: the note has no text after its header"
    ]


def test_an_unfinished_template_is_reported():
    assert messages("""
        Paper: x
        Curator: Your name
        Summary: One line that says what the paper is worth reading for.

        What does the paper show, and how convincingly? Then more.
    """) == [
        "notes/n.md:2: Curator: is still the template's placeholder",
        "notes/n.md:3: Summary: is still the template's placeholder",
        "notes/n.md:5: the note still has the template's text: write your own",
    ]


@pytest.mark.parametrize(
    "ref",
    [
        "self-training-a-survey",
        "Self-Training: A Survey",
        "self-training: a survey  ",
    ],
)
def test_a_note_finds_its_paper_by_slug_or_title(ref):
    result = seed_archive(f"Paper: {ref}\nCurator: Ada\n\nText.\n")
    assert result.problems == []
    assert [p.slug for p in result.curated] == ["self-training-a-survey"]


def test_a_note_about_an_unknown_paper_names_the_closest_titles():
    result = seed_archive("Paper: Self Training Survey\nCurator: Ada\n\nText.\n")
    (problem,) = result.problems
    assert str(problem).startswith(
        "notes/0.md:1: no paper 'Self Training Survey' in the archive (give its arXiv id, "
        "slug or exact title); closest titles: 'Self-Training: A Survey'; "
    )
    assert str(problem).count("'; '") == 2


def test_notes_are_in_date_order_tag_their_paper_and_make_it_curated():
    result = seed_archive(
        "Paper: DF40: Toward Next-Generation Deepfake Detection\nCurator: Bo\nDate: 2025-12-21\nTags: forensics\n\nLater.\n",
        "Paper: df40-toward-next-generation-deepfake-detection\nCurator: Ada\nDate: 2025-12-20\n\nEarlier.\n",
        "Paper: MgNO: Efficient Parameterization of Linear Operators via Multigrid\nCurator: Ada\nDate: 2025-12-22\n\nNewest.\n",
    )
    df40 = result.by_slug["df40-toward-next-generation-deepfake-detection"]
    assert [n.curator for n in df40.notes] == ["Ada", "Bo"]
    assert "forensics" in [t.name for t in df40.tags]
    assert [p.title[:5] for p in result.curated] == ["MgNO:", "DF40:"]
    assert [(c.name, len(c.notes)) for c in result.curators] == [("Ada", 2), ("Bo", 1)]
    assert result.summary().endswith("3 notes attached, 0 errors")


def test_github_links_for_a_note_and_for_adding_one():
    result = seed_archive("Paper: self-training-a-survey\nCurator: Ada\n\nText.\n")
    config = Config(repo_url="https://github.com/me/archive")
    paper = result.curated[0]
    assert (
        source_url(config, paper.notes[0])
        == "https://github.com/me/archive/blob/main/content/notes/0.md"
    )
    url = urllib.parse.urlsplit(new_note_url(config, paper, len(paper.notes)))
    assert url.path == "/me/archive/new/main"
    query = urllib.parse.parse_qs(url.query)
    assert query["filename"] == ["content/notes/self-training-a-survey-2.md"]
    assert query["value"][0].startswith(
        "Paper: self-training-a-survey\nCurator: Your name\nDate: \n"
    )
    assert new_note_url(Config(), paper, 1) == ""


def test_check_reports_bad_notes_and_exits_1(tmp_path, capsys):
    shutil.copytree(EXAMPLE, tmp_path / "content")
    (tmp_path / "content" / "notes" / "bad.md").write_text(
        "Paper: Nothing like it\nCurator: Ada\nDate: soon\n\nText.\n"
    )
    assert main(["check", str(tmp_path / "content")]) == 1
    err = capsys.readouterr().err.splitlines()
    # Every problem at once: the paper it names is looked for too.
    assert err[0].startswith("notes/bad.md:1: no paper 'Nothing like it' in the archive")
    assert err[1:] == [
        "notes/bad.md:3: malformed date 'soon': write YYYY-MM-DD",
        "papershelf: 8 listings read, 116 entries, 2 errors: nothing written",
    ]


def test_new_note_writes_a_skeleton_and_lists_ambiguous_matches(tmp_path, capsys):
    shutil.copytree(EXAMPLE, tmp_path / "content")
    content = str(tmp_path / "content")
    assert main(["new-note", "self-training", "--content", content]) == 1
    err = capsys.readouterr().err
    assert err.startswith("papershelf: 5 papers match 'self-training'")
    assert "  self-training-a-survey  Self-Training: A Survey" in err
    assert main(["new-note", "Multigrid", "--curator", "Ada", "--content", content]) == 0
    path = (
        tmp_path
        / "content"
        / "notes"
        / "mgno-efficient-parameterization-of-linear-operators-via-multigrid-2.md"
    )
    assert capsys.readouterr().out.strip() == str(path)
    assert path.read_text().startswith(
        "Paper: mgno-efficient-parameterization-of-linear-operators-via-multigrid\nCurator: Ada\nDate: 20"
    )
    assert main(["check", content]) == 1  # the skeleton is not a note yet


def test_an_unfinished_skeleton_blocks_no_other_new_note(tmp_path, capsys):
    shutil.copytree(EXAMPLE, tmp_path / "content")
    content = str(tmp_path / "content")
    notes = tmp_path / "content" / "notes"
    assert main(["new-note", "Multigrid", "--content", content]) == 0
    assert main(["new-note", "Self-Training: A Survey", "--content", content]) == 0
    assert main(["new-note", "Self-Training: A Survey", "--content", content]) == 0
    written = capsys.readouterr().out.split()
    assert written == [
        str(notes / "mgno-efficient-parameterization-of-linear-operators-via-multigrid-2.md"),
        str(notes / "self-training-a-survey-2.md"),
        str(notes / "self-training-a-survey-3.md"),
    ]


def test_the_example_note_of_contributing_checks_on_the_example_archive(tmp_path, capsys):
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    example = guide.split("## The format", 1)[1].split("```markdown\n", 1)[1].split("```", 1)[0]
    shutil.copytree(EXAMPLE, tmp_path / "content")
    (tmp_path / "content" / "notes" / "example.md").write_text(example, encoding="utf-8")
    assert main(["check", str(tmp_path / "content")]) == 0, capsys.readouterr().err
    assert "5 notes attached, 0 errors" in capsys.readouterr().out


def test_every_problem_of_every_note_is_reported_in_one_round(tmp_path, capsys):
    shutil.copytree(EXAMPLE, tmp_path / "content")
    notes = tmp_path / "content" / "notes"
    (notes / "no-header.md").write_text("Curator: Ada\n\nA note without its paper.\n")
    (notes / "unknown.md").write_text("Paper: 2699.99999\nCurator: Ada\n\nNo such paper.\n")
    assert main(["check", str(tmp_path / "content")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "notes/no-header.md:1: missing Paper: (required)"
    assert err[1].startswith("notes/unknown.md:1: no paper '2699.99999' in the archive")
    assert err[-1].endswith("2 errors: nothing written")


HOSTILE_NOTE = """\
Paper: self-training-a-survey
Curator: <script>alert(1)</script>Eve
Date: 2025-12-24
Summary: <b>bold</b> summary

Fenced code, a table, a footnote[^a] and $x^2$:

```python
print("hi")
```

| a | b |
|---|---|
| 1 | 2 |

<script>alert(2)</script><img src=x onerror=alert(3)>
<a href="javascript:alert(4)">js</a> <p onclick="alert(5)">para</p>
[link](javascript:alert(6)) ![img](https://tracker.example/x.png)

[^a]: The footnote.
"""


def test_a_note_renders_github_markdown_and_nothing_that_runs(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "content")
    (tmp_path / "content" / "notes" / "eve.md").write_text(HOSTILE_NOTE, encoding="utf-8")
    site = build_site(
        tmp_path / "content",
        tmp_path / "output",
        PAPERSHELF_REPO_URL="https://github.com/me/archive",
        PAPERSHELF_REPO_BRANCH="main",
    )
    html = (site / "papers" / "self-training-a-survey" / "index.html").read_text()
    page = BeautifulSoup(html, "html.parser")
    eve = page.select(".note")[-1]
    assert eve.select_one(".highlight") is not None
    assert eve.find("table") is not None
    assert eve.find("math").find("msup") is not None
    assert eve.select_one(".footnote li")["id"] == "note-2-fn:a"
    assert [s["src"] for s in page.find_all("script", src=True)] == [
        "../../theme/js/search.js",
        "../../theme/js/copy.js",
    ]
    # The one script without a source is the paper's JSON-LD: data, not code.
    assert [s["type"] for s in page.find_all("script", src=False)] == ["application/ld+json"]
    assert not page.find_all("img")
    assert "javascript:" not in html
    assert "onclick" not in html
    assert "onerror" not in html
    assert "<script>alert(1)</script>Eve" in eve.select_one(".note-meta").get_text()
    assert eve.select_one(".note-summary").get_text() == "<b>bold</b> summary"
    assert (
        eve.select_one(".note-source")["href"]
        == "https://github.com/me/archive/blob/main/content/notes/eve.md"
    )
    assert page.select_one(".add-note a")["href"].startswith(
        "https://github.com/me/archive/new/main?filename="
    )
    curator = BeautifulSoup(
        (site / "curators" / "script-alert-1-script-eve" / "index.html").read_text(), "html.parser"
    )
    assert curator.h1.get_text() == "Notes by <script>alert(1)</script>Eve"
    curated = BeautifulSoup((site / "curated" / "index.html").read_text(), "html.parser")
    assert curated.select_one(".paper-item-title").get_text() == "Self-Training: A Survey"
    assert "curated" in BeautifulSoup((site / "index.html").read_text(), "html.parser").get_text()
    assert (site / "theme" / "css" / "pygments.css").read_text().count(".highlight .k ") == 2


def test_export_md_includes_the_notes(tmp_path):
    assert main(["export-md", str(tmp_path), "--content", str(EXAMPLE)]) == 0
    text = (
        tmp_path / "mgno-efficient-parameterization-of-linear-operators-via-multigrid.md"
    ).read_text()
    assert "\n## Notes\n\n### papershelf team, 2025-12-18\n\n" in text
    assert "$$\\mathcal{O}_i(u)" in text
