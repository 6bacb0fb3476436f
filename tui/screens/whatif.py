"""The what-if panel (``w``) and the policy editor.

The panel lists changes that make sense for the selection (the selected edge's statements, the
principal's groups and policies) and returns a ``core.whatif.Change``; the main screen applies
it to the session in a thread worker. Nothing here touches the disk.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from core.decision import StatementRef
from core.errors import IamExploreError
from core.findings import Finding
from core.model import Account, Group, InlinePolicy, ManagedPolicy, Role, User
from tui.guard import SafeModal
from tui.safe_text import LONG_LIMIT, safe, safe_json, safe_message, safe_text
from tui.widgets.footer import HELP, KeyFooter
from tui.widgets.index import owned_policies, service_by_id, short, statement_owner


@dataclass(frozen=True)
class EditSpec:
    """A document to edit before the change is built.

    Attributes:
        title: the editor's title.
        text: the initial document.
        build: ``build(text, name) -> Change``.
        name: the policy name, editable when not ``None`` (new policies).
    """

    title: str
    text: str
    build: Callable[[str, str], Any]
    name: str | None = None


@dataclass(frozen=True)
class WhatIfOption:
    """One entry of the panel: a label and how to build the change.

    ``make`` returns a change directly; ``edit`` opens the editor first.
    """

    label: str
    make: Callable[[], Any] | None = None
    edit: EditSpec | None = None
    same: tuple[str, ...] = ()
    """What the change does (``disable``/``edit``, owner, policy, statement): the panel offers
    each change once, under its first, most specific wording."""


def unique(options: list[WhatIfOption]) -> list[WhatIfOption]:
    """``options`` without the ones that repeat an earlier option's change."""
    seen: set[tuple[str, ...]] = set()
    out = []
    for option in options:
        if option.same and option.same in seen:
            continue
        seen.add(option.same)
        out.append(option)
    return out


def passrole_template(role: Role | None, service: str | None) -> str:
    """A policy that lets the principal pass ``role`` to ``service`` (the classic fix)."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Action": "iam:PassRole",
        "Resource": role.arn if role else "arn:aws:iam::123456789012:role/ROLE",
    }
    if service:
        statement["Condition"] = {"StringEquals": {"iam:PassedToService": service}}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, indent=2)


def options_for(
    whatif: ModuleType,
    account: Account,
    entity: User | Role | None,
    finding: Finding | None = None,
    role: Role | None = None,
    ref: StatementRef | None = None,
) -> list[WhatIfOption]:
    """The changes offered for ``entity`` (and the selected edge, role or statement)."""
    out: list[WhatIfOption] = []
    if ref is not None:
        out.extend(_statement_options(whatif, account, entity, ref))
    if finding is not None:
        seen: set[tuple[str, str, int]] = set()
        for reason in finding.reasons:
            for ref in reason.statements:
                owner = statement_owner(account, finding.source, ref)
                if owner is None:
                    continue
                key = (*owner, ref.statement.index)
                if key in seen:
                    continue
                seen.add(key)
                arn, name, index = key
                out.append(
                    WhatIfOption(
                        f"Disable {name} {ref.statement.label} (it allows: {reason.text})",
                        make=lambda a=arn, n=name, i=index: whatif.disable_statement(a, n, i),
                        same=("disable", arn, name, str(index)),
                    )
                )
    if entity is None:
        return unique(out)
    if isinstance(entity, User):
        for g in entity.groups:
            out.append(
                WhatIfOption(
                    f"Remove {entity.name} from group {g}",
                    make=lambda u=entity.arn, g=g: whatif.remove_from_group(u, g),
                )
            )
    holders: list[User | Role | Group] = [entity]
    if isinstance(entity, User):
        holders += [g for n in entity.groups if (g := account.group(n)) is not None]
    for holder in holders:
        where = f"{holder.kind} {holder.name}"
        for owner, name, policy in owned_policies(account, holder):
            if isinstance(policy, ManagedPolicy):
                out.append(
                    WhatIfOption(
                        f"Detach {name} from {where}",
                        make=lambda e=holder.arn, p=policy.arn: whatif.detach_policy(e, p),
                    )
                )
                if policy.is_aws_managed:
                    continue
            out.extend(_policy_options(whatif, owner, name, policy, where))
    target = role
    if target is None and finding is not None and finding.role:
        target = account.role(finding.role)
    service = None
    if target is not None:
        for sid, roles in _trusted_ids(account, target):
            svc = service_by_id(sid)
            if svc is not None and roles:
                service = svc.passed_to_service
                break
    name = f"whatif-passrole-{target.name}" if target else "whatif-policy"
    out.append(
        WhatIfOption(
            f"Add an inline policy to {entity.kind} {entity.name}"
            + (f" (starts as iam:PassRole on {target.name})" if target else ""),
            edit=EditSpec(
                f"New inline policy on {entity.kind} {entity.name}",
                passrole_template(target, service),
                lambda text, n, e=entity.arn: whatif.add_inline_policy(e, n, text),
                _policy_name(name),
            ),
        )
    )
    return unique(out)


def _policy_name(name: str) -> str:
    """A valid IAM policy name (``[\\w+=,.@-]``, at most 128) from one built of entity names."""
    return re.sub(r"[^\w+=,.@-]", "-", name, flags=re.ASCII)[:128] or "whatif-policy"


def _statement_options(
    whatif: ModuleType, account: Account, entity: User | Role | None, ref: StatementRef
) -> list[WhatIfOption]:
    """Changes to the statement in focus: disable it, or edit its whole policy."""
    index = ref.statement.index
    if ref.policy.layer == "resource" and ref.policy.via.startswith("trust policy of role"):
        role_arn = ref.policy.arn or ""
        return [
            WhatIfOption(
                f"Disable {ref.statement.label} of the trust policy of {short(role_arn)}",
                make=lambda: whatif.disable_statement(role_arn, "trust", index),
                same=("disable", role_arn, "trust", str(index)),
            ),
            WhatIfOption(
                f"Edit the trust policy of {short(role_arn)}",
                edit=EditSpec(
                    f"Edit the trust policy of role {short(role_arn)}",
                    ref.policy.document.pretty,
                    lambda text, _n: whatif.edit_policy(role_arn, "trust", text),
                ),
                same=("edit", role_arn, "trust"),
            ),
        ]
    owner = statement_owner(account, entity.arn, ref) if entity is not None else None
    if owner is None:
        return []
    arn, name = owner
    return [
        WhatIfOption(
            f"Disable this statement: {name} {ref.statement.label}",
            make=lambda: whatif.disable_statement(arn, name, index),
            same=("disable", arn, name, str(index)),
        ),
        WhatIfOption(
            f"Edit this policy: {name}",
            edit=EditSpec(
                f"Edit policy {name}",
                ref.policy.document.pretty,
                lambda text, _n: whatif.edit_policy(arn, name, text),
            ),
            same=("edit", arn, name),
        ),
    ]


def _trusted_ids(account: Account, role: Role) -> list[tuple[str, bool]]:
    """Ids of services whose principal the role's trust policy names (cheap, textual)."""
    from core.services import SERVICES

    text = role.trust_policy.text.lower()
    return [(s.id, True) for s in SERVICES if any(p.lower() in text for p in s.principals)]


