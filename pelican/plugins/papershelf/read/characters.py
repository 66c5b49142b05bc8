"""Characters that no listing or note may hold.

Control characters (all but tab, line feed and carriage return), lone
surrogates and Unicode's non-characters mean nothing in a title or an
abstract, cannot be written in XML (a feed would be invalid) or in UTF-8 (a
lone surrogate), and some move a terminal's cursor when a problem is
printed. A file that holds one is refused at its line, as any other problem.
"""

from __future__ import annotations

import re
import unicodedata

# Forbidden in the Basic Multilingual Plane, and the non-characters past it.
_BMP_CLASS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
_ASTRAL_NONCHARACTERS = "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17)
)
FORBIDDEN_RE = re.compile(f"[{_BMP_CLASS}{_ASTRAL_NONCHARACTERS}]")
# Python's re tests a class holding characters past the BMP one range at a
# time, ten times slower than a class within it (a bitmap); text with no such
# character, nearly all text, is searched with the BMP's part alone.
_BMP_FORBIDDEN_RE = re.compile(f"[{_BMP_CLASS}]")
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")


def _pattern(text: str) -> re.Pattern:
    """FORBIDDEN_RE, or a faster one that finds the same in this text."""
    return FORBIDDEN_RE if _ASTRAL_RE.search(text) else _BMP_FORBIDDEN_RE


def describe(character: str) -> str:
    """'control character U+001B', say."""
    code = ord(character)
    if 0xD800 <= code <= 0xDFFF:
        kind = "lone surrogate"
    elif unicodedata.category(character) == "Cc":
        kind = "control character"
    else:
        kind = "non-character"
    return f"{kind} U+{code:04X}"


def forbidden(text: str) -> str | None:
    """What is wrong with the text, if it holds a forbidden character."""
    match = _pattern(text).search(text)
    return None if match is None else describe(match.group())


def forbidden_in_name(name: str) -> str | None:
    """What is wrong with a file's name: tabs and line breaks are not allowed
    there either."""
    match = re.search(r"[\t\n\r]", name)
    return describe(match.group()) if match else forbidden(name)


def forbidden_lines(text: str) -> list[tuple[int, str]]:
    """(line, what) for each line of the text that holds a forbidden character."""
    found = []
    for match in _pattern(text).finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        if not found or found[-1][0] != line:
            found.append((line, describe(match.group())))
    return found


def printable(text: str) -> str:
    """Text safe to print to a terminal: forbidden characters as escapes."""
    return FORBIDDEN_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
