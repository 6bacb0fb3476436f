"""Pilot tests of the denial screen: paste a message, explain, apply the fix as a what-if."""

from __future__ import annotations

import io
import json
from typing import Any

from rich.console import Console
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static, TextArea

from core.loader import load_account
from core.model import Account
from core.samples import sample_path
from core.whatif import Session
from tui.screens.denial import DenialScreen

ACCT = "111122223333"
USER = f"arn:aws:iam::{ACCT}:user/test-user"
ROLE = f"arn:aws:iam::{ACCT}:role/EC2-roles-for-XYZ"

SEED: dict[str, Any] = {
    "allowed": False,
    "explicitDeny": False,
    "matchedStatements": {"items": []},
    "failures": {"items": []},
    "context": {
        "principal": {"id": "AIDAXCVLSF5DFWEX4EGWK", "name": "test-user", "arn": USER},
        "action": "iam:PassRole",
        "resource": ROLE,
        "conditions": {
            "items": [
                {
                    "key": "iam:PassedToService",
                    "values": {"items": [{"value": "ec2.amazonaws.com"}]},
                }
            ]
        },
    },
}


class Host(App[None]):
    """A tiny app that opens the screen and records what it posts."""

    def __init__(self, source: Session | Account) -> None:
        super().__init__()
        self.source = source
        self.chosen: list[DenialScreen.FixChosen] = []
        self.dismissed: list[DenialScreen.FixChosen | None] = []

    def on_mount(self) -> None:
        self.push_screen(DenialScreen(self.source), self.dismissed.append)

    def on_denial_screen_fix_chosen(self, message: DenialScreen.FixChosen) -> None:
        self.chosen.append(message)


def _account() -> Account:
    return load_account(sample_path("classic-story"))


def _output(screen: DenialScreen) -> str:
    """The result pane's text, as a terminal would show it."""
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(screen.query_one("#denial-output", Static).content)
    return console.export_text()


async def _explain(pilot: Pilot[None], text: str) -> DenialScreen:
    screen = pilot.app.screen
    assert isinstance(screen, DenialScreen)
    screen.query_one("#denial-input", TextArea).text = text
    await pilot.press("ctrl+s")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return screen


async def test_explain_seed_and_apply_fix() -> None:
    app = Host(Session(_account()))
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.pause()
        screen = await _explain(pilot, json.dumps(SEED))
        assert screen.error is None
        assert screen.result is not None
        assert screen.result.blocked_by == "no-allow"
        assert screen.result.becomes_admin
        # The rendered explanation names the block, the fix and the admin consequence.
        rendered = " ".join(_output(screen).split())
        assert "blocked by: no-allow" in rendered
        assert "test-user becomes admin" in rendered
        assert '"iam:PassedToService": "ec2.amazonaws.com"' in rendered
        await pilot.press("a")
        await pilot.pause()
    assert len(app.chosen) == 1
    chosen = app.chosen[0]
    assert chosen.principal_arn == USER
    assert chosen.policy_name == "PassRole-EC2-roles-for-XYZ-to-ec2"
    assert json.loads(chosen.document_text)["Statement"][0]["Resource"] == ROLE
    assert app.dismissed == [chosen]


async def test_accepts_plain_account_and_wrapper() -> None:
    app = Host(_account())
    wrapped = json.dumps({"DecodedMessage": json.dumps(SEED)})
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.pause()
        screen = await _explain(pilot, wrapped)
        assert screen.result is not None and screen.result.becomes_admin


async def test_bad_input_shows_located_error_and_a_does_nothing() -> None:
    app = Host(_account())
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.pause()
        screen = await _explain(pilot, '{"context": {"principal": {"arn": "x"}, ')
        assert screen.error is not None and "line 1 column" in screen.error
        assert screen.result is None
        unknown = {**SEED["context"], "principal": {"arn": f"arn:aws:iam::{ACCT}:user/nobody"}}
        screen = await _explain(pilot, json.dumps({**SEED, "context": unknown}))
        assert screen.error is not None and "not in the snapshot" in screen.error
        screen = await _explain(pilot, "AQoDYXdzEJr" * 20)
        assert screen.error is not None and "decode it first" in screen.error
        assert "\n" not in screen.error  # one line
        screen.query_one("#denial-result").focus()
        await pilot.press("a")
        await pilot.pause()
        assert app.chosen == []
        assert isinstance(app.screen, DenialScreen)


async def test_escape_closes() -> None:
    app = Host(_account())
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DenialScreen)
    assert app.dismissed == [None]
