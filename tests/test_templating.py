"""The generator's Jinja environment renders exactly what plain Jinja renders."""

import pytest
from jinja2 import DictLoader, Environment, StrictUndefined, UndefinedError
from markupsafe import Markup, escape

from pelican.plugins.papershelf.site import templating

TEMPLATES = {
    "base.html": "<title>{% block title %}{{ site }}{% endblock %}</title>{% block body %}{% endblock %}",
    "macros.html": (
        "{% macro link(url, text) %}<a href='{{ url }}'>{{ text }}</a>{% endmacro %}"
        "{% macro box() %}<div>{{ caller() }}</div>{% endmacro %}"
    ),
    "page.html": (
        '{% extends "base.html" %}{% from "macros.html" import link, box %}'
        "{% block title %}{{ title }} · {{ super() }}{% endblock %}"
        "{% block body %}{% set heading %}<h1>{{ title }}</h1>{% endset %}{{ heading }}"
        "{{ link(url, title) }}{% call box() %}{{ title | upper }}{% endcall %}"
        "{% filter lower %}<p>{{ title }}</p>{% endfilter %}"
        "{% for n in numbers %}{{ n }}{{ missing }}{% endfor %}{{ safe }}{{ none }}"
        "{% autoescape false %}{{ title }}{% endautoescape %}{{ helper() }}{% endblock %}"
    ),
}
VALUES = {
    "site": "Papers & <More>",
    "title": "Attention \"Is\" <All> You Need & 'more'",
    "url": "https://example.org/?a=1&b=2",
    "numbers": [1, 2.5, -3],
    "safe": Markup("<em>kept</em>"),
    "none": None,
}


def environment(install: bool) -> Environment:
    env = Environment(loader=DictLoader(TEMPLATES), autoescape=True)
    if install:
        templating.install(env)
    env.globals["helper"] = lambda: "<from a global>"
    return env


def test_pages_render_as_plain_jinja_renders_them():
    plain = environment(install=False).get_template("page.html").render(VALUES)
    fast = environment(install=True).get_template("page.html").render(VALUES)
    assert fast == plain
    assert "&lt;All&gt; You Need &amp; &#39;more&#39;" in fast
    assert "<em>kept</em>" in fast
    assert "<All> You Need" in fast  # inside {% autoescape false %}
    assert "&lt;from a global&gt;" in fast


@pytest.mark.parametrize(
    "value", ["a < b & \"c\" 'd'", "", Markup("<b>safe</b>"), 42, 1.5, None, ["<x>"], escape("<")]
)
def test_escape_output_gives_the_text_of_markupsafe_escape(value):
    assert templating.escape_output(value) == str(escape(value))
    assert type(templating.escape_output(value)) in (str, Markup)


def test_undefined_values_still_fail_where_jinja_fails():
    env = environment(install=True)
    env.undefined = StrictUndefined
    with pytest.raises(UndefinedError):
        env.from_string("{{ nothing }}").render()


def test_templates_see_the_globals_set_before_they_load():
    env = environment(install=True)
    env.globals["greeting"] = "hello"
    assert (
        env.from_string("{{ greeting }}, {{ helper() }}").render() == "hello, &lt;from a global&gt;"
    )


def test_compiled_templates_are_kept_only_for_the_code_that_compiled_them(tmp_path):
    class Recorded(templating.BytecodeCache):
        def load_bytecode(self, bucket):
            super().load_bytecode(bucket)
            found.append(bucket.code is not None)

    def render(code: bytes) -> str:
        env = environment(install=True)
        env.bytecode_cache = Recorded(str(tmp_path), code)
        return env.get_template("page.html").render(VALUES)

    found: list[bool] = []
    expected = environment(install=False).get_template("page.html").render(VALUES)
    assert render(b"one") == expected
    assert found == [False, False, False]  # page, base and macros: compiled
    found.clear()
    assert render(b"one") == expected
    assert found == [True, True, True]
    found.clear()
    assert render(b"two") == expected  # other code: compiled again
    assert found == [False, False, False]
