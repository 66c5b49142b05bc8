"""The archive: listing entries merged into papers, with tags, notes and curators.

Pure Python: no Pelican, no processes and no cache of its own; the build
passes in what it remembers (see `builder/load.py`).
"""

from .assemble import (
    Archive,
    assemble,
    attach_notes,
    authors_of,
    build,
    merge,
    source_digest,
    summary,
    unknown_papers,
)

__all__ = [
    "Archive",
    "assemble",
    "attach_notes",
    "authors_of",
    "build",
    "merge",
    "source_digest",
    "summary",
    "unknown_papers",
]
