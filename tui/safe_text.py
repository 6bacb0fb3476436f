"""Display text for untrusted values: never markup, never a raw control sequence, never huge.

A snapshot is often someone else's file and what a user types is arbitrary, so every value that
reaches the screen (explorer or CLI) goes through here:

- it becomes a :class:`rich.text.Text` (or a plain ``str`` for places that take one with
  ``markup=False``), so ``[bold]``, ``[/]`` or ``[@click=app.quit]`` in a name are shown as typed,
  never parsed as Rich or Textual markup;
- characters that are not printable (C0/C1 controls such as ESC and BEL, bidi overrides,
  zero-width and other format characters, line separators, lone surrogates) are shown escaped as
  Python writes them (``\\x1b``, ``\\u202e``), so a name cannot clear or retitle the terminal,
  write the clipboard (OSC 52) or reorder what the reader sees;
- values longer than ``limit`` characters are cut, with their full length shown, so a
  100,000-character name costs no more to lay out than a short one.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from core.report.escape import escape_controls

LIMIT = 300
"""Default number of characters shown of one value (single-line cells, names, titles)."""

LONG_LIMIT = 20_000
"""Characters shown of a multi-line text (error messages, policy documents)."""


def clip(value: str, limit: int = LIMIT) -> str:
    """``value`` cut to ``limit`` characters, with its full length shown when cut."""
    if limit <= 0 or len(value) <= limit:
        return value
    return f"{value[:limit]}… [{len(value):,} chars]"


def safe(value: object, limit: int = LIMIT, *, newlines: bool = False) -> str:
    """``value`` as a plain display string: cut to ``limit``, control characters escaped.

    The result is still *not* markup-safe: pass it as ``Text`` or with ``markup=False``.
    """
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit > 0:
        # Cut before escaping (cheap on huge values), then append the length note.
        return escape_controls(text[:limit], newlines=newlines) + f"… [{len(text):,} chars]"
    return escape_controls(text, newlines=newlines)


def safe_text(
    value: object, style: str = "", *, limit: int = LIMIT, newlines: bool = False
) -> Text:
    """``value`` as a :class:`Text` (never parsed as markup), escaped and cut (see :func:`safe`)."""
    return Text(safe(value, limit, newlines=newlines), style=style)


def safe_message(value: object, limit: int = LONG_LIMIT) -> str:
    """A multi-line message (errors, notifications): newlines kept, the rest escaped and cut."""
    return safe(value, limit, newlines=True)


def join(*parts: object, style: str = "") -> Text:
    """A :class:`Text` from plain pieces: ``str`` pieces are made safe, ``Text`` kept as is.

    For labels that mix fixed words with data: ``join("What-if for ", user.name)``.
    """
    out = Text(style=style)
    for part in parts:
        if isinstance(part, Text):
            out.append_text(part)
        else:
            out.append(safe(part))
    return out


LINE_LIMIT = 1_000
"""Characters shown of one line of a multi-line text (details, policy documents)."""


def _json_escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def safe_json(text: str, line_limit: int = 0) -> str:
    """JSON text with every non-printable character but the line feed written as ``\\uXXXX``.

    Inside a JSON string that escape means the same character, so the document is unchanged
    for a parser (the policy editor can round-trip it); outside strings valid JSON holds no
    such character. With ``line_limit``, longer lines are cut (display only).
    """
    if not text.replace("\n", "").isprintable():
        text = "".join(ch if ch.isprintable() or ch == "\n" else _json_escape(ch) for ch in text)
    if line_limit > 0 and len(text) > line_limit:
        text = "\n".join(clip(line, line_limit) for line in text.split("\n"))
    return text


def sanitize(text: Text, line_limit: int = LINE_LIMIT) -> Text:
    """A styled :class:`Text` built from untrusted pieces, made safe: control characters
    escaped and lines longer than ``line_limit`` cut, styles kept on what remains.

    For texts assembled with ``append`` from data (the Details pane); cheap when nothing needs
    changing.
    """
    plain = text.plain
    if plain.replace("\n", "").isprintable() and all(
        len(line) <= line_limit for line in plain.split("\n")
    ):
        return text
    bounds = sorted({0, len(plain), *(x for span in text.spans for x in (span.start, span.end))})
    out = Text(style=text.style, justify=text.justify, no_wrap=text.no_wrap, end=text.end)
    column = 0
    for piece in text.divide(bounds[1:-1]):
        styles = [span.style for span in piece.spans]
        lines = piece.plain.split("\n")
        for n, line in enumerate(lines):
            if n:
                out.append("\n")
                column = 0
            room = max(0, line_limit - column)
            shown = safe(line, room) if room else (f"… [{len(line):,} chars]" if line else "")
            column += len(line)
            start = len(out)
            out.append(shown)
            for style in styles:
                out.stylize(style, start, len(out))
    return out


def console(**kwargs: Any) -> Console:
    """The CLI's Rich console: markup, emoji codes and highlighting off (every ``str`` printed
    is literal), and a closed pipe (``scan | head -1``) raises ``BrokenPipeError`` for the CLI
    to end quietly with its documented code instead of Rich's ``SystemExit(1)``."""
    from tui.colour import no_colour

    kwargs.setdefault("markup", False)
    kwargs.setdefault("emoji", False)
    kwargs.setdefault("highlight", False)
    if no_colour():  # NO_COLOR, TERM=dumb and -mono terminals (tui.colour)
        kwargs.setdefault("no_color", True)
    return _PipeConsole(**kwargs)


class _PipeConsole(Console):
    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError
