"""A synthetic archive for benchmarks: `papershelf synth --papers N --out DIR`.

Daily listings of about 50 papers, most as API JSON and every seventh day as a
copied page; titles and abstracts recombined from real ones (the bank in
`data/`), plus invented names so that the vocabulary keeps growing as a real
archive's does; papers seen again on the following days with more upvotes; a
few curators' notes per hundred papers. The same seed gives the same files.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import random
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .. import files
from ..archive.model import Entry
from .write_listing import json_listing, text_listing

START = dt.date(2024, 1, 1)
SYLLABLES = ["ka", "lo", "mi", "zen", "tra", "vor", "qui", "bel", "dax", "ron", "sy", "ph",
             "ul", "nex", "ori", "tav", "gel", "mun", "ex", "zi"]  # fmt: skip
CURATORS = ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Emmy Noether", "Claude Shannon",
            "Katherine Johnson", "John von Neumann", "Barbara Liskov"]  # fmt: skip


def _bank() -> dict:
    bank = resources.files("pelican.plugins.papershelf") / "data" / "synth-bank.json.gz"
    data = bank.read_bytes()
    return json.loads(gzip.decompress(data))


@dataclass
class _Paper:
    arxiv_id: str
    title: str
    abstract: str
    authors: list[str]
    upvotes: int
    first_day: dt.date
    sightings: int = 0


class _Synth:
    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self.bank = _bank()
        self.numbers: dict[str, int] = {}

    def name(self) -> str:
        """An invented model or method name: new words, as real archives get."""
        r = self.random
        word = "".join(r.choice(SYLLABLES) for _ in range(r.randint(2, 4)))
        return word.capitalize() + r.choice(["", "", "-7B", "Net", "-2", "GPT", "Bench"])

    def paper(self, day: dt.date) -> _Paper:
        r = self.random
        month = day.strftime("%y%m")
        self.numbers[month] = self.numbers.get(month, 0) + 1
        arxiv_id = f"{month}.{self.numbers[month]:05d}"
        base = r.choice(self.bank["titles"])
        name = self.name()
        title = f"{name}: {base.split(': ', 1)[-1]}" if r.random() < 0.6 else base + f" with {name}"
        sentences = r.sample(self.bank["sentences"], r.randint(5, 9))
        verb = r.choice(["outperforms", "matches", "extends"])
        claim = f"We introduce {name}, which {verb} {self.name()} on {self.name()}."
        sentences.insert(r.randint(1, len(sentences)), claim)
        authors = [
            f"{r.choice(self.bank['first'])} {r.choice(self.bank['last'])}"
            for _ in range(r.randint(1, 12))
        ]
        return _Paper(arxiv_id, title, " ".join(sentences), authors, r.randint(0, 40), day)

    @staticmethod
    def entries(papers: list[_Paper]) -> list[Entry]:
        return [
            Entry(
                title=p.title,
                abstract=p.abstract,
                date=p.first_day,
                dated=True,
                authors=tuple(p.authors),
                authors_count=len(p.authors),
                upvotes=p.upvotes,
                arxiv_id=p.arxiv_id,
            )
            for p in papers
        ]

    def note(self, paper: _Paper, day: dt.date) -> str:
        r = self.random
        body = " ".join(r.sample(self.bank["sentences"], r.randint(2, 5)))
        extra = r.choice(
            [
                "",
                "\n\nThe key quantity is $\\mathcal{L} = \\sum_i \\ell_i$.",
                "\n\n```python\nscore = model(batch).mean()\n```",
            ]
        )
        # By title: papers first seen in a copied page have no arXiv id.
        return (
            f"Paper: {paper.title}\nCurator: {r.choice(CURATORS)}\n"
            f"Date: {day.isoformat()}\nSummary: {r.choice(self.bank['sentences'])[:120]}\n\n"
            f"{body}{extra}\n"
        )


def synthesise(papers: int, out: str | Path, seed: int = 1) -> dict[str, int]:
    """Write listings/ and notes/ for `papers` distinct papers into `out`."""
    synth = _Synth(seed)
    r = synth.random
    out = Path(out)
    (out / "listings").mkdir(parents=True, exist_ok=True)
    (out / "notes").mkdir(parents=True, exist_ok=True)
    made, recent, day = 0, [], START
    counts = {"listings": 0, "entries": 0, "notes": 0}
    while made < papers:
        fresh = [synth.paper(day) for _ in range(min(papers - made, r.randint(40, 55)))]
        made += len(fresh)
        again = [p for p in recent if p.sightings < 3 and r.random() < 0.25]
        for paper in again:
            paper.upvotes += r.randint(1, 30)
        listed = fresh + again
        for paper in listed:
            paper.sightings += 1
        if counts["listings"] % 7 == 6:
            name, text = f"{day.isoformat()}.txt", text_listing(synth.entries(listed), day)
        else:
            name, text = f"{day.isoformat()}.json", json_listing(synth.entries(listed))
        files.write_text(out / "listings" / name, text)
        for paper in fresh:
            if r.random() < 0.03:
                note = out / "notes" / f"{paper.arxiv_id}.md"
                files.write_text(note, synth.note(paper, day + dt.timedelta(days=2)))
                counts["notes"] += 1
        counts["listings"] += 1
        counts["entries"] += len(listed)
        recent = fresh + [p for p in recent if p.first_day > day - dt.timedelta(days=3)]
        day += dt.timedelta(days=1)
    counts["papers"] = made
    return counts
