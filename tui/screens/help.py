"""The ``?`` help screen, built from the keymap table."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static

from tui.guard import SafeModal
from tui.keymap import keymap_markdown
from tui.widgets.footer import KeyFooter

TOUR = """\
## Tour: the classic story (`sample_accounts/classic-story.json`)

1. **The account.** `test-user` has only `AmazonEC2FullAccess`. The role `EC2-roles-for-XYZ`
   has `AdministratorAccess`, trusts `ec2.amazonaws.com` and sits in an instance profile.
2. **Why the launch fails.** `ec2:RunInstances` is allowed, but launching with the instance
   profile hands the role to EC2, which needs `iam:PassRole` on the role, and nothing allows
   it: implicit deny. See it: `1`, `enter` on test-user, then `2`: Details says why not.
3. **The fix.** Allow `iam:PassRole` on that one role with `iam:PassedToService` =
   `ec2.amazonaws.com`. Try it: `d`, then `e` explains this sample's decoded denial and shows
   the fix; `a` applies it as a what-if (or `w`, "Add an inline policy").
4. **What the fix opens.** An `▲ ADMIN` edge: test-user can start an instance as an admin role
   and use its credentials, so the fix makes test-user admin. `u` undoes it; `:export DIR`
   writes the changed policy. `n` jumps between escalations; `p` lists paths to admin.
"""
"""A first-minute walkthrough of the seed story (shown at the top of ``?``)."""


class HelpScreen(SafeModal[None]):
    """Every key and ``:`` command, from :data:`tui.keymap.KEYMAP`."""

    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss(None)", "Close", show=True),
        Binding("j", "scroll('down')", show=False),
        Binding("k", "scroll('up')", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body", classes="modal-body") as body:
            body.border_title = "Help: a tour, then every key (escape closes)"
            yield Static(
                "iam-explore: who can escalate through iam:PassRole, and why.\n"
                "Edges read ADMIN (the role is admin-equivalent), GAIN (the role can do more), "
                "none, and cond (only if conditions hold).",
                classes="help-intro",
                markup=False,
            )
            yield Markdown(TOUR, id="help-tour")
            yield Markdown("## Keys\n\n" + keymap_markdown(), id="help-keys")
        yield KeyFooter()

    def action_scroll(self, direction: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        if direction == "down":
            body.scroll_down()
        else:
            body.scroll_up()
