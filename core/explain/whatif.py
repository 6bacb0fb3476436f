"""What-if: change policies and attachments in memory, re-analyse, and diff the edges.

Nothing on disk or in AWS changes: a :class:`Session` holds the loaded account (``base``), the
changed one (``current``) and its analysis; every change returns the edges it added and removed.
Re-analysis reuses the previous analysis' per-signature results, so a change re-evaluates only the
principals and roles it touches.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from core.escalate.analysis import Analysis, analyse
from core.escalate.findings import Finding, realigned
from core.escalate.gc_pause import fewer_collections
from core.load.policy_parser import PolicyKind, parse_policy
from core.model.account import (
    Account,
    Group,
    InlinePolicy,
    ManagedPolicy,
    PolicyDocument,
    PolicyVersion,
    Role,
    Statement,
    User,
)
from core.model.errors import IamExploreError

Entity = User | Group | Role


@dataclass(frozen=True, slots=True)
class Change:
    """One what-if edit: a pure function from account to account, with a description."""

    description: str
    apply: Callable[[Account], Account] = field(compare=False)
    touched: tuple[str, ...] = ()
    """ARNs of the policies or entities whose documents changed (for export)."""


@dataclass(frozen=True, slots=True)
class Diff:
    """Edges added and removed by a change (by ``Finding.key``), and the time it took."""

    added: tuple[Finding, ...]
    removed: tuple[Finding, ...]
    seconds: float


def diff_findings(old: list[Finding], new: list[Finding], seconds: float = 0.0) -> Diff:
    """The findings that appear or disappear (or change escalation/conditions) between runs."""

    def sig(f: Finding) -> tuple[object, ...]:
        return (*f.key, f.escalation, f.conditional)

    # A finding object in both lists is unchanged (a what-if reuses what it did not redo), and
    # keys are unique within an analysis: only the others need their keys compared.
    # Comprehensions, not set(map(id, ...)): a single C call over a million findings would hold
    # the GIL for a third of a second, and the explorer computes this beside its UI thread.
    old_ids = {id(f) for f in old}
    new_ids = {id(f) for f in new}
    before = {sig(f): f for f in old if id(f) not in new_ids}
    after = {sig(f): f for f in new if id(f) not in old_ids}
    added = tuple(f for k, f in after.items() if k not in before)
    removed = tuple(f for k, f in before.items() if k not in after)
    return Diff(added, removed, seconds)


def diff_analyses(old: Analysis, new: Analysis, seconds: float = 0.0) -> Diff:
    """:func:`diff_findings` of two analyses. When both kept their findings per source
    (``Analysis.parts``), only the sources whose list is not the very same object are looked
    at, and in those only the findings not at the same place in both lists (a finding's key
    names its source): the same answer, in the same order."""
    if old.parts is None or new.parts is None:
        return diff_findings(old.findings, new.findings, seconds)
    empty: list[Finding] = []
    before: list[tuple[str, list[Finding]]] = []
    after: list[tuple[str, list[Finding]]] = []
    for arn in {*old.parts, *new.parts}:
        was, now = old.parts.get(arn, empty), new.parts.get(arn, empty)
        if was is not now:
            gone, came = realigned(was, now)
            before.append((arn, [was[i] for i in gone]))
            after.append((arn, [now[i] for i in came]))
    return diff_findings(_in_order(before), _in_order(after), seconds)


def _in_order(parts: list[tuple[str, list[Finding]]]) -> list[Finding]:
    """Findings of ``parts`` in an analysis' order: PassRole edges first, then by source."""
    parts.sort(key=lambda part: part[0])
    out = [f for _, fs in parts for f in fs if f.kind == "passrole"]
    out.extend(f for _, fs in parts for f in fs if f.kind != "passrole")
    return out


def _entity(account: Account, arn: str) -> Entity:
    found = account.user(arn) or account.group(arn) or account.role(arn)
    if found is None:
        raise IamExploreError(f"no user, group or role {arn} in the account")
    return found


def _replace_entity(account: Account, old: Entity, new: Entity) -> Account:
    if isinstance(old, User) and isinstance(new, User):
        return replace(account, users=tuple(new if u is old else u for u in account.users))
    if isinstance(old, Group) and isinstance(new, Group):
        return replace(account, groups=tuple(new if g is old else g for g in account.groups))
    if isinstance(old, Role) and isinstance(new, Role):
        return replace(account, roles=tuple(new if r is old else r for r in account.roles))
    raise IamExploreError("internal: an entity cannot change kind")


def _replace_policy(account: Account, old: ManagedPolicy, new: ManagedPolicy) -> Account:
    return replace(account, policies=tuple(new if p is old else p for p in account.policies))


