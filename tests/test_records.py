"""What templates see: records, and the digests that fingerprint pages."""

import copy
import dataclasses
import datetime as dt

import pytest
from conftest import CORPUS_JSON, ROOT
from pelican.settings import read_settings

from pelican.plugins.papershelf.archive import build, source_digest
from pelican.plugins.papershelf.archive.model import LISTED_FIELDS, Sighting
from pelican.plugins.papershelf.config import Config
from pelican.plugins.papershelf.read.listing import read_listing
from pelican.plugins.papershelf.site import records
from pelican.plugins.papershelf.site.layout import lay_out
from pelican.plugins.papershelf.site.links import paper_links


@pytest.fixture(scope="module")
def corpus():
    entries = [e for path in sorted(CORPUS_JSON.iterdir())[:5] for e in read_listing(path)[0]]
    config = Config.from_settings(read_settings(str(ROOT / "pelicanconf.py")))  # with topics
    archive = build(entries, config)
    return archive, lay_out(archive, config)


def test_a_paper_record_holds_its_listed_fields_as_the_archive_has_them(corpus):
    archive, layout = corpus
    assert set(records.LISTED_SHOWN) <= set(LISTED_FIELDS)
    for paper in archive.papers:
        record = layout.papers[paper.key]
        for name in records.LISTED_SHOWN:
            expected = getattr(paper, name)
            assert getattr(record, name) == (tuple(expected) if name == "sightings" else expected)
        assert record.links == tuple(paper_links(paper.arxiv_id, paper.links))
        assert record.source == paper.source


def test_the_source_digest_changes_with_every_listed_field(corpus):
    archive, _ = corpus
    paper = next(p for p in archive.papers if p.authors and p.arxiv_id)
    different = {
        str: lambda v: v + "x",
        bool: lambda v: not v,
        int: lambda v: v + 1,
        tuple: lambda v: (*v, "x"),
        list: lambda v: [*v, Sighting("x.json", dt.date(2020, 1, 1), 1, "x.json:1")],
        dt.date: lambda v: v + dt.timedelta(days=1),
    }
    for name in LISTED_FIELDS:
        changed = copy.copy(paper)
        value = getattr(paper, name)
        setattr(changed, name, different[type(value)](value))
        assert source_digest(changed) != source_digest(paper), name


def test_a_records_digest_changes_with_every_field_the_listings_do_not_decide(corpus):
    _, layout = corpus
    record = next(r for r in layout.papers.values() if r.tags and r.authors)
    changes = {
        "author_urls": ("authors/x/",) * len(record.authors),
        "tags": record.tags[1:],
        "note_count": record.note_count + 1,
        "source": b"x" * 16,
    }
    for name in [*records._ADDED, "source"]:
        assert dataclasses.replace(record, **{name: changes[name]}).digest != record.digest, name


def test_records_stand_for_their_digest_inside_other_digests(corpus):
    _, layout = corpus
    day = layout.days[0]
    assert records.values_digest(day) == records.values_digest(records.Day(*(
        getattr(day, f.name) for f in dataclasses.fields(day)
    )))  # fmt: skip
    assert records.values_digest(day) != records.values_digest(layout.days[1])
    paper = day.papers[0]
    changed = dataclasses.replace(paper, note_count=paper.note_count + 1)
    again = dataclasses.replace(day, papers=(changed, *day.papers[1:]))
    assert again.digest != day.digest
