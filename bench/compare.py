"""`make bench-compare REV=<git revision>`: this checkout against another, in one run.

For each size (10,000 papers; 50,000 too with BENCH_LARGE=1) both versions
build the same synthetic archive, their builds alternating so that a busy
machine slows both alike: BENCH_RUNS cold builds each, then a rebuild after
editing one note and after adding one day's listing. It reports medians of
wall and CPU seconds, peak memory, and the ratio (into bench/COMPARE.md);
then it compares the two sites file by file, showing what differs beyond
links to author pages (new pages and links are listed, not counted as
differences).

The other version is exported with `git archive` into the work folder and
installed into a virtual environment of its own there: this checkout is
installed in `.venv`, and Pelican loads an installed plugin before one in a
PLUGIN_PATHS folder, so in `.venv` the other version's builds would run this
checkout's code. AFTER_SETTINGS adds Pelican
`-e` settings to this checkout's builds only (a setting the other version
lacks): AFTER_SETTINGS='PAPERSHELF_AUTHOR_SAVE_AS=""', say.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from run import BIN, ROOT, RUNS, median_of, timed

SIZES = [10_000] + ([50_000] if os.environ.get("BENCH_LARGE") else [])
AUTHOR_LINK = re.compile(rb'<a href="[^"]*authors/[^"]*/">([^<]*)</a>')


def export(revision: str, work: Path) -> Path:
    """The revision's files, installed with the dependencies it names into
    `work/venv` (a plain install: its code is compiled there)."""
    tree = work / "other"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "archive", revision], cwd=ROOT, check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    install = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(tree)]
    subprocess.run(install, check=True)
    return tree


def build(tree: Path, content: Path, output: Path, cache: Path):
    """A build by the checkout in `tree`: its plugin and settings, from its
    folder, run by the Pelican of its virtual environment. Revisions that
    kept the plugin in `plugins/` name that folder in PLUGIN_PATHS."""
    pelican = BIN / "pelican" if tree == ROOT else tree.parent / "venv" / "bin" / "pelican"
    command = ["env", f"PYTHONPATH={tree / 'plugins'}", str(pelican), str(content)]
    command += ["-o", str(output), "-s", str(tree / "pelicanconf.py"), "--cache-path", str(cache)]
    if tree == ROOT and os.environ.get("AFTER_SETTINGS"):
        command += ["-e", *os.environ["AFTER_SETTINGS"].split()]
    return timed(command, cwd=tree)


def differences(before: Path, after: Path) -> tuple[list[str], list[str]]:
    """Files of `after` that `before` lacks, and files that differ beyond author links."""
    new, changed = [], []
    for path in sorted(after.rglob("*")):
        if not path.is_file():
            continue
        name = str(path.relative_to(after))
        old = before / name
        if not old.exists():
            new.append(name)
        elif (
            old.read_bytes() != path.read_bytes()
            and AUTHOR_LINK.sub(rb"\1", path.read_bytes()) != old.read_bytes()
        ):
            changed.append(name)
    changed += [str(p.relative_to(before)) for p in before.rglob("*") if p.is_file()
                and not (after / p.relative_to(before)).exists()]  # fmt: skip
    return new, changed


def compare(size: int, work: Path, trees: dict[str, Path]) -> dict:
    source = work / f"synth-{size}"
    subprocess.run(
        [str(BIN / "papershelf"), "synth", "--papers", str(size), "--out", str(source)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    results: dict[str, dict] = {name: {"cold": [], "note": [], "day": []} for name in trees}
    contents = {}
    for name in trees:  # each version its own copy: the edits below are made to both
        contents[name] = work / f"content-{name}-{size}"
        subprocess.run(["cp", "-r", str(source), str(contents[name])], check=True)
    last = {}
    for run in range(RUNS):
        for name, tree in trees.items():
            output, cache = work / f"out-{name}-{size}-{run}", work / f"cache-{name}-{size}-{run}"
            results[name]["cold"].append(build(tree, contents[name], output, cache))
            last[name] = (output, cache)
    for run in range(RUNS):
        for name, tree in trees.items():
            note = sorted((contents[name] / "notes").glob("*.md"))[0]
            note.write_text(note.read_text() + f"\nEdited once more ({run}).\n")
            results[name]["note"].append(build(tree, contents[name], *last[name]))
    for run in range(RUNS):
        for name, tree in trees.items():
            listings = sorted((contents[name] / "listings").glob("*.json"))
            newest = listings[-1]
            newest.with_name(f"2099-01-{run + 1:02d}.json").write_text(newest.read_text())
            results[name]["day"].append(build(tree, contents[name], *last[name]))
    summary = {name: {k: median_of(v) for k, v in runs.items()} for name, runs in results.items()}
    summary["differences"] = differences(last["before"][0], last["after"][0])
    return summary


def report(revision: str, results: dict[int, dict]) -> str:
    lines = [
        f"# This checkout against {revision}",
        "",
        f"Median of {RUNS} alternating runs; wall seconds (CPU seconds), peak RSS.",
        "",
        "| papers | build | before | after | after / before |",
        "|---|---|---|---|---|",
    ]
    for size, result in results.items():
        for kind in ("cold", "note", "day"):
            before, after = result["before"][kind], result["after"][kind]
            lines.append(
                f"| {size:,} | {kind} | {before[0]:.2f} s ({before[2]:.1f}), {before[1]} MB "
                f"| {after[0]:.2f} s ({after[2]:.1f}), {after[1]} MB "
                f"| {after[0] / before[0]:.2f} |"
            )
    lines.append("")
    for size, result in results.items():
        new, changed = result["differences"]
        folders = sorted({name.split("/")[0] for name in new})
        lines.append(
            f"{size:,} papers: {len(new):,} new files (in {', '.join(folders) or 'none'}), "
            f"{len(changed):,} differing beyond author links{': ' if changed else ''}"
            f"{', '.join(changed[:10])}"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    revision = os.environ.get("REV") or (sys.argv[1] if len(sys.argv) > 1 else "HEAD")
    plugin = ROOT / "pelican" / "plugins" / "papershelf"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(plugin)], check=True)
    with tempfile.TemporaryDirectory(prefix="papershelf-compare-") as folder:
        work = Path(folder)
        trees = {"before": export(revision, work), "after": ROOT}
        results = {}
        for size in SIZES:
            print(f"comparing at {size:,} papers...", flush=True)
            results[size] = compare(size, work, trees)
    text = report(revision, results)
    if os.environ.get("AFTER_SETTINGS"):
        text += f"\nThis checkout's builds with: {os.environ['AFTER_SETTINGS']}\n"
    (ROOT / "bench" / "COMPARE.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
