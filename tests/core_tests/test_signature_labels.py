"""Principals with the same policies share one evaluation (a signature), and each finding cites
the principal's own attachment: in its reasons and in the words of its constraints."""

from __future__ import annotations

from tests.core_tests.accounts import account, allow, arn, deny, doc, findings, policy, role, trust
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
