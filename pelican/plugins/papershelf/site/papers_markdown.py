"""Each paper as a Markdown document: metadata header, abstract and notes.

The document is what `papershelf export-md` writes and what the paper page
renders, so both always say the same thing.
"""

from __future__ import annotations

from pathlib import Path

from .. import files, latex
from ..archive.model import Paper


def metadata(paper: Paper) -> dict[str, str]:
    """The header of the document, in Pelican's `Key: value` form."""
    meta = {
        "Title": latex.plain(paper.title),
        "Date": paper.date.isoformat(),
        "Slug": paper.slug,
    }
    if not paper.dated:
        meta["Undated"] = "yes: the listing gave no date; this is the listing's date"
    if paper.authors:
        meta["Authors"] = "; ".join(paper.authors)
    if paper.authors_count:
        meta["Authors-Count"] = str(paper.authors_count)
    if paper.upvotes is not None:
        meta["Upvotes"] = str(paper.upvotes)
    if paper.arxiv_id:
        meta["arXiv"] = paper.arxiv_id
    if paper.links:
        meta["Links"] = " ".join(paper.links)
    if paper.keywords:
        meta["Keywords"] = "; ".join(paper.keywords)
    meta["Listings"] = "; ".join(
        f"{s.snapshot.isoformat()} {s.listing}"
        + (f" ({s.upvotes})" if s.upvotes is not None else "")
        for s in paper.sightings
    )
    # Metadata is one line per key: no value may break it.
    return {key: " ".join(value.split()) for key, value in meta.items()}


def body(paper: Paper) -> str:
    """The abstract, every paragraph escaped, as Markdown."""
    return "\n\n".join(latex.markdown(p) for p in paper.abstract.split("\n\n") if p) + "\n"


def notes_markdown(paper: Paper) -> str:
    """The paper's notes as a Markdown section, each under its curator and date."""
    parts = []
    for note in paper.notes:
        heading = note.curator + (f", {note.date.isoformat()}" if note.date else "")
        summary = f"*{note.summary}*\n\n" if note.summary else ""
        parts.append(f"### {heading}\n\n{summary}{note.body.strip()}\n")
    return "## Notes\n\n" + "\n".join(parts) if parts else ""


def document(paper: Paper) -> str:
    """Metadata header, abstract, then the curators' notes."""
    header = "".join(f"{key}: {value}\n" for key, value in metadata(paper).items())
    notes = notes_markdown(paper)
    return f"{header}\n{body(paper)}" + (f"\n{notes}" if notes else "")


def export(papers: list[Paper], folder: str | Path) -> list[Path]:
    """Write one `<slug>.md` per paper; returns the files written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for paper in papers:
        path = folder / f"{paper.slug}.md"
        files.write_text(path, document(paper))
        written.append(path)
    return written
