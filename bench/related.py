"""The cost of related papers alone, on a content folder.

`python bench/related.py CONTENT` loads the archive (without related papers),
then computes them in a forked process, and prints as JSON: its CPU seconds
(every thread), wall seconds, the resident memory of the loaded archive, and
the peak of the process that computed them.
"""

from __future__ import annotations

import json
import os
import sys
import time

from pelican.settings import read_settings

from pelican.plugins.papershelf.archive import related
from pelican.plugins.papershelf.builder import load
from pelican.plugins.papershelf.config import Config


def resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    content, settings = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "pelicanconf.py"
    config = Config.from_settings(read_settings(settings))
    load.related_papers = lambda *args, **kwargs: {}  # the archive alone
    archive = load.load_archive(content, config)
    loaded = resident_mb()
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(reader)
        cpu, wall = time.process_time(), time.perf_counter()
        found = related.related_papers(archive.papers, threads=os.cpu_count() or 1)
        result = {
            "papers": len(archive.papers),
            "with_related": len(found),
            "cpu_s": time.process_time() - cpu,
            "wall_s": time.perf_counter() - wall,
        }
        os.write(writer, json.dumps(result).encode())
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader) as pipe:
        result = json.loads(pipe.read())
    _, _, usage = os.wait4(child, 0)
    result["loaded_mb"] = round(loaded)
    result["peak_mb"] = round(usage.ru_maxrss / 1024)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
