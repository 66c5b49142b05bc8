"""Rebuild pelican/plugins/papershelf/data/synth-bank.json.gz from the real corpus in tests/data.

The bank holds what `papershelf synth` recombines: abstract sentences, titles
and author names of 515 real papers. Run: python bench/make_bank.py
"""

import gzip
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "corpus" / "hf-daily-json"
BANK = ROOT / "pelican" / "plugins" / "papershelf" / "data" / "synth-bank.json.gz"


def main() -> None:
    sentences, titles, first, last = set(), set(), set(), set()
    for path in sorted(CORPUS.glob("*.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            paper = item["paper"]
            titles.add(" ".join(paper["title"].split()))
            for author in paper["authors"]:
                parts = author["name"].split()
                if len(parts) >= 2:
                    first.add(parts[0])
                    last.add(parts[-1])
            text = " ".join(paper["summary"].split())
            for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text):
                if 40 < len(sentence) < 400:
                    sentences.add(sentence)
    bank = {
        name: sorted(values)
        for name, values in [
            ("sentences", sentences),
            ("titles", titles),
            ("first", first),
            ("last", last),
        ]
    }
    BANK.write_bytes(gzip.compress(json.dumps(bank, ensure_ascii=False).encode(), mtime=0))
    print(f"{BANK}: {', '.join(f'{len(v)} {k}' for k, v in bank.items())}")


if __name__ == "__main__":
    main()
