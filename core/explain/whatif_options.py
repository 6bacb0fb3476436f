"""What-if changes that make sense for a selection: the what-if panel's options.

Given the selected principal (and edge, role or cited statement), :func:`options_for` lists the
changes to try: disable a statement that allows the edge, remove the user from a group, detach,
edit or disable a policy it holds, or add an inline policy starting as the least-privilege
``iam:PassRole`` fix (the one ``explain-denial`` proposes). Each option builds a
``core.explain.whatif.Change``; nothing is applied here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from core.escalate.analysis import Analysis
from core.escalate.findings import Finding
from core.escalate.tables.services import SERVICES
from core.evaluate.decision import StatementRef
from core.explain.denial_fix import fix_document
from core.explain.whatif import (
    Change,
    add_inline_policy,
    detach_policy,
    disable_statement,
    edit_policy,
    remove_from_group,
)
from core.model.account import Account, Group, InlinePolicy, ManagedPolicy, Role, User


def short(arn: str) -> str:
    """The name part of an ARN (``user/path/alice`` → ``alice``)."""
    return arn.rsplit("/", 1)[-1] if "/" in arn else arn.rsplit(":", 1)[-1]


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
    build: Callable[[str, str], Change]
    name: str | None = None


@dataclass(frozen=True)
class WhatIfOption:
    """One entry of the panel: a label and how to build the change.

    ``make`` returns a change directly; ``edit`` opens the editor first.
    """

    label: str
    make: Callable[[], Change] | None = None
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
    """A policy that lets the principal pass ``role`` to ``service`` (the classic fix): the
    least-privilege fix of a denied ``iam:PassRole`` (``core.explain.denial_fix.fix_document``)."""
    resource = role.arn if role else "arn:aws:iam::123456789012:role/ROLE"
    return fix_document("iam:PassRole", resource, service)


def options_for(
    analysis: Analysis,
    account: Account,
    entity: User | Role | None,
    finding: Finding | None = None,
    role: Role | None = None,
    ref: StatementRef | None = None,
) -> list[WhatIfOption]:
    """The changes offered for ``entity`` (and the selected edge, role or statement).

    ``account`` is the session's current account and ``analysis`` its analysis (which roles
    trust which services).
    """
    out: list[WhatIfOption] = []
    if ref is not None:
        out.extend(_statement_options(account, entity, ref))
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
                        make=partial(disable_statement, arn, name, index),
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
                    make=partial(remove_from_group, entity.arn, g),
                )
            )
    holders: list[User | Role | Group] = [entity]
    if isinstance(entity, User):
        holders += [grp for n in entity.groups if (grp := account.group(n)) is not None]
    for holder in holders:
        where = f"{holder.kind} {holder.name}"
        for owner_arn, policy_name, policy in owned_policies(account, holder):
            if isinstance(policy, ManagedPolicy):
                out.append(
                    WhatIfOption(
                        f"Detach {policy_name} from {where}",
                        make=partial(detach_policy, holder.arn, policy.arn),
                    )
                )
                if policy.is_aws_managed:
                    continue
            out.extend(_policy_options(owner_arn, policy_name, policy, where))
    target = role
    if target is None and finding is not None and finding.role:
        target = account.role(finding.role)
    service = trusted_service(analysis, target) if target is not None else None
    new_name = f"whatif-passrole-{target.name}" if target else "whatif-policy"
    out.append(
        WhatIfOption(
            f"Add an inline policy to {entity.kind} {entity.name}"
            + (f" (starts as iam:PassRole on {target.name})" if target else ""),
            edit=EditSpec(
                f"New inline policy on {entity.kind} {entity.name}",
                passrole_template(target, service),
                partial(_add_inline, entity.arn),
                _policy_name(new_name),
            ),
        )
    )
    return unique(out)


def _add_inline(entity_arn: str, text: str, name: str) -> Change:
    return add_inline_policy(entity_arn, name, text)


def _edit(owner_arn: str, policy_name: str, text: str, _name: str) -> Change:
    return edit_policy(owner_arn, policy_name, text)


def _policy_name(name: str) -> str:
    """A valid IAM policy name (``[\\w+=,.@-]``, at most 128) from one built of entity names."""
    return re.sub(r"[^\w+=,.@-]", "-", name, flags=re.ASCII)[:128] or "whatif-policy"


def _statement_options(
    account: Account, entity: User | Role | None, ref: StatementRef
) -> list[WhatIfOption]:
    """Changes to the statement in focus: disable it, or edit its whole policy."""
    index = ref.statement.index
    if ref.policy.layer == "resource" and ref.policy.via.startswith("trust policy of role"):
        role_arn = ref.policy.arn or ""
        return [
            WhatIfOption(
                f"Disable {ref.statement.label} of the trust policy of {short(role_arn)}",
                make=partial(disable_statement, role_arn, "trust", index),
                same=("disable", role_arn, "trust", str(index)),
            ),
            WhatIfOption(
                f"Edit the trust policy of {short(role_arn)}",
                edit=EditSpec(
                    f"Edit the trust policy of role {short(role_arn)}",
                    ref.policy.document.pretty,
                    partial(_edit, role_arn, "trust"),
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
            make=partial(disable_statement, arn, name, index),
            same=("disable", arn, name, str(index)),
        ),
        WhatIfOption(
            f"Edit this policy: {name}",
            edit=EditSpec(
                f"Edit policy {name}",
                ref.policy.document.pretty,
                partial(_edit, arn, name),
            ),
            same=("edit", arn, name),
        ),
    ]


def trusted_service(analysis: Analysis, role: Role) -> str | None:
    """The ``iam:PassedToService`` value of the first service (in the services table's order)
    that the analysis found the role trusting, or ``None``."""
    for service in SERVICES:
        if any(r.arn == role.arn for r, _trust in analysis.trusted.get(service.id, ())):
            return service.passed_to_service
    return None


def _policy_options(
    owner: str, name: str, policy: InlinePolicy | ManagedPolicy, where: str
) -> list[WhatIfOption]:
    kind = "inline" if isinstance(policy, InlinePolicy) else "managed"
    out = [
        WhatIfOption(
            f"Edit {kind} policy {name} ({where})",
            edit=EditSpec(
                f"Edit {kind} policy {name} ({where})",
                policy.document.pretty,
                partial(_edit, owner, name),
            ),
            same=("edit", owner, name),
        )
    ]
    for st in policy.document.statements:
        out.append(
            WhatIfOption(
                f"Disable {name} {st.label} {st.effect} {', '.join(st.actions)[:60]}",
                make=partial(disable_statement, owner, name, st.index),
                same=("disable", owner, name, str(st.index)),
            )
        )
    return out


def owned_policies(
    account: Account, entity: User | Role | Group
) -> list[tuple[str, str, InlinePolicy | ManagedPolicy]]:
    """(owner ARN, policy name, policy) for the entity's inline and attached policies.

    ``owner ARN`` is the entity for inline policies and the policy ARN for managed ones, as the
    what-if constructors expect.
    """
    out: list[tuple[str, str, InlinePolicy | ManagedPolicy]] = []
    for p in entity.inline_policies:
        out.append((entity.arn, p.name, p))
    for arn in entity.attached_policies:
        mp = account.policy(arn)
        if mp is not None:
            out.append((mp.arn, mp.name, mp))
    return out


def statement_owner(account: Account, source: str, ref: StatementRef) -> tuple[str, str] | None:
    """(owner ARN, policy name) of a cited identity statement, for ``disable_statement``.

    Managed policies are owned by their ARN; inline ones by the user, group or role that
    embeds a policy of that name with the same document.
    """
    if ref.policy.layer != "identity":
        return None
    if ref.policy.arn:
        return ref.policy.arn, ref.policy.name
    if ref.policy.owner:
        return ref.policy.owner, ref.policy.name
    entity = account.principal(source)
    if entity is None:
        return None
    candidates: list[User | Role | Group] = [entity]
    if isinstance(entity, User):
        candidates += [g for name in entity.groups if (g := account.group(name)) is not None]
    for owner in candidates:
        for p in owner.inline_policies:
            if p.name == ref.policy.name and p.document.text == ref.policy.document.text:
                return owner.arn, p.name
    return None
