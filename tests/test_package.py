"""The distribution: a wheel and sdist that PyPI accepts, and a plugin that an
existing Pelican blog installs and uses, its archive in a folder of the blog."""

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import SEED, THEME
from crawl import broken_local_links

from pelican.plugins.papershelf.config import Config, SettingsError

# What `pelican-quickstart` writes, less its comments, and the lines a blogger adds.
QUICKSTART_CONF = """\
AUTHOR = "Ada"
SITENAME = "Ada's blog"
SITEURL = ""

PATH = "content"

TIMEZONE = "Europe/London"

DEFAULT_LANG = "en"

FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

LINKS = [("Pelican", "https://getpelican.com/")]
SOCIAL = [("You can add links in your config file", "#")]

DEFAULT_PAGINATION = 10

PLUGINS = ["papershelf"]
PAPERSHELF_ROOT = "papers/"
THEME_TEMPLATES_OVERRIDES = ["overrides"]
"""

POST = """\
Title: Hello, world
Date: 2025-12-01 10:00
Category: misc

The first post of this blog.
"""

NOTE = """\
Paper: TÜLU 3: Pushing Frontiers in Open Language Model Post-Training
Curator: Ada

Worth reading for its data mixture.
"""


def test_settings_below_a_root_put_every_page_of_the_archive_in_its_folder():
    config = Config.from_settings({"PAPERSHELF_ROOT": "papers", "THEME_STATIC_DIR": "theme"})
    assert config.root == "papers/"
    assert config.home_save_as == "papers/index.html"
    assert config.paper_url == "papers/papers/{slug}/"
    assert config.search_index_url == "papers/search/index.json"
    assert config.static_url == "papers/theme/"
    # The blog owns its 404 page and robots.txt; the listings API stays where it is.
    assert config.not_found_save_as == config.robots_save_as == ""
    assert config.api_url.startswith("https://huggingface.co/")


def test_a_whole_site_archive_keeps_its_paths():
    config = Config.from_settings({"THEME_STATIC_DIR": "theme"})
    assert (config.root, config.home_save_as, config.not_found_save_as) == (
        "",
        "index.html",
        "404.html",
    )
    assert config.copy_static  # no THEME: papershelf copies its CSS and scripts itself


@pytest.mark.parametrize("root", ["/papers/", "../papers/"])
def test_a_root_outside_the_site_is_refused(root):
    with pytest.raises(SettingsError, match="PAPERSHELF_ROOT"):
        Config.from_settings({"PAPERSHELF_ROOT": root})


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """The wheel and sdist, built as a release is."""
    out = tmp_path_factory.mktemp("dist")
    root = Path(__file__).resolve().parent.parent
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(root)],
        check=True,
        capture_output=True,
    )
    return out


def test_the_wheel_and_sdist_pass_twine_check(dist):
    files = sorted(dist.iterdir())
    assert sorted(f.suffix for f in files) == [".gz", ".whl"]
    result = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, files)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_wheel_holds_the_templates_and_scripts_and_nothing_of_pelican(dist):
    wheel = next(dist.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    package = "pelican/plugins/papershelf/"
    for path in THEME.rglob("*"):
        if path.is_file():
            assert package + "theme/" + path.relative_to(THEME).as_posix() in names
    # pelican and pelican.plugins are namespaces this wheel shares with Pelican.
    assert "pelican/__init__.py" not in names
    assert "pelican/plugins/__init__.py" not in names


@pytest.fixture(scope="module")
def blog(dist, tmp_path_factory):
    """A quickstart-style blog with the wheel installed in a virtualenv of its own."""
    base = tmp_path_factory.mktemp("blog")
    env = base / "venv"
    venv.create(env, with_pip=True)
    wheel = next(dist.glob("*.whl"))
    subprocess.run(
        [env / "bin" / "python", "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
    )
    site = base / "site"
    (site / "content" / "pages").mkdir(parents=True)
    (site / "content" / "listings").mkdir()
    (site / "content" / "notes").mkdir()
    (site / "pelicanconf.py").write_text(QUICKSTART_CONF)
    (site / "content" / "hello-world.md").write_text(POST)
    (site / "content" / "pages" / "about.md").write_text("Title: About\n\nWho writes here.\n")
    shutil.copy(SEED, site / "content" / "listings" / SEED.name)
    (site / "content" / "notes" / "tulu-3.md").write_text(NOTE)
    # A template of the archive's, overridden by the blog.
    override = site / "overrides" / "papershelf" / "home.html"
    override.parent.mkdir(parents=True)
    home = (THEME / "templates" / "home.html").read_text(encoding="utf-8")
    override.write_text(
        home.replace("{% block content %}", "{% block content %}<p>Ada's reading.</p>")
    )
    result = subprocess.run(
        [env / "bin" / "pelican", "content", "-o", "output", "-s", "pelicanconf.py"],
        cwd=site,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": ""},
    )
    return site / "output", result


def test_an_installed_plugin_builds_the_blog_and_its_archive(blog):
    output, result = blog
    assert result.returncode == 0, result.stdout + result.stderr
    assert "46 papers" in result.stdout
    assert "Traceback" not in result.stderr

    # The blog keeps its own home page, theme and pages.
    index = BeautifulSoup((output / "index.html").read_text(), "html.parser")
    assert index.title.string.strip() == "Ada's blog"
    assert "Hello, world" in index.get_text()
    assert (output / "hello-world.html").exists()
    assert (output / "pages" / "about.html").exists()
    assert (output / "theme" / "css" / "main.css").exists()  # Pelican's default theme
    # The listings and notes are not read as the blog's articles.
    assert not (output / "tulu-3.html").exists()
    assert "Worth reading" not in index.get_text()

    # The archive is below papers/, in its own look, with the blog's override.
    home = BeautifulSoup((output / "papers" / "index.html").read_text(), "html.parser")
    assert "Ada's reading." in home.get_text()
    assert home.find("link", rel="stylesheet")["href"] == "/papers/theme/css/papershelf.css"
    assert (output / "papers" / "theme" / "css" / "papershelf.css").exists()
    assert (output / "papers" / "theme" / "js" / "search-worker.js").exists()
    papers = list((output / "papers" / "papers").glob("*/index.html"))
    assert len(papers) == 46
    tulu = next(p for p in papers if p.parent.name.startswith("tulu-3"))
    assert "Worth reading for its data mixture." in tulu.read_text()
    # The archive's pages lead to the blog's home page, and to the archive's.
    header = BeautifulSoup(tulu.read_text(), "html.parser").find("header")
    links = {a.get_text(strip=True): a["href"] for a in header.find_all("a")}
    assert links["Ada's blog"] == "/"
    assert links["Papers"] == "/papers/"
    # The blog owns the site's 404 page and robots.txt.
    assert not (output / "404.html").exists()
    assert not (output / "robots.txt").exists()


def test_every_link_of_the_blog_and_its_archive_resolves(blog):
    output, result = blog
    assert result.returncode == 0, result.stderr
    pages, broken = broken_local_links(output)
    assert pages > 100
    assert broken == []
