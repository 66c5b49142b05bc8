"""`papershelf init`: a fork of the example archive made one's own."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT

from pelican.plugins.papershelf.fork import about_page, web_url, with_settings


@pytest.mark.parametrize(
    "remote",
    [
        "git@github.com:ada/papers.git",
        "https://github.com/ada/papers.git",
        "https://github.com/ada/papers",
        "https://token@github.com/ada/papers.git\n",
        "ssh://git@github.com/ada/papers.git",
        "ssh://git@github.com:22/ada/papers",
    ],
)
def test_a_remote_becomes_the_repositorys_web_address(remote):
    assert web_url(remote) == "https://github.com/ada/papers"


@pytest.mark.parametrize("remote", ["", "/srv/git/papers", "file:///srv/papers.git", "x"])
def test_a_remote_that_is_no_web_repository_gives_no_address(remote):
    assert web_url(remote) == ""


def test_settings_replace_one_line_assignments_and_add_the_others():
    text = 'SITENAME = "papershelf"\nURL = (\n    "x"\n)\n'
    values = {"SITENAME": 'Ada\'s "papers"', "URL": "https://github.com/ada/papers"}
    changed = with_settings(text, values)
    assert changed.splitlines() == [
        'SITENAME = "Ada\'s \\"papers\\""',
        "URL = (",
        '    "x"',
        ")",
        'URL = "https://github.com/ada/papers"',
    ]
    settings: dict = {}
    exec(changed, settings)
    assert {key: settings[key] for key in values} == values


def test_the_about_page_is_markdown_with_a_title_and_slug():
    page = about_page("Ada's papers", "What I read.", "https://github.com/ada/papers")
    assert page.startswith("Title: About\nSlug: about\n\nWhat I read.\n\n")
    assert "[its repository](https://github.com/ada/papers)" in page


def fork_of_this_repository(folder: Path, remote: str = "git@github.com:ada/papers.git") -> Path:
    """The project's files as a fresh clone of a fork has them, committed."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, folder / name)
    git = ["git", "-c", "user.name=Ada", "-c", "user.email=ada@example.org"]
    for command in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["commit", "-q", "-m", "fork"],
        ["remote", "add", "origin", remote],
    ):
        subprocess.run([*git, *command], cwd=folder, check=True, capture_output=True)
    return folder


def papershelf(folder: Path, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pelican.plugins.papershelf.cli", *args]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True)


@pytest.fixture(scope="module")
def initialised(tmp_path_factory):
    fork = fork_of_this_repository(tmp_path_factory.mktemp("fork"))
    result = papershelf(fork, "init", "--name", "Ada's papers", "--description", "What I read.")
    assert result.returncode == 0, result.stderr
    return fork, result.stdout


def test_init_empties_the_example_and_names_the_site(initialised):
    fork, printed = initialised
    content = fork / "content"
    assert sorted(p.name for p in (content / "listings").iterdir()) == [".gitkeep"]
    assert sorted(p.name for p in (content / "notes").iterdir()) == [".gitkeep"]
    settings: dict = {"__file__": str(fork / "pelicanconf.py")}
    exec((fork / "pelicanconf.py").read_text(), settings)
    assert settings["SITENAME"] == "Ada's papers"
    assert settings["SITE_DESCRIPTION"] == "What I read."
    assert settings["PAPERSHELF_REPO_URL"] == "https://github.com/ada/papers"
    assert settings["PAPERSHELF_REPO_BRANCH"] == "main"
    assert "What I read." in (content / "pages" / "about.md").read_text()
    assert "https://github.com/ada/papers/settings/actions" in printed
    assert "https://github.com/ada/papers/settings/pages" in printed


def test_the_new_archive_builds_and_its_tests_pass(initialised):
    fork, _ = initialised
    assert papershelf(fork, "check").returncode == 0
    command = [sys.executable, "-m", "pelican", "content", "-o", "output", "-s", "pelicanconf.py"]
    subprocess.run(command, cwd=fork, check=True, capture_output=True)
    home = BeautifulSoup((fork / "output" / "index.html").read_text(), "html.parser")
    assert home.title.get_text(strip=True) == "Ada's papers"
    assert "No papers yet" in home.main.get_text()
    about = BeautifulSoup((fork / "output" / "about" / "index.html").read_text(), "html.parser")
    assert "What I read." in about.main.get_text()
    # The tests keep their own example archive: a fork's pull requests stay green.
    tests = ["tests/test_notes.py", "tests/test_site.py::test_one_page_per_paper_and_per_date"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
        cwd=fork,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_init_keeps_uncommitted_work(tmp_path):
    fork = fork_of_this_repository(tmp_path)
    draft = fork / "content" / "notes" / "my-draft.md"
    draft.write_text("Paper: 2605.03849\nCurator: Ada\n\nNot committed yet.\n")
    result = papershelf(fork, "init")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "papershelf: uncommitted changes that init would overwrite (commit them, or give --force):",
        "  content/notes/my-draft.md",
    ]
    assert draft.is_file()
    assert papershelf(fork, "init", "--force").returncode == 0
    assert not draft.exists()


def test_init_outside_git_asks_for_force(tmp_path):
    shutil.copy(ROOT / "pelicanconf.py", tmp_path / "pelicanconf.py")
    (tmp_path / "content" / "listings").mkdir(parents=True)
    result = papershelf(tmp_path, "init")
    assert result.returncode == 1
    assert "not a git repository" in result.stderr
    assert "--force" in result.stderr
    forced = papershelf(tmp_path, "init", "--force", "--repo", "https://github.com/ada/papers")
    assert forced.returncode == 0, forced.stderr
    assert "PAPERSHELF_REPO_URL = 'https://github.com/ada/papers'" not in forced.stdout
    assert (
        'PAPERSHELF_REPO_URL = "https://github.com/ada/papers"'
        in (tmp_path / "pelicanconf.py").read_text()
    )
