"""Untrusted text made safe to write: every non-printable character shown as an escape.

A snapshot is often someone else's file: a name, path, Sid or condition value may hold ESC,
BEL, bidi overrides or zero-width characters. Every writer of such text (the explorer, the CLI,
graph exports) shows them escaped as Python writes them (``\\x1b``, ``\\u202e``), so a value
cannot clear or retitle a terminal, write the clipboard (OSC 52) or reorder what the reader
sees. The explorer's display helpers (:mod:`tui.safe_text`) build on this.
"""

from __future__ import annotations

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(ch: str) -> str:
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def escape_controls(value: str, *, newlines: bool = False) -> str:
    """``value`` with every non-printable character written as an escape (``\\x1b``).

    ``str.isprintable`` decides (false for Unicode categories Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs
    other than the space), so bidi overrides (U+202E) and zero-width characters (U+200B) are
    escaped along with C0/C1 controls (``\\n``, ``\\r``, ``\\t`` by name). With ``newlines``
    a line feed is kept (multi-line text).
    """
    if value.isprintable():
        return value
    out = []
    for ch in value:
        if ch.isprintable() or (newlines and ch == "\n"):
            out.append(ch)
        else:
            out.append(_escape_char(ch))
    return "".join(out)
