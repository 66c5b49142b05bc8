"""papershelf: a Pelican plugin that publishes an archive of research papers.

Importing the package stays cheap (the readers and the archive need no
Pelican); the generator is imported when Pelican asks for it.
"""

from pathlib import Path

# The templates and static files of papershelf's pages. A site whose every
# page is the archive's sets `THEME = papershelf.THEME`, so its own pages
# (About, posts) look the same.
THEME = str(Path(__file__).parent / "theme")


def get_generators(pelican):
    from .builder.generator import PapershelfGenerator

    return PapershelfGenerator


def prepare(pelican):
    from .builder import guard
    from .builder.cache import check_pelican_caches
    from .builder.generator import keep_out_of_pelican

    guard.stop_on_interrupt()
    keep_out_of_pelican(pelican.settings)
    check_pelican_caches(pelican.settings)


def get_writer(pelican):
    from .builder.writer import WholeFileWriter

    return WholeFileWriter


def finished(pelican):
    from .builder import guard

    guard.interrupt_as_before()


def register():
    from pelican import signals

    # Module-level receivers: Pelican's signals hold receivers weakly.
    signals.initialized.connect(prepare)
    signals.get_generators.connect(get_generators)
    signals.get_writer.connect(get_writer)
    signals.finalized.connect(finished)
