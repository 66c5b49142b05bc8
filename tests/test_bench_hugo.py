"""The Hugo site of `make bench` writes the pages papershelf writes for the
same papers, so that the two are timed on the same work."""

import math
import subprocess
import sys

from conftest import ROOT, build_site

sys.path.insert(0, str(ROOT / "bench"))
import hugo_site

from pelican.plugins.papershelf.builder.load import load_archive
from pelican.plugins.papershelf.config import Config


def test_hugo_writes_the_pages_papershelf_writes(tmp_path):
    from pelican.settings import read_settings

    content = tmp_path / "content"
    synth = [sys.executable, "-m", "pelican.plugins.papershelf.cli", "synth", "--papers", "600"]
    subprocess.run([*synth, "--out", str(content)], check=True, capture_output=True)
    ours = build_site(content, tmp_path / "papershelf")
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    archive = load_archive(str(content), Config.from_settings(settings))
    (tmp_path / "hugo").mkdir()
    source = hugo_site.write_site(archive, tmp_path / "hugo")
    theirs = tmp_path / "output"
    subprocess.run(hugo_site.command(source, theirs), check=True, capture_output=True)

    def names(site, pattern):
        return sorted(p.parent.name for p in site.glob(pattern))

    assert names(theirs, "papers/*/index.html") == names(ours, "papers/*/index.html")
    days = names(ours, "dates/????/??/??/index.html")
    assert len(names(theirs, "dates/????-??-??/index.html")) == len(days)
    assert len(names(theirs, "dates/????-??/index.html")) == len(
        names(ours, "dates/????/??/index.html")
    )
    assert len(names(theirs, "tags/*/index.html")) == len(names(ours, "tags/*/index.html"))
    for tag in archive.tags:  # paginated at papershelf's size
        pages = math.ceil(len(tag.papers) / 40)
        assert len(list((theirs / "tags" / tag.slug).glob("page/*/index.html"))) == pages
        assert len(list((ours / "tags" / tag.slug).glob("page/*/index.html"))) == pages - 1
    assert (theirs / "index.xml").is_file()  # a feed overall
    assert len(list(theirs.glob("tags/*/index.xml"))) == len(archive.tags)  # and per tag
    assert not list(theirs.glob("dates/*/index.xml"))  # none per day
