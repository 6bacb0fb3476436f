"""Shortest paths to admin (core.escalate.paths), on hand-made findings: one rule each.

A path moves the attacker from principal to principal (pass a role to a service, assume a role,
get a user's credentials, join a group) until it reaches an admin-equivalent one; shortest
first, and among equal lengths the one with the fewest conditional hops. IAM User Guide, "IAM
user groups": a group contains users only, so only a user can join one.
"""

from __future__ import annotations

from core.escalate.capabilities import AdminReason
from core.escalate.findings import Finding
from core.escalate.paths import admin_distances, reaches_admin
from tests.core_tests.accounts import ADMIN_DOC, account, arn, inline, path_of, trust, user
from tests.core_tests.accounts import role as role_

U = arn("user", "u")
A, B, TOP = arn("role", "a"), arn("role", "b"), arn("role", "top")
ADMINS = {TOP: AdminReason("full-access", "can perform every sensitive action probed", ())}


def move(
    source: str,
    target: str,
    kind: str = "assume-role",
    *,
    conditional: bool = False,
    admin: bool = False,
) -> Finding:
    return Finding(
        kind=kind,
        source=source,
        target=target,
        title=f"{source} {kind} {target}",
        role=target if ":role/" in target else None,
        escalation="admin" if admin else "none",
        conditional=conditional,
        conditions=('aws:SourceIp IpAddress "10.0.0.0/8"',) if conditional else (),
    )


def test_distance_counts_hops_to_the_admin_node() -> None:
    d = admin_distances([move(U, A), move(A, TOP)], ADMINS, {})
    assert d.cost[TOP][0] == 0
    assert d.cost[A][0] == 1
    assert d.cost[U][0] == 2


def test_shorter_path_wins() -> None:
    d = admin_distances([move(U, A), move(A, TOP), move(U, TOP)], ADMINS, {})
    step = d.step[U]
    assert d.cost[U][0] == 1 and step is not None and step.finding.target == TOP


def test_among_equal_lengths_the_certain_path_wins() -> None:
    fs = [move(U, A, conditional=True), move(A, TOP), move(U, B), move(B, TOP)]
    d = admin_distances(fs, ADMINS, {})
    step = d.step[U]
    assert step is not None and step.finding.target == B
    assert d.cost[U][:2] == (2, 0)


def test_no_path_from_a_dead_end() -> None:
    d = admin_distances([move(U, A)], ADMINS, {})
    assert U not in d.cost and A not in d.cost


def test_reaches_admin_counts_the_first_hop_and_keeps_its_condition() -> None:
    first = move(U, A, conditional=True)
    d = admin_distances([first, move(A, TOP)], ADMINS, {})
    assert reaches_admin(first, d) == (2, True)
    assert reaches_admin(move(U, B), d) is None


def test_a_role_cannot_join_a_group() -> None:
    """Joining ends a path when the finding says the member is admin (groups have no moves)."""
    group = arn("group", "admins")
    by_role = admin_distances([move(A, group, "add-user-to-group", admin=True)], ADMINS, {})
    by_user = admin_distances([move(U, group, "add-user-to-group", admin=True)], ADMINS, {})
    assert A not in by_role.cost
    assert by_user.cost[U][0] == 1


def test_an_admin_has_no_path_and_a_passer_has_a_one_hop_path() -> None:
    a = account(
        users=[
            user("u", inline("p", {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"],
                 "Resource": "*"}]})),
            user("root-like", inline("all", ADMIN_DOC)),
        ],
        roles=[role_("top", trust(service="ec2.amazonaws.com"), inline("all", ADMIN_DOC),
                     profile=True)],
    )  # fmt: skip
    p = path_of(a, U)
    assert p is not None and p.length == 1 and p.hops[0].target == TOP
    assert path_of(a, arn("user", "root-like")) is None
