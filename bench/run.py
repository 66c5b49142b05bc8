"""`make bench`: papershelf against plain Pelican on the same synthetic papers.

For each size N (1,000 and 10,000; 50,000 too with BENCH_LARGE=1) this makes a
synthetic archive (`papershelf synth`), then times, as separate processes and
the median of BENCH_RUNS runs:
  - papershelf: a cold build, a rebuild with nothing changed, a rebuild after
    editing one note, a rebuild after adding one day's listing; peak RSS;
  - plain Pelican 4.12 building the same papers as Markdown articles, with
    the same URLs, tags, tag pagination and day archives: cold, and rebuild;
  - the output's size, the search payload a reader downloads before the first
    result, and query times in Chromium.
It writes bench/RESULTS.md with the commands and the machine.

FRESH_FOLDERS: every cold build writes into folders never used before, and
nothing is deleted until the end. On ext4 without a journal, as on the
machines this runs on, the kernel passes over every inode freed in the last
minute (five, while the freed inodes are not yet on disk) each time it makes
a file or folder (`recently_deleted` in fs/ext4/ialloc.c): a 10,000-paper build
right after deleting the last one's 22,000 files and folders took 19.0 s
instead of 16.8 s (3.8 s more system time), for both tools alike, and after
deleting a few million files, making a folder and a file took 470 instead of
66 microseconds. Delete nothing large in the minutes before a benchmark. A
first build on a fresh checkout pays nothing.
"""

from __future__ import annotations

import gzip
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
SIZES = [1_000, 10_000] + ([50_000] if os.environ.get("BENCH_LARGE") else [])
CHROMIUM = os.environ.get("PAPERSHELF_CHROMIUM", "/usr/bin/chromium")


def timed(command: list[str], cwd: Path = ROOT) -> tuple[float, int, float]:
    """Wall time, peak RSS (MB) and CPU time (user and system, with the
    processes it forked) of one command, which must succeed. The files that
    earlier commands wrote go to disk first: writing them back while this
    one runs would count against it."""
    os.sync()
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read()}")
    return elapsed, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime


def pelican(content: Path, output: Path, settings: Path, *extra: str) -> list[str]:
    return [str(BIN / "pelican"), str(content), "-o", str(output), "-s", str(settings), *extra]


def cpu_reference() -> float:
    """Seconds for a fixed Python loop: the CPU's speed, which varies a lot
    on shared machines, to read the other numbers against."""
    start = time.perf_counter()
    total = 0
    for i in range(20_000_000):
        total += i
    return time.perf_counter() - start


def median_of(runs: list[tuple[float, int, float]]) -> tuple[float, int, float]:
    """Median time, largest peak RSS, median CPU time."""
    return (
        statistics.median(t for t, _, _ in runs),
        max(m for _, m, _ in runs),
        statistics.median(c for _, _, c in runs),
    )


def baseline_content(work: Path, content: Path) -> Path:
    """The same papers as Markdown articles for plain Pelican: the documents
    `papershelf export-md` writes, with the paper's tags."""
    from pelican.settings import read_settings

    sys.path.insert(0, str(ROOT / "plugins"))
    from papershelf.config import Config
    from papershelf.document import document
    from papershelf.generator import load_archive

    archive = load_archive(
        str(content), Config.from_settings(read_settings(str(ROOT / "pelicanconf.py")))
    )
    articles = work / f"baseline-{content.name}" / "papers"
    articles.mkdir(parents=True)
    for paper in archive.papers:
        tags = ", ".join(tag.name.replace(",", " ") for tag in paper.tags)
        (articles / f"{paper.slug}.md").write_text(
            f"Tags: {tags}\n{document(paper)}", encoding="utf-8"
        )
    return articles.parent


