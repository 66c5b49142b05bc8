"""Search side by side with Pagefind, on the same built site (see run.py).

Queries are sampled from the source listings, with the paper each should
find as ground truth: a word of an abstract (five letters or more), two
adjacent words of an abstract, an author's family name. For papershelf and
for Pagefind (its `pagefind` npm package, indexing the paper pages):
  - recall: the share of queries whose paper is among all the results
    (papershelf through the worker's own code in node, Pagefind through
    pagefind.js in Chromium);
  - the first query in a new browser (the site served by bench/serve.js):
    every byte fetched, gzipped (the page,
    its styles and scripts, the index, the results' data), and the time from
    the query to its results with their data (papershelf: from the query sent
    to the worker to its answer; Pagefind: `search` and the first ten
    results' `data()`), the median of FIRST_QUERIES queries;
  - keystrokes: each prefix of a few sampled phrases, typed one letter at a
    time, as a query (p95 and max);
  - the time to build the index: papershelf's `index_of` in process, from
    the layout the build makes for every page (CPU seconds), Pagefind's
    command (wall and CPU seconds).
"""

from __future__ import annotations

import contextlib
import gzip
import itertools
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "pelican" / "plugins" / "papershelf" / "theme" / "static" / "js"
CHROMIUM = os.environ.get("PAPERSHELF_CHROMIUM", "/usr/bin/chromium")
PAGEFIND_VERSION = "1.6.0"
QUERIES = 200  # of each kind
FIRST_QUERIES = 9
TYPED = 8  # phrases typed a letter at a time
WORD = re.compile(r"[A-Za-z]+")

PAGEFIND_PAGE = """<!doctype html>
<html lang="en"><meta charset="utf-8"><title>Pagefind</title>
<ol id="results"></ol>
<script type="module">
window.run = async (q, shown = 10) => {
  const started = performance.now();
  const pagefind = await import("../pagefind/pagefind.js");
  const search = await pagefind.search(q);
  const data = await Promise.all(search.results.slice(0, shown).map(r => r.data()));
  document.getElementById("results").replaceChildren(...data.map(d => {
    const item = document.createElement("li");
    item.textContent = d.meta.title + " " + d.excerpt;
    return item;
  }));
  return {ms: performance.now() - started, ids: search.results.map(r => r.id)};
};
</script>
"""

# Times the worker's answers in the page: query sent, results received.
WORKER_CLOCK = """(() => {
  const Original = window.Worker;
  window.answers = [];
  window.Worker = function (url) {
    const worker = new Original(url), sent = {};
    const post = worker.postMessage.bind(worker);
    worker.postMessage = message => {
      if (message.type === "query") sent[message.id] = performance.now();
      post(message);
    };
    worker.addEventListener("message", event => {
      const data = event.data;
      if (data.type !== "results") return;
      window.answers.push([data.text, performance.now() - sent[data.id]]);
    });
    return worker;
  };
})()"""


def stop_word(word: str) -> bool:
    from pelican.plugins.papershelf.search.text import STOP_WORDS

    return word.lower() in STOP_WORDS


def sampled_queries(papers, seed: int = 11) -> dict[str, list[tuple[str, str]]]:
    """(query, URL of the paper it should find) of each kind, from the
    listings' text: abstract words, abstract phrases, family names. Words
    that lunr's pipeline drops ("which", "however") are left out of the
    words, and phrases of two such words ("in the") out of the phrases:
    lunr finds them in author names only."""
    chosen = random.Random(seed)
    with_abstract = [p for p in papers if len(WORD.findall(p.abstract)) > 20]
    with_authors = [p for p in papers if p.authors]
    kinds: dict[str, list[tuple[str, str]]] = {"word": [], "phrase": [], "family": []}
    for paper in chosen.sample(with_abstract, min(QUERIES, len(with_abstract))):
        words = [w.strip(".,;:()") for w in paper.abstract.split()]
        words = [w for w in words if WORD.fullmatch(w) and len(w) >= 5 and not stop_word(w)]
        kinds["word"].append((chosen.choice(words), paper.url))
    for paper in chosen.sample(with_abstract, min(QUERIES, len(with_abstract))):
        pieces = paper.abstract.split()
        pairs = [
            (a, b)
            for a, b in itertools.pairwise(pieces)
            if WORD.fullmatch(a)
            and WORD.fullmatch(b.rstrip(".,;:"))
            and not (stop_word(a) and stop_word(b.rstrip(".,;:")))
        ]
        a, b = chosen.choice(pairs)
        kinds["phrase"].append((f"{a} {b.rstrip('.,;:')}", paper.url))
    for paper in chosen.sample(with_authors, min(QUERIES, len(with_authors))):
        kinds["family"].append((paper.authors[0].split()[-1], paper.url))
    return kinds


