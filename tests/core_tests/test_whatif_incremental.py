"""A what-if re-analyses incrementally (the analysis cache): its result must be exactly what a
fresh analysis of the changed account gives, findings, labels, reasons and paths alike."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from typing import Any

import pytest

from core.escalate.analysis import Analysis, analyse
from core.escalate.findings import realigned
from core.explain.whatif import (
    Change,
    Session,
    attach_policy,
    detach_policy,
    diff_analyses,
    diff_findings,
    remove_from_group,
)
from core.explain.whatif_options import options_for
from core.load.samples import sample_path
from core.load.snapshot import load_account
from core.model.account import Account, Role, User
from core.model.errors import IamExploreError
from core.report.scan import to_json
from tests.core_tests import accounts as acc

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


def _one_off(account: Account) -> str:
    """The report of a one-off analysis (``reusable=False``: the plain finish, no cache)."""
    return _report(analyse(account, at=AT, reusable=False))


@pytest.mark.parametrize("share", [0.25, 1e9])
@pytest.mark.parametrize("sample", ["classic-story-fixed", "edge-cases", "midsize-company"])
def test_chained_whatifs_undo_and_redo_equal_a_one_off_analysis(
    sample: str, share: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The incremental finish (write labels, distances, reaches and the findings reused per
    # principal) is checked against the one-off finish, which redoes everything: after each
    # of a chain of what-ifs on one session (the cache carries over), and after undo and redo
    # followed by a further what-if (the cache then describes an analysis not shown).
    # share=1e9: distances are always updated, never searched again whole.
    import core.escalate.analysis as analysis

    monkeypatch.setattr(analysis, "DISTANCE_SHARE", share)
    account = load_account(sample_path(sample))
    session = Session(account, analyse(account, at=AT))
    assert _report(session.analysis) == _one_off(account)
    changes = _changes(account, session.analysis)
    rng = random.Random(7)
    rng.shuffle(changes)
    applied = 0
    for step, (label, change) in enumerate(changes[:24]):
        if not _applies(session, change):
            continue  # an earlier change took away what this one edits
        applied += 1
        assert _report(session.analysis) == _one_off(session.current), label
        if step % 3 == 1:
            session.undo()
            if _applies(session, changes[-1 - step][1]):
                assert _report(session.analysis) == _one_off(session.current), f"undo, {label}"
        if step % 5 == 2:
            session.undo()
            session.redo()
            assert _report(session.analysis) == _one_off(session.current), f"redo, {label}"
    assert applied >= 3


def _applies(session: Session, change: Change) -> bool:
    try:
        session.apply(change)
    except IamExploreError:
        return False
    return True


@pytest.mark.parametrize("sample", ["edge-cases", "midsize-company"])
def test_the_diff_by_source_equals_the_diff_of_every_finding(sample: str) -> None:
    # diff_analyses looks only at the sources whose findings list changed and, in those, at
    # the findings not in the same place: the same added and removed findings, in the same
    # order, as comparing every finding.
    account = load_account(sample_path(sample))
    base = analyse(account, at=AT)
    seen = 0
    for label, change in _changes(account, base)[:40]:
        session = Session(account, base)
        session.apply(change)
        new = session.analysis
        assert new.parts is not None
        quick, full = diff_analyses(base, new), diff_findings(base.findings, new.findings)
        assert [id(f) for f in quick.added] == [id(f) for f in full.added], label
        assert [id(f) for f in quick.removed] == [id(f) for f in full.removed], label
        seen += bool(full.added or full.removed)
    assert seen


def test_realigned_names_each_finding_in_both_lists_in_both_answers_or_neither() -> None:
    findings = analyse(load_account(sample_path("edge-cases")), at=AT).findings[:6]
    a, b, c, d, e, f = findings
    old, new = [a, b, c, d], [a, c, e, d, f]
    gone, came = realigned(old, new)
    assert [old[i] for i in gone] == [b, c] and [new[i] for i in came] == [c, e, f]
    assert realigned(old, old) == ([], [])


def _chain() -> Account:
    """u may assume b, b may assume c (trust policies naming the caller, identity policies
    allowing sts:AssumeRole): c is two moves from u; a policy allowing everything to attach."""
    b, c = acc.arn("role", "b"), acc.arn("role", "c")
    data = acc.account(
        users=[acc.user("u", acc.inline("p", acc.doc(acc.allow("sts:AssumeRole", b))))],
        roles=[
            acc.role(
                "b",
                acc.trust(acc.arn("user", "u")),
                acc.inline("p", acc.doc(acc.allow("sts:AssumeRole", c))),
            ),
            acc.role("c", acc.trust(b)),
        ],
        policies=[acc.policy("everything", acc.ADMIN_DOC)],
    )
    return data.account


def test_a_whatif_two_moves_away_changes_the_reach_of_an_edge_it_did_not_redo() -> None:
    # Making c admin relabels b's edge to c (b's findings are redone) and gives u's edge to
    # b (u's findings are not: its own policies and b's are unchanged) a reach of 2 hops: the
    # reach is read from the distances, and must be redone where a target's distance changed.
    account = _chain()
    u, b, c = (acc.arn(k, n) for k, n in (("user", "u"), ("role", "b"), ("role", "c")))
    session = Session(account, analyse(account, at=AT))

    def reach() -> tuple[int, bool] | None:
        return next(f.reaches_admin for f in session.analysis.findings if f.source == u)

    assert reach() is None
    everything = acc.arn("policy", "everything")
    session.apply(attach_policy(c, everything))
    assert reach() == (2, False)
    assert _report(session.analysis) == _one_off(session.current)
    session.apply(detach_policy(c, everything))  # the only route to admin removed again
    assert reach() is None
    assert _report(session.analysis) == _one_off(session.current)
    assert any(f.source == b and f.target == c for f in session.analysis.findings)


@pytest.mark.parametrize("sample", ["edge-cases", "midsize-company"])
def test_updated_distances_equal_a_new_search(sample: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # update_distances redoes only the nodes that reach a change: every node's cost and first
    # step (target, finding, hops, route) must be what admin_distances finds over every edge.
    import core.escalate.analysis as analysis
    from core.escalate import paths

    updated = []

    def checked(*args: Any) -> Any:
        out = paths.update_distances(*args)
        if out is not None:
            full = paths.admin_distances(args[1], args[2], args[3], args[4])
            d = out[0]
            assert d.cost == full.cost
            assert d.step.keys() == full.step.keys()
            for node, want in full.step.items():
                got = d.step[node]
                if want is None or got is None:
                    assert got is want is None, node
                else:
                    assert got.target == want.target and got.finding is want.finding, node
                    assert (got.hops, got.route) == (want.hops, want.route), node
            updated.append(1)
        return out

    monkeypatch.setattr(analysis, "DISTANCE_SHARE", 1e9)
    monkeypatch.setattr(analysis, "update_distances", checked)
    account = load_account(sample_path(sample))
    session = Session(account, analyse(account, at=AT))
    for _, change in _changes(account, session.analysis)[:40]:
        if _applies(session, change) and len(updated) % 3 == 0:
            session.undo()
    assert updated
