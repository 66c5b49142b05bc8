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

from ..digest import digest
from ..site.kinds import Output
from ..site.records import values_digest

# Globals that render a template of their own: a template that calls one uses it.
TEMPLATE_GLOBALS = {"paper_item": "_paper_item.html", "tag_links": "_macros.html"}


class Fingerprints:
    """Fingerprints of the files of one build."""

    def __init__(self, env: Environment, common: bytes) -> None:
        self.env = env
        self.common = common
        self._templates: dict[str, bytes] = {}

    def of(self, output: Output) -> bytes:
        used = self.template(output.template + ".html") if output.template else b""
        return self.common + values_digest(output.writer, used, output.url, output.values)

    def template(self, name: str) -> bytes:
        """A digest of the sources of a template and of all it uses."""
        if name not in self._templates:
            used = sorted(self.uses(name))
            sources = [self.env.loader.get_source(self.env, each)[0] for each in used]
            self._templates[name] = digest(used, sources)
        return self._templates[name]

    def uses(self, name: str) -> list[str]:
        """The template and every template it uses, by name. A template
        named by an expression (`{% include page.kind %}`) could be any
        one: then all of the theme's."""
        found, todo = [], [name]
        while todo:
            current = todo.pop()
            if current in found:
                continue
            found.append(current)
            source = self.env.loader.get_source(self.env, current)[0]
            tree = self.env.parse(source)
            named = list(meta.find_referenced_templates(tree))
            if None in named:
                return sorted(self.env.list_templates())
            named += [
                TEMPLATE_GLOBALS[node.name]
                for node in tree.find_all(nodes.Name)
                if node.name in TEMPLATE_GLOBALS
            ]
            todo += named
        return found
