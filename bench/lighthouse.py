"""Lighthouse scores of the example archive: `make lighthouse`.

Builds the example content as `make publish` would (absolute URLs, sitemap),
serves it on localhost under /archive/, and runs Lighthouse (npm `lighthouse`,
installed into the work folder) with Debian's Chromium on the home, a paper,
a tag, the statistics and the search page, in all four categories. Prints a
Markdown table; exits 1 if a score is below 100, naming the audits that cost
points.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
VERSION = "12"  # lighthouse, from npm
CHROMIUM = os.environ.get("PAPERSHELF_CHROMIUM", "/usr/bin/chromium")
PAGES = {
    "home": "",
    "paper": "papers/tulu-3-pushing-frontiers-in-open-language-model-post-training/",
    "tag": "tags/self-training/",
    "stats": "stats/",
    "search": "search/?q=self-training",
}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="papershelf-lighthouse-") as folder:
        work = Path(folder)
        subprocess.run(
            ["npm", "install", "--silent", "--prefix", str(work), f"lighthouse@{VERSION}"],
            check=True,
        )
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(work / "root"))
        )
        base = f"http://127.0.0.1:{server.server_address[1]}/archive"
        shutil.copytree(ROOT / "content", work / "content")
        build = [str(BIN / "pelican"), str(work / "content"), "-o", str(work / "root/archive")]
        build += ["-s", str(ROOT / "publishconf.py"), "--cache-path", str(work / "cache")]
        subprocess.run(build, check=True, env={**os.environ, "SITEURL": base}, capture_output=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        rows, lost = [], []
        for name, path in PAGES.items():
            report = work / f"{name}.json"
            command = [str(work / "node_modules/.bin/lighthouse"), f"{base}/{path}", "--quiet"]
            command += ["--chrome-flags=--headless=new --no-sandbox", "--output=json"]
            command += [f"--output-path={report}"]
            subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
            result = json.loads(report.read_text())
            scores = [round(100 * result["categories"][c]["score"]) for c in CATEGORIES]
            rows.append(f"| {name} | " + " | ".join(map(str, scores)) + " |")
            for category in CATEGORIES:
                for ref in result["categories"][category]["auditRefs"]:
                    audit = result["audits"][ref["id"]]
                    if ref.get("weight") and audit.get("score") is not None and audit["score"] < 1:
                        lost.append(f"{name}: {category}: {ref['id']} ({audit['score']})")
        server.shutdown()
    print("| page | performance | accessibility | best practices | SEO |")
    print("|---|---|---|---|---|")
    print(*rows, sep="\n")
    print(*lost, sep="\n")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