def papershelf_recall(output: Path, kinds: dict, work: Path) -> dict[str, float]:
    manifest = json.loads((output / "search" / "index.json").read_text())
    size = manifest["papersPerBlock"]
    ref_of = {}
    for block in range(-(-manifest["papers"] // size)):
        shown = json.loads((output / "search" / f"papers/{block}.json").read_text())
        for n, paper in enumerate(shown):
            ref_of[paper[0]] = block * size + n
    queries = [q for pairs in kinds.values() for q, _ in pairs]
    (work / "queries.json").write_text(json.dumps(queries))
    run = subprocess.run(
        ["node", str(ROOT / "bench" / "search_recall.js"), str(SCRIPTS),
         str(output / "search"), str(work / "queries.json")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    found = iter(json.loads(run.stdout))
    return {
        kind: sum(ref_of[url] in set(next(found)) for _, url in pairs) / len(pairs)
        for kind, pairs in kinds.items()
    }


def pagefind_index(output: Path, pagefind: Path, timed) -> tuple[float, int, float]:
    """Pagefind's index of the paper pages, in output/pagefind: its time."""
    command = [str(pagefind), "--site", str(output), "--glob", "papers/**/*.html"]
    run = timed([*command, "--output-subdir", "pagefind"])
    (output / "pagefind-bench").mkdir(exist_ok=True)
    (output / "pagefind-bench" / "index.html").write_text(PAGEFIND_PAGE)
    return run


def pagefind_ids(output: Path) -> dict[str, str]:
    """Page URL -> Pagefind's id for it (its fragment's name)."""
    ids = {}
    for fragment in (output / "pagefind" / "fragment").iterdir():
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        ids[json.loads(data)["url"].lstrip("/")] = fragment.name.removesuffix(".pf_fragment")
    return ids


@contextlib.contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def fetched_bytes(responses: list) -> int:
    """Gzipped bytes of every response (a web server sends text gzipped)."""
    total = 0
    for response in responses:
        with contextlib.suppress(Exception):  # a response without a body (a redirect)
            total += len(gzip.compress(response.body(), compresslevel=6))
    return total


def first_query(browser, url: str, query: str, papershelf: bool) -> tuple[int, float]:
    """Bytes fetched (gzipped) and milliseconds to the results, in a new browser context."""
    context = browser.new_context()
    page = context.new_page()
    responses: list = []
    page.on("response", lambda response: responses.append(response))
    if papershelf:
        page.add_init_script(WORKER_CLOCK)
        page.goto(f"{url}/search/?q={query}")
        page.wait_for_function("window.answers.length > 0", timeout=60_000)
        ms = page.evaluate("window.answers[0][1]")
    else:
        page.goto(f"{url}/pagefind-bench/")
        ms = page.evaluate("q => run(q).then(r => r.ms)", query)
    page.wait_for_load_state("networkidle")
    size = fetched_bytes(responses)
    context.close()
    return size, ms


def keystrokes(browser, url: str, phrases: list[str], papershelf: bool) -> list[float]:
    """Milliseconds from each prefix of each phrase, as a query, to its results."""
    context = browser.new_context()
    page = context.new_page()
    prefixes = [phrase[:n] for phrase in phrases for n in range(1, len(phrase) + 1)]
    if papershelf:
        page.goto(f"{url}/search/")
        times = page.evaluate(
            """async prefixes => {
            const root = document.querySelector('meta[name="papershelf-root"]');
            const base = new URL(root.content || "./", document.baseURI);
            const urls = {index: new URL(root.dataset.index, base).href};
            const worker = new Worker(new URL("theme/js/search-worker.js", base).href);
            let id = 0;
            const ask = text => new Promise(resolve => {
                id += 1;
                const started = performance.now();
                worker.onmessage = () => resolve(performance.now() - started);
                worker.postMessage({type: "query", id, urls, text, limit: 10});
            });
            const times = [];
            for (const prefix of prefixes) times.push(await ask(prefix));
            return times;
        }""",
            prefixes,
        )
    else:
        page.goto(f"{url}/pagefind-bench/")
        times = page.evaluate(
            """async prefixes => {
            const times = [];
            for (const prefix of prefixes) times.push((await run(prefix)).ms);
            return times;
        }""",
            prefixes,
        )
    context.close()
    return times[len(phrases[0]) :]  # the first phrase's keystrokes load the page's files


def pagefind_recall(browser, url: str, output: Path, kinds: dict) -> dict[str, float]:
    ids = pagefind_ids(output)
    page = browser.new_page()
    page.goto(f"{url}/pagefind-bench/")
    recall = {}
    for kind, pairs in kinds.items():
        found = page.evaluate(
            """async queries => {
                const out = [];
                for (const q of queries) out.push((await run(q, 0)).ids);
                return out;
            }""",
            [q for q, _ in pairs],
        )
        recall[kind] = sum(ids[url] in set(f) for (_, url), f in zip(pairs, found, strict=True))
        recall[kind] /= len(pairs)
    page.close()
    return recall


def index_cpu_seconds(archive, config) -> float:
    """The index built from the laid-out archive, as a build builds it: the
    layout is the one every page kind shares, and the collector is off."""
    from pelican.plugins.papershelf.builder.workers import without_collection
    from pelican.plugins.papershelf.search import index_of
    from pelican.plugins.papershelf.site.kinds import search_files
    from pelican.plugins.papershelf.site.layout import lay_out

    (output,) = search_files(archive, lay_out(archive, config), config)
    with without_collection():
        started = time.process_time()
        index_of(output.values)
        return time.process_time() - started


def pagefind_binary(work: Path) -> Path | None:
    """The `pagefind` npm package's binary, installed under work/ (npm needed)."""
    npm = shutil.which("npm")
    if npm is None:
        return None
    folder = work / "pagefind"
    subprocess.run(
        [npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(folder),
         f"pagefind@{PAGEFIND_VERSION}"],
        check=True, capture_output=True,
    )  # fmt: skip
    return folder / "node_modules" / ".bin" / "pagefind"


@contextlib.contextmanager
def serve(folder: Path):
    """The folder over HTTP on localhost, from bench/serve.js; its address."""
    server = subprocess.Popen(
        ["node", str(ROOT / "bench" / "serve.js"), str(folder), "0"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        yield server.stdout.readline().strip()
    finally:
        server.terminate()
        server.wait()


def bench_search(content: Path, output: Path, work: Path, timed) -> dict:
    """papershelf's search and Pagefind's on the site built from `content` into `output`."""
    from pelican.settings import read_settings

    from pelican.plugins.papershelf.builder.load import load_archive
    from pelican.plugins.papershelf.config import Config

    work.mkdir(parents=True, exist_ok=True)
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content)})
    config = Config.from_settings(settings)
    archive = load_archive(str(content), config)
    kinds = sampled_queries(archive.papers)
    result = {"ours": {}, "pagefind": {}}
    result["ours"]["index"] = (None, None, index_cpu_seconds(archive, config))
    result["ours"]["recall"] = papershelf_recall(output, kinds, work)
    pagefind = pagefind_binary(work)
    if pagefind is not None:
        result["pagefind"]["index"] = pagefind_index(output, pagefind, timed)
    firsts = [q for q, _ in kinds["word"][:FIRST_QUERIES]]
    phrases = [q for q, _ in kinds["phrase"][: TYPED + 1]]
    with serve(output) as url, chromium() as browser:
        for name, ours in (("ours", True), ("pagefind", False)):
            if name == "pagefind" and pagefind is None:
                continue
            first = [first_query(browser, url, q, ours) for q in firsts]
            result[name]["first_kb"] = statistics.median(s for s, _ in first) / 1e3
            result[name]["first_kb_max"] = max(s for s, _ in first) / 1e3
            result[name]["first_ms"] = statistics.median(ms for _, ms in first)
            times = sorted(keystrokes(browser, url, phrases, ours))
            result[name]["key_p95"] = times[int(len(times) * 0.95)]
            result[name]["key_max"] = times[-1]
        if pagefind is not None:
            result["pagefind"]["recall"] = pagefind_recall(browser, url, output, kinds)
    return result
