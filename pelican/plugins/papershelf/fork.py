"""`papershelf init`: turn a fork of the example archive into one's own.

It removes the example's listings, notes and arXiv ids, writes an About page,
and sets the site's name, description and repository in the settings file.
Everything it removes is in git, so it refuses to run on uncommitted work.
"""

from __future__ import annotations

import json
import re
import subprocess
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from . import files
from .config import Config, SettingsError
from .read.listing import content_files

DEFAULT_DESCRIPTION = "A curated archive of research papers from the Hugging Face daily papers."

# git@github.com:owner/name.git, ssh://git@github.com/owner/name, https://github.com/owner/name.git
_REMOTE_RE = re.compile(
    r"(?:https?://(?:[^@/]+@)?|ssh://(?:[^@/]+@)?|[^@/]+@)"
    r"(?P<host>[^/:]+)(?::\d+)?[:/](?P<path>[^:]+?)(?:\.git)?/?"
)


def web_url(remote: str) -> str:
    """The web address of a repository from its git remote, or "" if it has none."""
    match = _REMOTE_RE.fullmatch(remote.strip())
    if match is None or match["path"].count("/") != 1:
        return ""
    return f"https://{match['host']}/{match['path']}"


def settings_pages(repo_url: str) -> list[tuple[str, str]]:
    """The two Settings pages a new archive visits once, and what to do there."""
    return [
        (
            f"{repo_url}/settings/actions",
            "allow Actions, and under Workflow permissions let them create pull requests",
        ),
        (f"{repo_url}/settings/pages", "set Source to GitHub Actions"),
    ]


def with_settings(text: str, values: dict[str, str]) -> str:
    """A settings file with each NAME set to a string: its one-line assignment
    replaced, or a new one added at the end."""
    for name, value in values.items():
        line = f"{name} = {python_string(value)}"
        pattern = re.compile(rf"^{name}\s*=.*$", re.MULTILINE)
        found = [m for m in pattern.finditer(text) if _one_line(m.group())]
        if found:
            last = found[-1]
            text = text[: last.start()] + line + text[last.end() :]
        else:
            text = text.rstrip("\n") + f"\n{line}\n"
    return text


def python_string(value: str) -> str:
    """A string literal as the settings file writes them (JSON's escapes are Python's)."""
    return json.dumps(value, ensure_ascii=False)


def _one_line(assignment: str) -> bool:
    """Whether an assignment ends on its own line (no open bracket or string)."""
    try:
        compile(assignment, "<settings>", "exec")
    except SyntaxError:
        return False
    return True


def about_page(name: str, description: str, repo_url: str) -> str:
    """The About page of a new archive, in Markdown."""
    source = (
        f"Its listings and notes are kept in [its repository]({repo_url}); notes are "
        "added by pull request."
        if repo_url
        else "Notes are added by pull request."
    )
    text = (
        f"{name} collects papers from the Hugging Face daily-papers listings: every paper "
        "has a page with its abstract, its links, its tags and every listing it appeared "
        f"in, and curators' notes about the papers that matter. {source}"
    )
    return f"Title: About\nSlug: about\n\n{description}\n\n{textwrap.fill(text, 80)}\n"


@dataclass
class Initialised:
    removed: list[Path] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)


def example_files(content: Path, config: Config) -> list[Path]:
    """The example archive's own content: listings, notes and reviewed arXiv ids."""
    ids = content / config.arxiv_ids_path
    return [
        *content_files(content / config.listings_path),
        *content_files(content / config.notes_path),
        *([ids] if ids.is_file() else []),
    ]


def uncommitted(root: Path, paths: list[Path]) -> list[str]:
    """The paths git shows as changed or untracked; SettingsError outside a repository."""
    try:
        result = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all", "--", *map(str, paths)],
            cwd=root,
            capture_output=True,
            text=True,
        )
    except OSError:
        result = None
    if result is None or result.returncode != 0:
        raise SettingsError(
            f"{root}: not a git repository: init removes the example content, which git "
            "keeps for you; give --force to go on without it"
        )
    return [line[3:] for line in result.stdout.splitlines()]


def git_remote_url(root: Path) -> str:
    """The web address of the repository's `origin`, or ""."""
    try:
        result = subprocess.run(
            ["git", "remote", "get-url", "origin"], cwd=root, capture_output=True, text=True
        )
    except OSError:
        return ""
    return web_url(result.stdout) if result.returncode == 0 else ""


def git_branch(root: Path) -> str:
    """The branch checked out, or "" (detached, or no git)."""
    try:
        result = subprocess.run(
            ["git", "symbolic-ref", "--quiet", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
        )
    except OSError:
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def initialise(
    content: Path,
    settings_file: Path,
    config: Config,
    *,
    name: str,
    description: str,
    repo_url: str,
    branch: str,
) -> Initialised:
    """Empty the example content and make the site `name`'s."""
    done = Initialised()
    for path in example_files(content, config):
        path.unlink()
        done.removed.append(path)
    for folder in (content / config.listings_path, content / config.notes_path):
        folder.mkdir(parents=True, exist_ok=True)
        keep = folder / ".gitkeep"  # git keeps no empty folder, and the build needs them
        if not keep.exists():
            files.write_text(keep, "")
            done.written.append(keep)
    about = content / "pages" / "about.md"
    about.parent.mkdir(parents=True, exist_ok=True)
    files.write_text(about, about_page(name, description, repo_url), durable=True)
    done.written.append(about)
    done.settings = {
        "SITENAME": name,
        "SITE_DESCRIPTION": description,
        **({"PAPERSHELF_REPO_URL": repo_url} if repo_url else {}),
        **({"PAPERSHELF_REPO_BRANCH": branch} if branch else {}),
    }
    text = settings_file.read_text(encoding="utf-8") if settings_file.is_file() else ""
    files.write_text(settings_file, with_settings(text, done.settings), durable=True)
    done.written.append(settings_file)
    return done
