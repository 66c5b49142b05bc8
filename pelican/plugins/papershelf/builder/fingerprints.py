"""What a file is made from, as a fingerprint: equal fingerprints, equal files.

An incremental build (see `cache.py`) writes a file again only when its
fingerprint changes. Nothing here lists what a page shows: a page's
fingerprint is the digest of

- the values its kind gives its template (`site/kinds.py`), which are all
  that the template sees besides the settings;
- the source of its template and of every template that one uses: extended,
  included or imported, and those that the globals it calls render
  (TEMPLATE_GLOBALS), followed to the end;
- what every page shows besides its own values (`common`: settings, menu).

A file written by code instead of a template (feeds, `papers.json`, search
files) is covered by its values; the code is the cache's own key.
"""

from __future__ import annotations

from jinja2 import Environment, meta, nodes

from ..digest import Remember, data_digest, digest
from ..site.kinds import Output
from ..site.records import values_digest

# Globals that render a template of their own: a template that calls one uses it.
TEMPLATE_GLOBALS = {"paper_item": "_paper_item.html", "tag_links": "_macros.html"}


class Fingerprints:
    """Fingerprints of the files of one build. `remember(key, compute)` can
    give the templates a template names, found before for the same source."""

    def __init__(self, env: Environment, common: bytes, remember: Remember | None = None) -> None:
        self.env = env
        self.common = common
        self.remember = remember or (lambda key, compute: compute())
        self._templates: dict[str, bytes] = {}

    def of(self, output: Output) -> bytes:
        used = self.template(output.template + ".html") if output.template else b""
        return self.common + values_digest(output.writer, used, output.url, output.values)

    def template(self, name: str) -> bytes:
        """A digest of the sources of a template and of all it uses."""
        if name not in self._templates:
            used = sorted(self.uses(name))
            self._templates[name] = digest(used, [self._source(each) for each in used])
        return self._templates[name]

    def uses(self, name: str) -> list[str]:
        """The template and every template it uses, by name. A template
        named by an expression (`{% include page.kind %}`) could be any
        one: then all of the theme's."""
        found, todo = [], [name]
        while todo:
            current = todo.pop()
            if current not in found:
                found.append(current)
                named = self._named(current)
                if named is None:
                    return sorted(self.env.list_templates())
                todo += named
        return found

    def _source(self, name: str) -> str:
        return self.env.loader.get_source(self.env, name)[0]

    def _named(self, name: str) -> list[str] | None:
        """The templates a template names itself (None: one by an expression)."""
        source = self._source(name)

        def parse() -> list[str] | None:
            tree = self.env.parse(source)
            named = list(meta.find_referenced_templates(tree))
            if None in named:
                return None
            return named + [
                TEMPLATE_GLOBALS[node.name]
                for node in tree.find_all(nodes.Name)
                if node.name in TEMPLATE_GLOBALS
            ]

        return self.remember(data_digest(source.encode()), parse)
