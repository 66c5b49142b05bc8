"""papershelf: a Pelican plugin that publishes an archive of research papers.

Importing the package stays cheap (the readers and the archive need no
Pelican); the generator is imported when Pelican asks for it.
"""


def get_generators(pelican):
    from .builder.generator import PapershelfGenerator

    return PapershelfGenerator


def register():
    from pelican import signals

    # A module-level receiver: Pelican's signals hold receivers weakly.
    signals.get_generators.connect(get_generators)
