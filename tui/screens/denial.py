"""The denial screen (``d``): paste an AWS "not authorized" message, read why, try the fix.

The user pastes the decoded JSON of ``aws sts decode-authorization-message``; ``ctrl+s`` (or the
button) explains it against the explorer's current account in a thread worker, showing the same
explanation as ``iam-explore explain-denial``: who, what, why, the least-privilege fix as
highlighted JSON and what the fix would cause. A sample that ships a decoded example message
(``<sample>.decoded-denial.txt``) offers it on ``e``. ``a`` posts
:class:`DenialScreen.FixChosen` (to the app, and as the dismiss result) so the explorer applies
the fix as a what-if. Bad input never crashes the screen: the located error is shown inline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rich.console import Group
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Static, TextArea
from textual.worker import Worker, WorkerState

from core.escalate.analysis import Analysis
from core.explain.denial import DenialExplanation, explain_denial, parse_message
from core.explain.whatif import Session
from core.model.account import Account
from core.model.errors import IamExploreError
from tui.commands.explain_denial import renderables
from tui.guard import SafeModal
from tui.safe_text import safe_message
from tui.widgets.footer import HELP, KeyFooter

HINT = (
    "Paste the decoded JSON of `aws sts decode-authorization-message` (the DecodedMessage wrapper "
    "is fine), then ctrl+s."
)

ENCODED = (
    "This is an encoded message: decode it first with `aws sts decode-authorization-message "
    "--encoded-message TEXT` (needs sts:DecodeAuthorizationMessage) and paste the output."
)
"""The one line shown when the pasted text is still encoded."""

EXAMPLE_SUFFIX = ".decoded-denial.txt"
"""A sample's decoded example denial sits next to it: ``classic-story.decoded-denial.txt``."""


def example_for(snapshot: object) -> str | None:
    """The decoded example message shipped next to ``snapshot`` (a path), if there is one."""
    from pathlib import Path

    try:
        path = Path(str(snapshot))
        example = path.with_name(path.stem + EXAMPLE_SUFFIX)
        return example.read_text(encoding="utf-8") if example.is_file() else None
    except (OSError, ValueError):
        return None


def _looks_encoded(text: str) -> bool:
    t = text.strip()
    return bool(t) and t[0] not in '{["' and " " not in t and len(t) > 40


class MessageArea(TextArea):
    """The message box: while it is empty and an example exists, ``e`` is the example key."""

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        screen = self.screen
        if (
            key == "e"
            and not self.text
            and isinstance(screen, DenialScreen)
            and screen.example is not None
        ):
            return False
        return super().check_consume_key(key, character)