BASELINE_SETTINGS = """
SITENAME = "baseline"
SITEURL = ""
RELATIVE_URLS = True
TIMEZONE = "UTC"
ARTICLE_PATHS = ["papers"]
ARTICLE_URL = "papers/{slug}/"
ARTICLE_SAVE_AS = "papers/{slug}/index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
TAGS_SAVE_AS = "tags/index.html"
DAY_ARCHIVE_SAVE_AS = "dates/{date:%Y}/{date:%m}/{date:%d}/index.html"
MONTH_ARCHIVE_SAVE_AS = "dates/{date:%Y}/{date:%m}/index.html"
YEAR_ARCHIVE_SAVE_AS = "dates/{date:%Y}/index.html"
DEFAULT_PAGINATION = 40
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
AUTHOR_SAVE_AS = ""
FEED_ALL_ATOM = "feeds/papers.atom.xml"
TAG_FEED_ATOM = "feeds/tags/{slug}.atom.xml"
CATEGORY_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = TRANSLATION_FEED_ATOM = None
LOAD_CONTENT_CACHE = True
CACHE_CONTENT = True
"""


def search_payload(output: Path) -> int:
    """Gzipped bytes a reader downloads before the first result (snippets
    follow the results, from the files of the results shown)."""
    files = [
        output / "search" / "index.json",
        output / "search" / "documents.json",
        output / "theme" / "js" / "search-worker.js",
        output / "theme" / "js" / "lunr.min.js",
    ]
    return sum(len(gzip.compress(f.read_bytes(), compresslevel=6)) for f in files)


