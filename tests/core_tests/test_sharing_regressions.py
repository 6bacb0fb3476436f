"""Findings that work shared between principals once got wrong, each checked against what the
principal computed alone would say (the differential check is test_sharing_equivalence.py)."""

from __future__ import annotations

from tests.core_tests.accounts import (
    account,
    allow,
    arn,
    doc,
    findings,
    group,
    inline,
    policy,
    role,
    trust,
)
from tests.core_tests.accounts import user as make_user

CODESTAR = policy(
    "codestar", doc(allow(["codestar:CreateProject", "codestar:AssociateTeamMember"]))
)


def test_a_codestar_team_membership_targets_each_caller_not_its_signatures_first() -> None:
    """CodeStar attaches the project's owner policy to the principal that associates itself
    (the method's target is the caller): two users holding the same policy share a signature,
    yet each one's finding targets that user and is titled with its own name."""
    a = account(
        users=[
            make_user("alice", attached=(arn("policy", "codestar"),)),
            make_user("bob", attached=(arn("policy", "codestar"),)),
        ],
        policies=[CODESTAR],
    )
    assert a.views[arn("user", "alice")].signature == a.views[arn("user", "bob")].signature
    for name in ("alice", "bob"):
        (f,) = findings(a, "codestar-associate-team-member", arn("user", name))
        assert f.target == arn("user", name)
        assert f.title.startswith(f"{name}: ") and f"(user {name})" in f.title


# Both roles hold this policy (one signature); it lets a role attach policies to role/a only.
ATTACH_A = policy("attach-a", doc(allow("iam:AttachRolePolicy", arn("role", "a"))))
PASS = inline("pass", doc(allow(["iam:PassRole", "ec2:RunInstances"])))


def test_passing_a_role_is_admin_only_when_that_role_can_rewrite_itself() -> None:
    """A role is admin-equivalent when it may attach any policy to itself: the request's
    resource is its own ARN (IAM API reference, AttachRolePolicy: the role named), so of two
    roles holding one policy allowing ``iam:AttachRolePolicy`` on ``role/a``, only ``a`` is.
    Passing ``b`` is not admin, and passing ``a`` says ``a`` rewrites itself, whichever of the
    two (one signature) was labelled first."""
    a = account(
        users=[make_user("dev", PASS)],
        roles=[
            role(
                "a",
                trust(service="ec2.amazonaws.com"),
                attached=(arn("policy", "attach-a"),),
                profile=True,
            ),
            role(
                "b",
                trust(service="ec2.amazonaws.com"),
                attached=(arn("policy", "attach-a"),),
                profile=True,
            ),
        ],
        policies=[ATTACH_A],
    )
    assert a.views[arn("role", "a")].signature == a.views[arn("role", "b")].signature
    assert arn("role", "a") in a.admins and arn("role", "b") not in a.admins
    by_target = {f.target: f for f in findings(a, "passrole", arn("user", "dev"))}
    to_a, to_b = by_target[arn("role", "a")], by_target[arn("role", "b")]
    assert to_a.escalation == "admin"
    assert to_a.gained == (
        "admin: can iam:AttachRolePolicy on its own role/a, making itself anything",
    )
    # b gains iam:AttachRolePolicy on role/a, which dev lacks: a gain, not admin.
    assert to_b.escalation == "privilege-gain"


REWRITE = policy(
    "rewrite",
    doc(allow(["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"], arn("role", "ops"))),
)


def test_a_rewritten_trust_policy_names_each_caller_not_its_signatures_first() -> None:
    """After ``iam:UpdateAssumeRolePolicy`` the trust policy names the caller, which may then
    assume the role (IAM User Guide, "Policy evaluation logic": a role trust policy naming the
    principal allows ``sts:AssumeRole``): two users holding one policy share a signature, yet
    each finding cites the trust as rewritten to name that user."""
    a = account(
        users=[
            make_user("al", attached=(arn("policy", "rewrite"),)),
            make_user("al-b", attached=(arn("policy", "rewrite"),)),
        ],
        roles=[role("ops", trust(service="ec2.amazonaws.com"))],
        policies=[REWRITE],
    )
    assert a.views[arn("user", "al")].signature == a.views[arn("user", "al-b")].signature
    for name in ("al", "al-b"):
        (f,) = findings(a, "update-assume-role-policy", arn("user", name))
        trusts = [s.policy for r in f.reasons for s in r.statements if s.policy.layer == "resource"]
        assert [p.name for p in trusts] == [f"ops trust policy, rewritten to name {name}"]
        (st,) = trusts[0].document.statements
        assert st.principal is not None and st.principal.aws == (arn("user", name),)


def test_edges_shared_by_scope_cite_each_principals_group_after_two_hops() -> None:
    """A user holds a group's policies through that group (IAM User Guide, "IAM user
    groups"), and a finding cites the statement as the user holds it. Here the Lambda launch
    statements are decided once for x (via group g1) and reused by y (also via g1: cited as
    x's reference, which reads the same); y's PassRole edges are then reused by z, which holds
    the launch policy via g2 and must cite g2, not g1."""
    launch = policy("launch", doc(allow(["lambda:CreateFunction", "lambda:InvokeFunction"])))
    pass1 = policy("pass1", doc(allow("iam:PassRole")))
    pass2 = policy("pass2", doc(allow("iam:PassRole", arn("role", "*"))))
    other = policy("other", doc(allow("s3:GetObject")))
    a = account(
        users=[
            make_user("x", groups=("g1",), attached=(arn("policy", "pass1"),)),
            make_user("y", groups=("g1",), attached=(arn("policy", "pass2"),)),
            make_user(
                "z", groups=("g2",), attached=(arn("policy", "pass2"), arn("policy", "other"))
            ),
        ],
        groups=[
            group("g1", attached=(arn("policy", "launch"),)),
            group("g2", attached=(arn("policy", "launch"),)),
        ],
        roles=[role("fn", trust(service="lambda.amazonaws.com"))],
        policies=[launch, pass1, pass2, other],
    )
    for name, mine in (("x", "g1"), ("y", "g1"), ("z", "g2")):
        (f,) = findings(a, "passrole", arn("user", name))
        cited = {s.policy.via for r in f.reasons if r.step == "launch" for s in r.statements}
        assert cited == {f"via group {mine}"}, name