def _policy_options(
    whatif: ModuleType, owner: str, name: str, policy: InlinePolicy | ManagedPolicy, where: str
) -> list[WhatIfOption]:
    kind = "inline" if isinstance(policy, InlinePolicy) else "managed"
    out = [
        WhatIfOption(
            f"Edit {kind} policy {name} ({where})",
            edit=EditSpec(
                f"Edit {kind} policy {name} ({where})",
                policy.document.pretty,
                lambda text, _n, o=owner, n=name: whatif.edit_policy(o, n, text),
            ),
            same=("edit", owner, name),
        )
    ]
    for st in policy.document.statements:
        out.append(
            WhatIfOption(
                f"Disable {name} {st.label} {st.effect} {', '.join(st.actions)[:60]}",
                make=lambda o=owner, n=name, i=st.index: whatif.disable_statement(o, n, i),
                same=("disable", owner, name, str(st.index)),
            )
        )
    return out


class WhatIfScreen(SafeModal[Any]):
    """Choose a change for the selection; returns the ``Change`` (or ``None``)."""

    BINDINGS = [
        HELP,
        Binding("escape,q", "dismiss(None)", "Cancel", show=True),
        Binding("j", "cursor('down')", show=False),
        Binding("k", "cursor('up')", show=False),
    ]

    def __init__(self, whatif: ModuleType, title: str, options: list[WhatIfOption]) -> None:
        super().__init__()
        self.whatif = whatif
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
            self.app.push_screen(EditorScreen(self.whatif, option.edit), self._edited)
            return
        assert option.make is not None
        try:
            change = option.make()
        except IamExploreError as exc:
            self.notify(str(exc), title="Cannot make this change", severity="error")
            return
        self.dismiss(change)

    def _edited(self, change: Any) -> None:
        if change is not None:
            self.dismiss(change)


class EditorScreen(SafeModal[Any]):
    """Edit a policy document; JSON and grammar are checked as you type.

    ``ctrl+s`` builds the change; a rejected document keeps the editor open with the located
    message.
    """

    BINDINGS = [
        HELP,
        Binding("ctrl+s", "apply", "Apply what-if", show=True, priority=True),
        Binding("escape", "dismiss(None)", "Cancel", show=True),
    ]

    def __init__(self, whatif: ModuleType, spec: EditSpec) -> None:
        super().__init__()
        self.whatif = whatif
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
            problems = [str(p) for p in self.whatif.validate_document(text)]
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