def validate_document(text: str, kind: PolicyKind = "identity") -> list[str]:
    """Located problems of a policy document being edited (``[]`` when it is valid)."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return [f"line {exc.lineno} column {exc.colno}: {exc.msg}"]
    doc = parse_policy(text, kind)
    return [
        (f"Statement[{p.statement}]: " if p.statement is not None else "") + p.message
        for p in doc.problems
        if p.severity == "error"
    ]


def _parse(text: str, name: str, kind: PolicyKind = "identity") -> PolicyDocument:
    problems = validate_document(text, kind)
    if problems:
        raise IamExploreError(f"policy {name}: {problems[0]}")
    return parse_policy(text, kind, policy=name)


def detach_policy(entity_arn: str, policy_arn: str) -> Change:
    """Detach a managed policy from a user, group or role."""

    def apply(account: Account) -> Account:
        e = _entity(account, entity_arn)
        if policy_arn not in e.attached_policies:
            raise IamExploreError(f"{policy_arn} is not attached to {e.name}")
        new = replace(e, attached_policies=tuple(a for a in e.attached_policies if a != policy_arn))
        return _replace_entity(account, e, new)

    name = policy_arn.rsplit("/", 1)[-1]
    return Change(f"detach {name} from {entity_arn.rsplit('/', 1)[-1]}", apply)


def attach_policy(entity_arn: str, policy_arn: str) -> Change:
    """Attach a managed policy (already in the account) to a user, group or role."""

    def apply(account: Account) -> Account:
        e = _entity(account, entity_arn)
        if account.policy(policy_arn) is None:
            raise IamExploreError(f"no managed policy {policy_arn} in the account")
        if policy_arn in e.attached_policies:
            return account
        new = replace(e, attached_policies=(*e.attached_policies, policy_arn))
        return _replace_entity(account, e, new)

    return Change(
        f"attach {policy_arn.rsplit('/', 1)[-1]} to {entity_arn.rsplit('/', 1)[-1]}", apply
    )


def remove_from_group(user_arn: str, group_name: str) -> Change:
    """Remove a user from one of its groups."""

    def apply(account: Account) -> Account:
        u = account.user(user_arn)
        if u is None:
            raise IamExploreError(f"no user {user_arn} in the account")
        if group_name not in u.groups:
            raise IamExploreError(f"user {u.name} is not in group {group_name}")
        return _replace_entity(
            account, u, replace(u, groups=tuple(g for g in u.groups if g != group_name))
        )

    return Change(f"remove {user_arn.rsplit('/', 1)[-1]} from group {group_name}", apply)


def _edit_document(
    account: Account,
    owner_arn: str,
    policy_name: str,
    edit: Callable[[PolicyDocument], PolicyDocument],
) -> Account:
    mp = account.policy(owner_arn)
    if mp is not None:
        versions = tuple(
            replace(v, document=edit(v.document)) if v.is_default else v for v in mp.versions
        )
        if not any(v.is_default for v in mp.versions):
            versions = (PolicyVersion("v1", edit(mp.document), True),)
        return _replace_policy(account, mp, replace(mp, versions=versions))
    e = _entity(account, owner_arn)
    if policy_name == "trust" and isinstance(e, Role):
        return _replace_entity(account, e, replace(e, trust_policy=edit(e.trust_policy)))
    for ip in e.inline_policies:
        if ip.name == policy_name:
            new_ip = InlinePolicy(ip.name, edit(ip.document))
            return _replace_entity(
                account,
                e,
                replace(
                    e, inline_policies=tuple(new_ip if p is ip else p for p in e.inline_policies)
                ),
            )
    raise IamExploreError(f"{e.kind} {e.name} has no inline policy {policy_name}")


def disable_statement(owner_arn: str, policy_name: str, statement_index: int) -> Change:
    """Drop one statement (by its index in the document) from an inline or managed policy."""

    def apply(account: Account) -> Account:
        def edit(doc: PolicyDocument) -> PolicyDocument:
            if not any(s.index == statement_index for s in doc.statements):
                raise IamExploreError(f"{policy_name} has no Statement[{statement_index}]")
            raw = json.loads(doc.text)
            stmts = raw.get("Statement")
            if isinstance(stmts, dict):
                stmts = [stmts]
            kept: list[Statement] = [s for s in doc.statements if s.index != statement_index]
            raw["Statement"] = [x for i, x in enumerate(stmts) if i != statement_index]
            return replace(doc, statements=tuple(kept), text=json.dumps(raw))

        return _edit_document(account, owner_arn, policy_name, edit)

    return Change(
        f"disable Statement[{statement_index}] of {policy_name}",
        apply,
        (f"{owner_arn}#{policy_name}",),
    )


def edit_policy(owner_arn: str, policy_name: str, document_text: str) -> Change:
    """Replace a policy document (inline, managed default version, or ``trust`` of a role)."""
    kind: PolicyKind = "trust" if policy_name == "trust" else "identity"
    doc = _parse(document_text, policy_name, kind)
    return Change(
        f"edit {policy_name}",
        lambda a: _edit_document(a, owner_arn, policy_name, lambda _: doc),
        (f"{owner_arn}#{policy_name}",),
    )


def add_inline_policy(entity_arn: str, name: str, document_text: str) -> Change:
    """Add (or replace) an inline policy on a user, group or role."""
    doc = _parse(document_text, name)

    def apply(account: Account) -> Account:
        e = _entity(account, entity_arn)
        policies = tuple(p for p in e.inline_policies if p.name != name)
        return _replace_entity(
            account, e, replace(e, inline_policies=(*policies, InlinePolicy(name, doc)))
        )

    return Change(
        f"add inline policy {name} to {entity_arn.rsplit('/', 1)[-1]}",
        apply,
        (f"{entity_arn}#{name}",),
    )


Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class Outcome:
    """A computed what-if step, not yet part of the session (:meth:`Session.commit` makes it so).

    ``base`` is the session state it was computed from: committing it after another step was
    committed is refused, so a stale result can only be dropped.
    """

    verb: str
    """``apply``, ``undo`` or ``redo``."""
    change: Change | None
    account: Account
    analysis: Analysis
    diff: Diff
    base: tuple[Account, Analysis]


class Session:
    """A what-if session over one loaded account, with undo and redo.

    :meth:`apply`, :meth:`undo` and :meth:`redo` compute and commit in one call. A UI computes
    in a worker with :meth:`preview` (which leaves the session as it is, so it can be abandoned
    or superseded) and commits the result on its own thread with :meth:`commit`.
    """

    def __init__(self, account: Account, analysis: Analysis | None = None) -> None:
        self.base = account
        self.current = account
        self.analysis = analysis if analysis is not None else analyse(account)
        self.history: list[Change] = []
        self._undone: list[Change] = []
        self._states: list[tuple[Account, Analysis]] = []

    @property
    def modified(self) -> bool:
        """The view differs from the loaded account."""
        return self.current is not self.base

    def preview(
        self, verb: str, change: Change | None = None, progress: Progress | None = None
    ) -> Outcome | None:
        """Compute ``apply`` (of ``change``), ``undo`` or ``redo`` without changing the session.

        ``None`` when there is nothing to undo or redo. ``progress`` is passed to the analysis
        (raising from it abandons the preview). On ``IamExploreError`` nothing changes.
        """
        start = time.perf_counter()
        base = (self.current, self.analysis)
        if verb == "undo":
            if not self._states:
                return None
            account, analysis = self._states[-1]
            change = self.history[-1]
        else:
            if verb == "redo":
                if not self._undone:
                    return None
                change = self._undone[-1]
            elif verb != "apply" or change is None:
                raise ValueError(f"unknown what-if step {verb!r}")
            account = change.apply(self.current)
            analysis = analyse(account, progress=progress, cache=self.analysis.cache)
        with fewer_collections():  # two tables of every finding: no collector passes
            diff = diff_analyses(self.analysis, analysis)
        diff = replace(diff, seconds=time.perf_counter() - start)
        return Outcome(verb, change, account, analysis, diff, base)

    def commit(self, outcome: Outcome) -> Diff:
        """Make a :meth:`preview` the session's state (``IamExploreError`` when it is stale)."""
        if outcome.base[0] is not self.current or outcome.base[1] is not self.analysis:
            raise IamExploreError("internal: a what-if result computed on an older state")
        if outcome.verb == "undo":
            self._undone.append(self.history.pop())
            self._states.pop()
        else:
            assert outcome.change is not None
            self._states.append(outcome.base)
            self.history.append(outcome.change)
            if outcome.verb == "redo":
                self._undone.pop()
            else:
                self._undone.clear()
        self.current, self.analysis = outcome.account, outcome.analysis
        return outcome.diff

    def apply(self, change: Change) -> Diff:
        """Apply a change and re-analyse; on ``IamExploreError`` nothing changes."""
        outcome = self.preview("apply", change)
        assert outcome is not None
        return self.commit(outcome)

    def undo(self) -> Diff | None:
        """Take back the last change (``None`` when there is none)."""
        outcome = self.preview("undo")
        return None if outcome is None else self.commit(outcome)

    def redo(self) -> Diff | None:
        """Apply again the last change taken back."""
        outcome = self.preview("redo")
        return None if outcome is None else self.commit(outcome)

    def changed_documents(self) -> dict[str, PolicyDocument]:
        """``label → document`` for every policy that differs from the loaded account."""
        out: dict[str, PolicyDocument] = {}
        old, new = self.base, self.current
        for e_new in new.entities:
            e_old = old.user(e_new.arn) or old.group(e_new.arn) or old.role(e_new.arn)
            before = {p.name: p.document for p in (e_old.inline_policies if e_old else ())}
            for p in e_new.inline_policies:
                if before.get(p.name) is not p.document:
                    out[f"{e_new.kind}-{e_new.name}-{p.name}"] = p.document
            if (
                isinstance(e_new, Role)
                and isinstance(e_old, Role)
                and (e_old.trust_policy is not e_new.trust_policy)
            ):
                out[f"role-{e_new.name}-trust"] = e_new.trust_policy
        for mp in new.policies:
            prev = old.policy(mp.arn)
            if prev is None or prev.document is not mp.document:
                out[f"policy-{mp.name}"] = mp.document
        return out

    def export(self, directory: str | os.PathLike[str]) -> list[Path]:
        """Write every changed policy document as ``<label>.json`` into ``directory``."""
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        written = []
        for label, doc in sorted(self.changed_documents().items()):
            safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in label)
            path = target / f"{safe}.json"
            path.write_text(doc.pretty + "\n", encoding="utf-8")
            written.append(path)
        return written
