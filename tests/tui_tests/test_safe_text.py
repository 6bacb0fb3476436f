"""tui.safe_text: untrusted values are shown literally, escaped where control, and cut."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from core.report.escape import escape_controls
from tui.safe_text import clip, join, safe, safe_message, safe_text


def test_markup_is_kept_literally() -> None:
    for value in ("[/]", "[bold red]x[/]", "[@click=app.quit]q", "acct[prod].json", "x[/"):
        text = safe_text(value)
        assert isinstance(text, Text)
        assert text.plain == value
        assert not text.spans


def test_control_and_invisible_characters_are_escaped() -> None:
    assert safe("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert safe("\x1b]0;title\x07") == "\\x1b]0;title\\x07"
    assert safe("evil\u202eexe.txt") == "evil\\u202eexe.txt"
    assert safe("zero\u200bwidth\ufeff") == "zero\\u200bwidth\\ufeff"
    assert safe("c1\x9bm") == "c1\\x9bm"
    assert safe("line\u2028sep") == "line\\u2028sep"
    assert safe("lone\ud800") == "lone\\ud800"
    assert safe("tag\U000e0041") == "tag\\U000e0041"
    assert safe("two\nlines") == "two\\nlines"
    assert safe_message("two\nlines\x07") == "two\nlines\\x07"
    assert escape_controls("tab\there\r") == "tab\\there\\r"


def test_printable_unicode_is_untouched() -> None:
    for value in ("café", "日本語", "→ ▲ △", "emoji 🙂", "a b"):
        assert safe(value) == value


def test_long_values_are_cut_with_their_length() -> None:
    value = "x" * 100_000
    shown = safe(value)
    assert shown.startswith("x" * 300)
    assert shown.endswith("… [100,000 chars]")
    assert len(shown) < 400
    assert clip("short") == "short"
    assert clip("abcdef", 3) == "abc… [6 chars]"
    assert safe("\x1b" * 10, 2) == "\\x1b\\x1b… [10 chars]"


def test_join_mixes_styled_text_and_data() -> None:
    t = join("What-if for ", Text("user", style="bold"), " x[/]\x1b")
    assert t.plain == "What-if for user x[/]\\x1b"


def test_rendered_output_has_no_raw_escape() -> None:
    console = Console(file=None, record=True, width=80, force_terminal=False)
    console.print(safe_text("\x1b]52;c;SGVsbG8=\x07[/]"))
    out = console.export_text()
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b]52;c;SGVsbG8=\\x07[/]" in out
