"""JSON that the LRS can store and return exactly, or a 400 naming the property.

Python's json module accepts NaN, Infinity and numbers beyond a double (1e400 becomes
infinity, 1e-400 becomes 0.0), and lone surrogate escapes ("\\ud800") that no UTF-8 text can
hold; stored, the first turn into null or another number, the second cannot be written at all.
None of them is valid JSON that can be returned as sent (xAPI 2.0 §4.1.2.1 JSON, RFC 8259 §6
and §8.2), so they are refused. The check costs nothing for the usual body: it runs only when a
quick scan of the bytes finds something that may be one of them.
"""

import json
import math
import re

_SUSPECT = re.compile(rb"NaN|Infinity|[eE][+-]?\d{3}|\d{300}|\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_DIGIT = re.compile("[1-9]")
NON_FINITE = (
    "is not a finite number that can be stored exactly (JSON has no NaN or Infinity, and numbers must fit a double)"
)
SURROGATE = "contains a lone UTF-16 surrogate escape, which is not a character"


class Unstorable(ValueError):
    def __init__(self, path: str, message: str):
        self.path, self.message = path, message
        super().__init__(f"{path}: {message}")


class _Inexact:
    """A number parsed from JSON that a double cannot hold, kept as its text to be reported."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


def _float(text: str) -> object:
    value = float(text)
    if math.isinf(value) or (value == 0.0 and _DIGIT.search(re.split("[eE]", text)[0])):
        return _Inexact(text)
    return value


def has_surrogate(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def problem(value: object, path: str) -> tuple[str, str] | None:
    """The first property of a parsed JSON value that cannot be stored exactly, with why."""
    if isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else key
            if has_surrogate(key):
                return child, SURROGATE
            found = problem(item, child)
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = problem(item, f"{path}[{index}]")
            if found:
                return found
    elif isinstance(value, _Inexact):
        return path, f"{value.text} {NON_FINITE}"
    elif isinstance(value, float) and not math.isfinite(value):
        return path, f"{value} {NON_FINITE}"
    elif isinstance(value, str) and has_surrogate(value):
        return path, SURROGATE
    return None


def loads(text: bytes | str, root: str | None = None) -> object:
    """json.loads that raises Unstorable (path, message) for what cannot be stored exactly.

    `root` names the value in the path; by default a list is "statements" and anything else
    "statement", as the 400s of statement validation name them. Invalid JSON raises ValueError;
    nesting deeper than the interpreter can parse raises RecursionError.
    """
    raw = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    if _SUSPECT.search(raw) is None:
        return json.loads(text)
    # The scan is coarse (a UUID's "e123" matches it), so the parse itself notes what it met
    # that a double cannot hold; the walk naming the property runs only when there is one.
    inexact: list[_Inexact] = []

    def constant(name: str) -> _Inexact:
        inexact.append(_Inexact(name))
        return inexact[-1]

    def number(text: str) -> object:
        value = _float(text)
        if isinstance(value, _Inexact):
            inexact.append(value)
        return value

    data = json.loads(text, parse_constant=constant, parse_float=number)
    if not inexact and isinstance(text, bytes) and _SURROGATE_ESCAPE.search(raw) is None:
        return data
    found = problem(data, root if root is not None else ("statements" if isinstance(data, list) else "statement"))
    if found:
        raise Unstorable(*found)
    return data
