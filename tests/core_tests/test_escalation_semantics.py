"""Escalation semantics (issue 11), each rule on its own small account with AWS's wording cited."""

from __future__ import annotations

from tests.core_tests.accounts import (
    ADMIN_DOC,
    account,
    allow,
    arn,
    deny,
    doc,
    findings,
    inline,
    path_of,
    policy,
    role,
    trust,
    user,
)

U = arn("user", "u")

# --- 1. A trust policy that names the caller grants the assume by itself --------------------
# STS API reference, AssumeRole: "To allow a user to assume a role in the same account, you can
# do either of the following: Attach a policy to the user that allows the user to call
# AssumeRole (as long as the role's trust policy trusts the account). Add the user as a
# principal directly in the role's trust policy."


def _chain(**user_kw: object) -> object:
    return account(
        users=[user("u", **user_kw)],  # type: ignore[arg-type]
        roles=[
            role("a", trust(U)),
            role("b", trust(arn("role", "a"))),
            role("admin", trust(arn("role", "b")), inline("all", ADMIN_DOC)),
        ],
        policies=[policy("edge", doc(allow("sts:AssumeRole")))],
    )


def test_trust_naming_the_caller_needs_no_identity_permission_chain_of_three() -> None:
    a = _chain()
    p = path_of(a, U)
    assert p is not None
    assert [h.target for h in p.hops] == [arn("role", "a"), arn("role", "b"), arn("role", "admin")]
    assert not p.conditional
    assumes = {(f.source, f.target) for f in findings(a, "assume-role")}
    assert (arn("role", "a"), arn("role", "b")) in assumes


def test_trust_naming_only_the_account_needs_the_identity_permission() -> None:
    acct_trust = trust("111122223333")
    base = [role("admin", acct_trust, inline("all", ADMIN_DOC))]
    without = account(users=[user("u")], roles=base)
    assert not findings(without, "assume-role", U)
    with_allow = account(
        users=[user("u", inline("p", doc(allow("sts:AssumeRole", arn("role", "admin")))))],
        roles=base,
    )
    assert [f.target for f in findings(with_allow, "assume-role", U)] == [arn("role", "admin")]


def test_principal_star_in_the_trust_policy_names_every_caller() -> None:
    a = account(users=[user("u")], roles=[role("admin", trust("*"), inline("all", ADMIN_DOC))])
    (f,) = findings(a, "assume-role", U)
    assert f.escalation == "admin"


def test_explicit_deny_still_blocks_a_trust_that_names_the_caller() -> None:
    # "An explicit deny in any of these policies overrides the allow." (Policy evaluation logic)
    a = account(
        users=[user("u", inline("no", doc(deny("sts:AssumeRole"))))],
        roles=[role("admin", trust(U), inline("all", ADMIN_DOC))],
    )
    assert not findings(a, "assume-role", U)
    assert path_of(a, U) is None


def test_user_boundary_must_allow_sts_assume_role_even_when_named() -> None:
    # IAM User Guide, "Update a role trust policy": "If a permissions boundary is set for the
    # user, then it must allow the sts:AssumeRole action."
    pb = arn("policy", "pb")
    roles = [role("admin", trust(U), inline("all", ADMIN_DOC))]
    blocked = account(
        users=[user("u", boundary=pb)],
        roles=roles,
        policies=[policy("pb", doc(allow("s3:GetObject")))],
    )
    assert not findings(blocked, "assume-role", U)
    allowed = account(
        users=[user("u", boundary=pb)],
        roles=roles,
        policies=[policy("pb", doc(allow("sts:AssumeRole")))],
    )
    assert [f.target for f in findings(allowed, "assume-role", U)] == [arn("role", "admin")]


def test_principals_sharing_policies_do_not_share_trust_edges() -> None:
    # Two users with the same (no) policies: only the one the trust names can assume.
    a = account(
        users=[user("u"), user("v")],
        roles=[role("admin", trust(U), inline("all", ADMIN_DOC))],
    )
    assert {f.source for f in findings(a, "assume-role")} == {U}
    assert path_of(a, arn("user", "v")) is None


def test_rewritten_trust_names_the_caller_so_no_assume_permission_is_needed() -> None:
    # iam:UpdateAssumeRolePolicy then AssumeRole: the new trust names the caller's ARN.
    a = account(
        users=[user("u", inline("p", doc(allow("iam:UpdateAssumeRolePolicy"))))],
        roles=[role("admin", trust(service="ec2.amazonaws.com"), inline("all", ADMIN_DOC))],
    )
    (f,) = findings(a, "update-assume-role-policy", U)
    assert f.escalation == "admin"
