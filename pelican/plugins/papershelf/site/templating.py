"""How the generator's Jinja environment compiles and renders templates: the
same pages as plain Jinja, with less work a value and a render.

A build renders tens of thousands of pages and list items, and two costs of
Jinja's own add up over them:

- With autoescaping, every value a template outputs goes through
  `markupsafe.escape`, which wraps the escaped text in a new `Markup`; output
  is only ever joined into the page (or into a block or macro that Jinja
  wraps in `Markup` itself), so `escape_output` gives the same text as a str.
- Each render copies the template's globals, which Jinja keeps as a
  `ChainMap` over the environment's and walks in Python twice a render (13 of
  17 µs for an empty template).
  Jinja's documentation asks that globals not change once a template is
  loaded, so each template gets them as a dict instead.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import markupsafe
from jinja2 import Environment, FileSystemBytecodeCache
from jinja2.bccache import Bucket
from jinja2.compiler import CodeGenerator

from .. import files

logger = logging.getLogger(__name__)
_CHECKSUM = 32  # bytes of blake2b at the end of a compiled template


def _checksum(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=_CHECKSUM).digest()


try:  # markupsafe's escaping in C, without the Markup around it
    from markupsafe import _escape_inner as _escape_text
except ImportError:  # pragma: no cover - markupsafe before 3.0, or after a rename

    def _escape_text(text: str) -> str:
        return str(markupsafe.escape(text))


def escape_output(value: Any) -> str:
    """The text of `markupsafe.escape(value)`, as a str."""
    if type(value) is str:
        return _escape_text(value)
    html = getattr(value, "__html__", None)
    return html() if html is not None else _escape_text(str(value))


class _CodeGenerator(CodeGenerator):
    """Jinja's code, with `escape_output` for each autoescaped output."""

    def _output_child_pre(self, node, frame, finalize) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("environment.escape_output(")
        if finalize.src is not None:
            self.write(finalize.src)


def install(env: Environment) -> None:
    """Set up an environment that autoescapes, before it loads a template."""
    env.autoescape = True
    env.code_generator_class = _CodeGenerator
    env.escape_output = escape_output
    env.make_globals = functools.partial(_globals, env)


def _globals(env: Environment, own: MutableMapping | None) -> dict:
    return {**env.globals, **(own or {})}


class BytecodeCache(FileSystemBytecodeCache):
    """Compiled templates in a folder, good only for the code that compiled
    them: Jinja checks a template's source, and the code generator is ours."""

    def __init__(self, directory: str, code: bytes):
        super().__init__(directory)
        self._code = code

    def get_source_checksum(self, source: str) -> str:
        return hashlib.blake2b(self._code + source.encode("utf-8"), digest_size=20).hexdigest()

    # Each file ends with a checksum of the compiled code, written last: Python
    # runs what `marshal` loads, and damaged bytecode can crash the interpreter.
    def load_bytecode(self, bucket: Bucket) -> None:
        path = Path(self._get_cache_filename(bucket))
        try:
            data = path.read_bytes()
        except OSError:
            return  # not compiled yet
        code, checksum = data[:-_CHECKSUM], data[-_CHECKSUM:]
        if len(data) <= _CHECKSUM or _checksum(code) != checksum:
            logger.warning("papershelf: %s is damaged: compiling the template again", path)
            return
        bucket.load_bytecode(io.BytesIO(code))

    def dump_bytecode(self, bucket: Bucket) -> None:
        code = io.BytesIO()
        bucket.write_bytecode(code)
        data = code.getvalue()
        files.write_bytes(self._get_cache_filename(bucket), [data, _checksum(data)])
