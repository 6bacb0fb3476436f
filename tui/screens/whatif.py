"""The what-if panel (``w``) and the policy editor.

The panel lists changes that make sense for the selection (the selected edge's statements, the
principal's groups and policies) and returns a ``core.whatif.Change``; the main screen applies
it to the session in a thread worker. Nothing here touches the disk.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from core.errors import IamExploreError
from core.whatif import Change, validate_document
from core.whatif_options import EditSpec, WhatIfOption
from tui.guard import SafeModal
from tui.safe_text import LONG_LIMIT, safe, safe_json, safe_message, safe_text
from tui.widgets.footer import HELP, KeyFooter


class WhatIfScreen(SafeModal[Change | None]):
    """Choose a change for the selection; returns the ``Change`` (or ``None``)."""

    BINDINGS = [
        HELP,
        Binding("escape,q", "dismiss(None)", "Cancel", show=True),
        Binding("j", "cursor('down')", show=False),
        Binding("k", "cursor('up')", show=False),
    ]

    def __init__(self, title: str, options: list[WhatIfOption]) -> None:
        super().__init__()
        self.title_text = title
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical(id="whatif-body", classes="modal-body") as body:
            body.border_title = safe_text(self.title_text, limit=160)
            yield Static(
                "Pick a change (enter). It is applied to an in-memory copy; nothing on disk "
                "changes unless you :export.",
                classes="hint",
            )
            yield OptionList(
                # Text prompts: names and Sids with brackets are not markup.
                *(Option(safe_text(o.label), id=str(n)) for n, o in enumerate(self.options)),
                id="whatif-options",
            )
        yield KeyFooter()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        option = self.options[int(event.option.id or 0)]
        if option.edit is not None:
            self.app.push_screen(EditorScreen(option.edit), self._edited)
            return
        assert option.make is not None
        try:
            change = option.make()
        except IamExploreError as exc:
            self.notify(str(exc), title="Cannot make this change", severity="error")
            return
        self.dismiss(change)

    def _edited(self, change: Change | None) -> None:
        if change is not None:
            self.dismiss(change)


class EditorScreen(SafeModal[Change | None]):
    """Edit a policy document; JSON and grammar are checked as you type.

    ``ctrl+s`` builds the change; a rejected document keeps the editor open with the located
    message.
    """

    BINDINGS = [
        HELP,
        Binding("ctrl+s", "apply", "Apply what-if", show=True, priority=True),
        Binding("escape", "dismiss(None)", "Cancel", show=True, priority=True),
    ]

    def __init__(self, spec: EditSpec) -> None:
        super().__init__()
        self.spec = spec
        self.problems: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="editor-body", classes="modal-body") as body:
            body.border_title = safe_text(
                f"{safe(self.spec.title, 120)} (ctrl+s applies, escape cancels)"
            )
            if self.spec.name is not None:
                yield Input(self.spec.name, id="editor-name", placeholder="policy name")
            # Invisible characters as \\u escapes: the same JSON, but nothing hidden on screen.
            yield TextArea(
                safe_json(self.spec.text),
                id="editor",
                show_line_numbers=True,
                tab_behavior="indent",
            )
            yield Static("", id="editor-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()
        self.validate(self.query_one(TextArea).text)

    @on(TextArea.Changed)
    def changed(self, event: TextArea.Changed) -> None:
        self.validate(event.text_area.text)

    def validate(self, text: str) -> list[str]:
        """Check ``text`` with ``validate_document`` and show the located problems."""
        try:
            problems = [str(p) for p in validate_document(text)]
        except IamExploreError as exc:  # a validator that raises instead of returning
            problems = [str(exc)]
        self.problems = problems
        self._status("✗ " + "\n✗ ".join(problems) if problems else "✓ valid policy document")
        return problems

    def _status(self, text: str) -> None:
        status = self.query_one("#editor-status", Static)
        status.update(safe_message(text, LONG_LIMIT))
        invalid = text.startswith("✗")
        status.set_class(invalid, "-invalid")
        status.set_class(not invalid, "-valid")

    def action_apply(self) -> None:
        text = self.query_one(TextArea).text
        if self.validate(text):
            self.notify("fix the problems first", title="Not applied", severity="warning")
            return
        name = self.spec.name or ""
        for field in self.query("#editor-name").results(Input):
            name = field.value.strip()
        try:
            change = self.spec.build(text, name)
        except IamExploreError as exc:
            self._status(f"✗ {exc}")
            return
        self.dismiss(change)