class DenialScreen(SafeModal["DenialScreen.FixChosen | None"]):
    """Explain a pasted authorization failure message against the current account.

    Args:
        source: a ``core.explain.whatif.Session`` (its current account and analysis are used) or an
            ``Account``.
        text: initial message text.
    """

    DEFAULT_CSS = """
    DenialScreen { align: center middle; }
    DenialScreen #denial-body {
        width: 92%; height: 92%; border: round $accent; padding: 0 1; background: $surface;
    }
    DenialScreen #denial-input { height: 10; }
    DenialScreen.-explained #denial-input { height: 4; }
    DenialScreen #denial-buttons { height: auto; }
    DenialScreen #denial-error { color: $error; height: auto; }
    DenialScreen #denial-result { height: 1fr; }
    DenialScreen .hint { color: $text-muted; }
    """

    BINDINGS = [
        HELP,
        Binding("ctrl+s", "explain", "Explain", show=True, priority=True, id="denial-explain"),
        Binding("a", "apply_fix", "Apply fix as what-if", show=True, id="denial-apply"),
        Binding("escape", "close", "Close", show=True, priority=True, id="denial-close"),
        Binding("e", "example", "Example from this sample", show=True, priority=True),
    ]

    @dataclass
    class FixChosen(Message):
        """The user chose to apply the fix as a what-if (an inline policy on the principal).

        Attributes:
            principal_arn: the user or role that gets the policy.
            policy_name: the inline policy's name.
            document_text: the policy document (JSON).
        """

        principal_arn: str
        policy_name: str
        document_text: str

    def __init__(
        self, source: Session | Account, text: str = "", example: str | None = None
    ) -> None:
        super().__init__()
        self.source = source
        self.initial_text = text
        self.example = example
        """This sample's decoded example message (``e`` pastes it into the empty box)."""
        self.result: DenialExplanation | None = None
        """The last explanation (``None`` before one succeeds)."""
        self.error: str | None = None
        """The last error shown inline."""

    # -- source -------------------------------------------------------------------------------

    @property
    def account(self) -> Account:
        """The account to explain against (a session's current, what-if-changed account)."""
        return self.source if isinstance(self.source, Account) else self.source.current

    @property
    def analysis(self) -> Analysis | None:
        return self.source.analysis if isinstance(self.source, Session) else None

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="denial-body", classes="modal-body") as body:
            body.border_title = "Explain a denial (ctrl+s explains, a applies the fix, escape)"
            hint = HINT
            if self.example is not None:
                hint += " No message at hand? e pastes the example from this sample."
            yield Static(hint, classes="hint", markup=False, id="denial-hint")
            yield MessageArea(self.initial_text, id="denial-input", show_line_numbers=False)
            with Horizontal(id="denial-buttons"):
                yield Button("Explain (ctrl+s)", id="denial-explain-button", variant="primary")
                yield Button("Apply fix as what-if (a)", id="denial-apply-button", disabled=True)
            yield Static("", id="denial-error", markup=False)
            with VerticalScroll(id="denial-result", can_focus=True):
                yield Static("", id="denial-output")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#denial-input", TextArea).focus()

    # -- actions ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "apply_fix":
            return self._fix_ready()
        if action == "example":  # only into an empty box: otherwise e is just a letter
            return self.example is not None and not self._input_text().strip()
        return True

    def _input_text(self) -> str:
        try:
            return self.query_one("#denial-input", TextArea).text
        except Exception:  # not composed yet
            return ""

    def action_example(self) -> None:
        """Paste this sample's decoded example message and explain it."""
        if self.example is None:
            return
        text = self.example
        try:  # the CLI prints {"DecodedMessage": "<JSON in a string>"}: show it readable
            wrapper = json.loads(text)
            text = json.dumps(json.loads(wrapper["DecodedMessage"]), indent=2)
        except (ValueError, KeyError, TypeError):
            pass
        self.query_one("#denial-input", TextArea).text = text
        self.action_explain()

    @on(TextArea.Changed, "#denial-input")
    def _input_changed(self) -> None:
        self.refresh_bindings()

    def _fix_ready(self) -> bool:
        return self.result is not None and self.result.fix.document_text is not None

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#denial-explain-button")
    def _explain_pressed(self) -> None:
        self.action_explain()

    @on(Button.Pressed, "#denial-apply-button")
    def _apply_pressed(self) -> None:
        self.action_apply_fix()

    def action_explain(self) -> None:
        """Parse the pasted text (errors inline) and explain it in a thread worker."""
        text = self.query_one("#denial-input", TextArea).text
        if _looks_encoded(text):
            self._show_error(ENCODED)
            return
        try:
            message = parse_message(text)
        except IamExploreError as exc:
            self._show_error(str(exc))
            return
        self._show_error(None)
        self.query_one("#denial-output", Static).update("explaining…")
        self._explain(message)

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="denial",
        description="explain denial",
    )
    def _explain(self, message: Any) -> DenialExplanation:
        return explain_denial(self.account, message, before=self.analysis)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "denial":
            return
        if event.state == WorkerState.SUCCESS:
            result = event.worker.result
            assert isinstance(result, DenialExplanation)
            self._show_result(result)
        elif event.state == WorkerState.ERROR:
            err = event.worker.error
            text = str(err) if isinstance(err, IamExploreError) else f"internal error: {err!r}"
            self.query_one("#denial-output", Static).update("")
            self._show_error(text)

    def _show_error(self, text: str | None) -> None:
        self.error = text
        self.query_one("#denial-error", Static).update(f"✗ {safe_message(text)}" if text else "")
        if text:
            self.result = None
            self.query_one("#denial-apply-button", Button).disabled = True
            self.refresh_bindings()

    def _show_result(self, result: DenialExplanation) -> None:
        self.result = result
        self.query_one("#denial-output", Static).update(Group(*renderables(result)))
        self.query_one("#denial-apply-button", Button).disabled = not self._fix_ready()
        self.add_class("-explained")  # the answer gets the room; the message stays editable
        self.query_one("#denial-result", VerticalScroll).focus()
        self.refresh_bindings()

    def action_apply_fix(self) -> None:
        """Post the fix (to the app) and close; the explorer applies it as a what-if."""
        result = self.result
        if result is None or result.fix.document_text is None or result.fix.policy_name is None:
            self.notify("no fix policy to apply", severity="warning")
            return
        chosen = self.FixChosen(result.principal, result.fix.policy_name, result.fix.document_text)
        self.app.post_message(chosen)
        self.dismiss(chosen)
