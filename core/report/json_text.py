"""JSON text written directly, byte for byte what :func:`json.dumps` writes, but faster for the
report's shapes: a large scan report holds hundreds of thousands of findings whose strings and
statement lists repeat.

* :func:`string`, :func:`opt_string`, :func:`string_list`: values with ``json.dumps``'s
  defaults (``ensure_ascii``, separators ``", "`` and ``": "``);
* :func:`write_indented`: ``json.dumps(value, indent=2)`` streamed through ``write`` (the
  standard library's indenting encoder is pure Python and holds the whole text as chunks:
  gigabytes for a large SARIF log); a value may hold iterators, written as lists as they are
  produced, and :class:`Rendered` values, which write their own text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from json.encoder import encode_basestring_ascii

string: Callable[[str], str] = encode_basestring_ascii
"""A string as ``json.dumps`` writes it (ASCII, escaped)."""


def opt_string(value: str | None) -> str:
    """A string or ``null``."""
    return "null" if value is None else encode_basestring_ascii(value)


def string_list(values: Iterable[str]) -> str:
    """A list of strings: ``["a", "b"]`` (``[]`` when empty)."""
    return "[" + ", ".join(map(encode_basestring_ascii, values)) + "]"


def write_indented(value: object, write: Callable[[str], object], indent: int = 2) -> None:
    """Write ``json.dumps(value, indent=indent)`` through ``write``, in pieces of about a line.

    Dicts (string keys), lists, tuples and iterators (as lists), strings, ints, bools and
    ``None`` are written here; any other value (a float) as ``json.dumps`` writes it.
    """
    buf: list[str] = []
    _indented(value, "\n", " " * indent, buf, write)
    if buf:
        write("".join(buf))


class Rendered:
    """A value that writes its own indented text (a SARIF result: one function call instead
    of a dict per value written by :func:`write_indented`)."""

    __slots__ = ()

    def render(self, newline: str, step: str) -> str:
        """Its text, as ``json.dumps(..., indent=len(step))`` writes it nested: ``newline`` is
        the line break and indentation of the line it starts on."""
        raise NotImplementedError


_FLUSH = 512
"""Pieces gathered before one ``write``: few calls, and never much text held."""


def _indented(
    value: object, newline: str, step: str, buf: list[str], write: Callable[[str], object]
) -> None:
    kind = type(value)  # exact types first: cheaper than isinstance, most values are these
    if kind is str:
        buf.append(encode_basestring_ascii(value))  # type: ignore[arg-type]  # a str
    elif kind is dict or (kind is not list and isinstance(value, Mapping)):
        if not value:
            buf.append("{}")
            return
        inner = newline + step
        sep = "{" + inner
        for k, v in value.items():  # type: ignore[attr-defined]  # a mapping
            if type(k) is not str:
                raise TypeError(f"keys must be str, not {type(k).__name__}")
            buf.append(sep + encode_basestring_ascii(k) + ": ")
            sep = "," + inner
            t = type(v)
            if t is str:
                buf.append(encode_basestring_ascii(v))
            elif v is None:
                buf.append("null")
            elif v is True:
                buf.append("true")
            elif v is False:
                buf.append("false")
            else:
                _indented(v, inner, step, buf, write)
        buf.append(newline + "}")
    elif kind is list or kind is tuple or isinstance(value, Iterator):
        inner = newline + step
        sep = "[" + inner
        for v in value:  # type: ignore[attr-defined]  # a list, tuple or iterator
            buf.append(sep)
            sep = "," + inner
            if type(v) is str:
                buf.append(encode_basestring_ascii(v))
            elif isinstance(v, Rendered):
                buf.append(v.render(inner, step))
            else:
                _indented(v, inner, step, buf, write)
            if len(buf) >= _FLUSH:
                write("".join(buf))
                buf.clear()
        buf.append("[]" if sep == "[" + inner else newline + "]")
    elif value is None:
        buf.append("null")
    elif value is True:
        buf.append("true")
    elif value is False:
        buf.append("false")
    elif kind is int:
        buf.append(int.__repr__(value))
    elif isinstance(value, str):
        buf.append(encode_basestring_ascii(value))
    elif isinstance(value, Rendered):
        buf.append(value.render(newline, step))
    else:
        buf.append(json.dumps(value))