def query_times(output: Path) -> tuple[float, float, float]:
    """Milliseconds to load the index (fetch, expand, lunr), and median and
    p95 milliseconds of 200 queries, in Chromium."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import CHROMIUM_ARGS, serve

    words = [
        w
        for d in json.loads((output / "search" / "documents.json").read_text())["papers"][:400]
        for w in d[1].split()[:2]
        if len(w) > 3
    ][:200]
    with serve(output) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url + "/search/")
        page.add_script_tag(url=url + "/theme/js/lunr.min.js")
        page.add_script_tag(url=url + "/theme/js/search-worker.js")
        load, times = page.evaluate(
            """async words => {
            const start = performance.now();
            const index = lunr.Index.load(expand(await (await fetch("index.json")).json()));
            const load = performance.now() - start;
            return [load, words.map(w => { const t = performance.now(); search(index, w);
                                           return performance.now() - t; })];
        }""",
            words,
        )
        browser.close()
    times.sort()
    return load, statistics.median(times), times[int(len(times) * 0.95)]


def bench(size: int, work: Path) -> dict:
    content = work / f"synth-{size}"
    subprocess.run(
        [str(BIN / "papershelf"), "synth", "--papers", str(size), "--out", str(content)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    settings = ROOT / "pelicanconf.py"
    result: dict = {"papers": size}
    output = cache = Path()  # each cold build's folders, then the last one's

    def build(*extra):
        return timed(pelican(content, output, settings, "--cache-path", str(cache), *extra))

    cold = []
    for n in range(RUNS):  # into new folders: see FRESH_FOLDERS
        output, cache = work / f"out-{size}-{n}", work / f"cache-{size}-{n}"
        cold.append(build())
    result["cold"] = median_of(cold)
    result["noop"] = median_of([build() for _ in range(RUNS)])
    note = sorted((content / "notes").glob("*.md"))[0]
    edits = []
    for n in range(RUNS):
        note.write_text(note.read_text() + f"\nEdited once more ({n}).\n")
        edits.append(build())
    result["note"] = median_of(edits)
    listings = sorted((content / "listings").glob("*.json"))
    day = []
    for n in range(RUNS):
        newest = listings[-1]
        extra = newest.with_name(f"2099-01-{n + 1:02d}.json")
        extra.write_text(newest.read_text())
        day.append(build())
    result["day"] = median_of(day)
    result["output_mb"] = sum(f.stat().st_size for f in output.rglob("*") if f.is_file()) / 1e6
    result["search_kb"] = search_payload(output) / 1e3
    result["query_ms"] = query_times(output) if Path(CHROMIUM).exists() else (None, None, None)

    base = baseline_content(work, content)
    base_settings = work / "baseline.py"
    base_settings.write_text(BASELINE_SETTINGS)
    base_out = base_cache = Path()
    base_cold = []
    for n in range(RUNS):
        base_out, base_cache = work / f"base-out-{size}-{n}", work / f"base-cache-{size}-{n}"
        base_cold.append(
            timed(pelican(base, base_out, base_settings, "--cache-path", str(base_cache)))
        )
    result["base_cold"] = median_of(base_cold)
    result["base_noop"] = median_of(
        [
            timed(pelican(base, base_out, base_settings, "--cache-path", str(base_cache)))
            for _ in range(RUNS)
        ]
    )
    return result


def report(results: list[dict], reference: tuple[float, float]) -> str:
    def seconds(run):
        return f"{run[0]:.2f} s"

    def with_cpu(run):
        return f"{run[0]:.2f} s ({run[2]:.1f})"

    rows = []
    for r in results:
        ratio = r["cold"][0] / r["base_cold"][0]
        load, p50, p95 = r["query_ms"]
        query = f"{load:,.0f} ms | {p50:.1f} / {p95:.1f} ms" if p95 is not None else "| no Chromium"
        rows.append(
            f"| {r['papers']:,} | {with_cpu(r['cold'])} | {r['cold'][1]} MB | {seconds(r['noop'])} "
            f"| {seconds(r['note'])} | {seconds(r['day'])} | {with_cpu(r['base_cold'])} "
            f"| {seconds(r['base_noop'])} | {ratio:.2f}x | {r['output_mb']:.0f} MB "
            f"| {r['search_kb']:,.0f} KB | {query} |"
        )
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    return "\n".join(
        [
            "# Benchmark results",
            "",
            f"`make bench` on {machine}; median of {RUNS} runs, each build a separate process.",
            "Plain Pelican builds the same papers as Markdown articles with the same URLs, tags,",
            "tag pagination, day/month/year archives and feeds (its content cache on).",
            f"CPU reference (a 20,000,000-step Python loop): {reference[0]:.2f} s before, "
            f"{reference[1]:.2f} s after.",
            "",
            "| papers | cold (CPU s) | peak RSS | no change | one note edited | one day added "
            "| Pelican cold (CPU s) | Pelican no change | cold ratio | output "
            "| search payload (gz) | index load | query p50 / p95 |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            "Commands: `papershelf synth --papers N --out DIR`, then "
            "`pelican DIR -s pelicanconf.py -o OUT --cache-path CACHE`; peak RSS of the "
            "largest process (pages are rendered in one process per core); search payload = "
            "what a reader fetches before the first result: index.json + documents.json + the "
            "worker + lunr.min.js, gzipped; index load = fetch, `expand` and `lunr.Index.load` "
            "in Chromium; queries: 200 title words through the worker's `search()`. "
            "CPU s = user and system time of the build and the processes it forks, which "
            "grows when the machine's other tenants are busy. "
            "Each build starts after `sync`, and each cold build writes into new folders "
            "(see FRESH_FOLDERS in bench/run.py); "
            "the plugin's bytecode is compiled first (`python -m compileall plugins`).",
            "",
        ]
    )


def main() -> None:
    # The plugin's bytecode, as Python writes it on first import by default:
    # with PYTHONDONTWRITEBYTECODE set (as in many containers), every build
    # would compile the plugin again, about 0.05 s of each.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "plugins")], check=True)
    with tempfile.TemporaryDirectory(prefix="papershelf-bench-") as work:
        results = []
        before = cpu_reference()
        for size in SIZES:
            print(f"benchmarking {size:,} papers...", flush=True)
            results.append(bench(size, Path(work)))
        text = report(results, (before, cpu_reference()))
    (ROOT / "bench" / "RESULTS.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
