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


def keep_out_of_pelican(pelican):
    from .builder.generator import keep_out_of_pelican

    keep_out_of_pelican(pelican.settings)


def register():
    from pelican import signals

    # Module-level receivers: Pelican's signals hold receivers weakly.
    signals.initialized.connect(keep_out_of_pelican)
    signals.get_generators.connect(get_generators)
