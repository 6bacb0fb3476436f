"""Principals with the same policies share one evaluation (a signature), and each finding cites
the principal's own attachment: in its reasons and in the words of its constraints."""

from __future__ import annotations

from tests.core_tests.accounts import (
    account,
    allow,
    arn,
    deny,
    doc,
    findings,
    group,
    policy,
    role,
    trust,
)
from tests.core_tests.accounts import user as make_user

LAUNCH = policy(
    "launch",
    doc(
        allow(["iam:PassRole", "ec2:RunInstances"]),
        # A Deny on a key the caller sets: the edge stands, with "avoid ..." naming this policy
        # by its label, which says how it is attached ("attached to user alice").
        deny("ec2:RunInstances", StringEquals={"ec2:InstanceType": "p4d.24xlarge"}),
    ),
)


def test_an_avoid_constraint_names_each_principals_own_attachment() -> None:
    a = account(
        users=[
            make_user("alice", attached=(arn("policy", "launch"),)),
            make_user("bob", attached=(arn("policy", "launch"),)),
        ],
        roles=[role("web", trust(service="ec2.amazonaws.com"), profile=True)],
        policies=[LAUNCH],
    )
    assert a.views[arn("user", "alice")].signature == a.views[arn("user", "bob")].signature
    for name in ("alice", "bob"):
        (f,) = findings(a, "passrole", arn("user", name))
        (avoid,) = [c for c in f.constraints if c.startswith("avoid ")]
        assert f"(attached to user {name})" in avoid
        other = "bob" if name == "alice" else "alice"
        assert other not in avoid
        cited = {s.policy.via for r in f.reasons for s in r.statements}
        assert f"attached to user {other}" not in cited


def test_principals_sharing_a_policy_through_different_groups_cite_their_own_group() -> None:
    """A user holds a group's policies through that group (IAM User Guide, "IAM user groups"):
    two users in different groups attaching the same policy share one evaluation, and each
    finding cites the group the user is in, in its reasons and its "avoid ..." words."""
    a = account(
        users=[
            make_user("alice", groups=("ops-a",)),
            make_user("bob", groups=("ops-b",)),
        ],
        groups=[
            group("ops-a", attached=(arn("policy", "launch"),)),
            group("ops-b", attached=(arn("policy", "launch"),)),
        ],
        roles=[role("web", trust(service="ec2.amazonaws.com"), profile=True)],
        policies=[LAUNCH],
    )
    assert a.views[arn("user", "alice")].signature == a.views[arn("user", "bob")].signature
    for name, mine, other in (("alice", "ops-a", "ops-b"), ("bob", "ops-b", "ops-a")):
        (f,) = findings(a, "passrole", arn("user", name))
        cited = {s.policy.via for r in f.reasons for s in r.statements if r.step != "trust"}
        assert cited == {f"via group {mine}"}
        (avoid,) = [c for c in f.constraints if c.startswith("avoid ")]
        assert f"(via group {mine})" in avoid and other not in avoid


def test_a_name_that_begins_another_name_is_not_rewritten_inside_it() -> None:
    """Relabelling a shared finding for another principal changes only that principal's own
    attachments: the passed role's trust policy ("trust policy of role app-admin") is cited as
    it is, even when the signature's first principal is called ``app``."""
    a = account(
        roles=[
            role("app", trust(service="lambda.amazonaws.com"), attached=(arn("policy", "launch"),)),
            role("ops", trust(service="lambda.amazonaws.com"), attached=(arn("policy", "launch"),)),
            role("app-admin", trust(service="ec2.amazonaws.com"), profile=True),
        ],
        policies=[LAUNCH],
    )
    assert a.views[arn("role", "app")].signature == a.views[arn("role", "ops")].signature
    checked = 0
    for name in ("app", "ops"):
        for f in findings(a, "passrole", arn("role", name)):
            if f.target != arn("role", "app-admin"):
                continue
            (trust_step,) = [r for r in f.reasons if r.step == "trust"]
            assert {s.policy.via for s in trust_step.statements} == {
                "trust policy of role app-admin"
            }
            checked += 1
    assert checked == 2
