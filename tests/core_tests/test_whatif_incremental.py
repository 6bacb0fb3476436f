"""A what-if re-analyses incrementally (the analysis cache): its result must be exactly what a
fresh analysis of the changed account gives, findings, labels, reasons and paths alike."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from core.escalate.analysis import Analysis, analyse
from core.explain.whatif import Change, Session, attach_policy, remove_from_group
from core.explain.whatif_options import options_for
from core.load.samples import sample_path
from core.load.snapshot import load_account
from core.model.account import Account, Role, User
from core.report.scan import to_json

AT = datetime(2026, 12, 1, tzinfo=UTC)
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def _report(a: Analysis) -> str:
    return json.dumps(to_json(a, include_admin_sources=True, all_edges=True), sort_keys=True)


def _changes(account: Account, base: Analysis) -> list[tuple[str, Change]]:
    """Every one-key change the explorer offers on each user and role, and making each role
    admin-equivalent (the change that turns takeovers of its resources into admin edges)."""
    principals: list[User | Role] = [*account.users, *account.roles]
    out = [
        (o.label, o.make())
        for e in principals
        for o in options_for(base, account, e)
        if o.make is not None
    ]
    out += [
        (f"attach AdministratorAccess to {r.name}", attach_policy(r.arn, ADMIN))
        for r in account.roles
    ]
    return out


@pytest.mark.parametrize("sample", ["classic-story", "classic-story-fixed", "edge-cases"])
def test_every_offered_whatif_equals_a_fresh_analysis(sample: str) -> None:
    account = load_account(sample_path(sample))
    base = analyse(account, at=AT)
    changes = _changes(account, base)
    assert len(changes) > len(account.roles)  # one-key options were offered too
    for label, change in changes:
        session = Session(account, base)  # consecutive what-ifs share the base's cache
        session.apply(change)
        fresh = analyse(session.current, at=AT)
        assert _report(session.analysis) == _report(fresh), label


def test_a_role_made_admin_by_a_whatif_gets_the_takeover_edges_of_its_instances() -> None:
    # Regression: takeover edges (modify an existing instance's user data, send it a command)
    # are kept only towards admin-equivalent roles; the cached per-signature edges were chosen
    # among the roles that were admin before the change, so the what-if missed them.
    account = load_account(sample_path("edge-cases"))
    role = next(r for r in account.roles if r.name == "ec2-web")
    session = Session(account, analyse(account, at=AT))

    def takeovers() -> set[str]:
        return {
            f.kind
            for f in session.analysis.findings
            if f.target == role.arn and f.kind != "passrole" and f.escalation == "admin"
        }

    before = takeovers()
    session.apply(attach_policy(role.arn, ADMIN))
    assert {"ec2-modify-instance-attribute", "ssm-send-command"} <= takeovers() - before
    session.undo()
    assert takeovers() == before


def test_whatifs_relabel_the_edges_to_changed_targets_without_redeciding_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The refresh path (a principal whose own policies are unchanged, some of whose targets'
    # changed) is the one the equality test above exercises: it must actually be taken.
    import core.escalate.analysis as analysis

    calls: list[int] = []
    original = analysis._refreshed

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(analysis, "_refreshed", counting)
    account = load_account(sample_path("edge-cases"))
    base = analyse(account, at=AT)
    for label, change in _changes(account, base):
        session = Session(account, base)
        session.apply(change)
        assert _report(session.analysis) == _report(analyse(session.current, at=AT)), label
    assert calls


@pytest.mark.parametrize("sample", ["classic-story", "edge-cases", "midsize-company"])
def test_finding_keys_are_unique_within_an_analysis(sample: str) -> None:
    # The what-if diff skips the finding objects both analyses share and compares the rest by
    # key: that is only the same diff when no two findings of one analysis share a key.
    findings = analyse(load_account(sample_path(sample)), at=AT).findings
    assert len({f.key for f in findings}) == len(findings)


def test_an_unchanged_finding_stays_the_same_object_across_a_whatif() -> None:
    account = load_account(sample_path("midsize-company"))
    session = Session(account, analyse(account, at=AT))
    before = {f.key: f for f in session.analysis.findings}
    user = next(u for u in account.users if u.groups)
    diff = session.apply(remove_from_group(user.arn, user.groups[0]))
    after = {f.key: f for f in session.analysis.findings}
    changed = {f.key for f in (*diff.added, *diff.removed)}
    mine = (user.arn,)  # its own findings, and those to it, are decided again
    same = [
        k
        for k in before.keys() & after.keys()
        if k[1] not in mine
        and k[2] not in mine
        and k not in changed
        and before[k].reaches_admin == after[k].reaches_admin
    ]
    assert same
    reused = sum(before[k] is after[k] for k in same)
    assert reused == len(same)
