"""Escalation semantics (issue 11), each rule on its own small account with AWS's wording cited."""

from __future__ import annotations

from core.escalate.analysis import Analysis
from tests.core_tests.accounts import (
    ADMIN_DOC,
    account,
    allow,
    arn,
    deny,
    doc,
    findings,
    group,
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


def _chain(**user_kw: object) -> Analysis:
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


def test_scp_deny_still_blocks_a_trust_that_names_the_caller() -> None:
    # Policy evaluation logic: SCPs must allow the action at every level of the organization.
    roles = [role("admin", trust(U), inline("all", ADMIN_DOC))]
    allowed = account(users=[user("u")], roles=roles, scps=[doc(allow("*"))])
    assert [f.target for f in findings(allowed, "assume-role", U)] == [arn("role", "admin")]
    denied = account(users=[user("u")], roles=roles, scps=[doc(allow("*"), deny("sts:AssumeRole"))])
    assert not findings(denied, "assume-role", U)


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


# --- 6. A hop that leads to admin says so ----------------------------------------------------


def test_first_hop_of_a_chain_carries_reaches_admin_and_keeps_its_own_label() -> None:
    a = account(
        users=[user("u")],
        roles=[
            role("a", trust(U)),
            role("admin", trust(arn("role", "a")), inline("all", ADMIN_DOC)),
        ],
    )
    (first,) = findings(a, "assume-role", U)
    assert first.escalation == "none"  # role a itself adds nothing
    assert first.reaches_admin == (2, False)
    assert first.to_json()["reaches_admin"] == {"hops": 2, "conditional": False}
    (second,) = findings(a, "assume-role", arn("role", "a"))
    assert second.escalation == "admin" and second.reaches_admin == (1, False)


def test_a_hop_to_a_dead_end_has_no_reaches_admin() -> None:
    a = account(users=[user("u")], roles=[role("a", trust(U), inline("r", doc(allow("s3:*"))))])
    (f,) = findings(a, "assume-role", U)
    assert f.escalation == "privilege-gain" and f.reaches_admin is None
    assert f.to_json()["reaches_admin"] is None


# --- 7. Zero-length paths keep their conditions ----------------------------------------------

MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


def test_conditional_self_modification_path_keeps_the_condition() -> None:
    # Conditions on keys the caller does not control (MFA) leave the finding conditional
    # (IAM User Guide, "AWS global condition context keys": aws:MultiFactorAuthPresent).
    a = account(
        users=[user("u", inline("p", doc(allow("iam:PutUserPolicy", U, **MFA))))],
    )
    assert U not in a.admins  # conditional: not admin-equivalent outright
    (f,) = findings(a, "put-user-policy", U)
    assert f.escalation == "admin" and f.conditional
    p = path_of(a, U)
    assert p is not None and p.length == 0
    assert p.conditional and p.terminal == f
    assert p.conditions == f.conditions
    assert any("MultiFactorAuthPresent" in c for c in p.to_json()["conditions"])


# --- 8. Shortest paths prefer certainty ------------------------------------------------------


def test_unconditional_path_wins_over_a_conditional_one_of_equal_length() -> None:
    a = account(
        users=[
            user(
                "u",
                inline(
                    "p",
                    doc(
                        allow("iam:PassRole", arn("role", "ec2admin")),
                        allow(["ec2:RunInstances", "codebuild:StartBuild"]),
                    ),
                ),
            )
        ],
        roles=[
            role("cbadmin", trust(service="codebuild.amazonaws.com"), inline("a", ADMIN_DOC)),
            role(
                "ec2admin", trust(service="ec2.amazonaws.com"), inline("a", ADMIN_DOC), profile=True
            ),
        ],
    )
    kinds = {f.kind for f in findings(a, source=U)}
    assert {"passrole", "codebuild-start-build"} <= kinds
    p = path_of(a, U)
    assert p is not None and p.length == 1
    assert (p.hops[0].finding.kind, p.conditional) == ("passrole", False)


# --- 2. Roles cannot be members of groups ----------------------------------------------------
# IAM User Guide, "IAM user groups": "An IAM user group is a collection of IAM users." and
# "User groups can't be nested. They can contain only users, not other user groups."
ADD = doc(allow("iam:AddUserToGroup", arn("group", "admins")))
ADMINS = group("admins", inline("all", ADMIN_DOC))


def test_a_role_with_add_user_to_group_escalates_nothing_by_itself() -> None:
    r = arn("role", "r")
    a = account(
        roles=[role("r", trust(service="ec2.amazonaws.com"), inline("p", ADD))], groups=[ADMINS]
    )
    (f,) = findings(a, "add-user-to-group", r)
    assert f.escalation == "none" and f.reaches_admin is None
    assert r not in a.admins and path_of(a, r) is None


def test_a_user_adds_itself_one_hop() -> None:
    a = account(users=[user("u", inline("p", ADD))], groups=[ADMINS])
    (f,) = findings(a, "add-user-to-group", U)
    assert f.escalation == "admin"
    p = path_of(a, U)
    assert p is not None and p.length == 1 and p.hops[0].target == arn("group", "admins")


def test_a_role_that_can_get_a_users_credentials_adds_that_user_two_hops() -> None:
    r = arn("role", "r")
    can = doc(
        allow("iam:AddUserToGroup", arn("group", "admins")),
        allow("iam:CreateAccessKey", arn("user", "v")),
    )
    a = account(
        users=[user("u"), user("v")],
        roles=[role("r", trust(U), inline("p", can))],
        groups=[ADMINS],
    )
    p = path_of(a, r)
    assert p is not None
    assert [(h.source, h.target, h.finding.kind) for h in p.hops] == [
        (r, arn("user", "v"), "create-access-key"),
        (arn("user", "v"), arn("group", "admins"), "add-user-to-group"),
    ]
    assert path_of(a, U) is not None and path_of(a, U).length == 3


def test_a_user_already_in_the_group_has_no_join_finding() -> None:
    a = account(users=[user("u", inline("p", ADD), groups=("admins",))], groups=[ADMINS])
    assert not findings(a, "add-user-to-group", U)


# --- 5. Labels agree with themselves ---------------------------------------------------------


def test_joining_a_group_whose_members_can_rewrite_themselves_is_admin() -> None:
    # A member of a group that grants iam:* may attach any policy to itself: admin-equivalent.
    iam_group = group("iam-ops", inline("iam", doc(allow("iam:*"))))
    add = doc(allow("iam:AddUserToGroup", arn("group", "iam-ops")))
    a = account(users=[user("u", inline("p", add))], groups=[iam_group])
    assert a.admins[arn("group", "iam-ops")].kind == "self-modify"
    (f,) = findings(a, "add-user-to-group", U)
    assert f.escalation == "admin"
    p = path_of(a, U)
    assert p is not None and p.length == 1 and not p.conditional


def test_joining_is_judged_on_the_member_so_its_boundary_still_caps_it() -> None:
    # Policy evaluation logic: an identity-based allow must also be allowed by the boundary.
    pb = arn("policy", "pb")
    add = doc(allow("iam:AddUserToGroup", arn("group", "admins")))
    a = account(
        users=[user("u", inline("p", add), boundary=pb)],
        groups=[ADMINS],
        policies=[policy("pb", doc(allow(["iam:AddUserToGroup", "s3:GetObject"])))],
    )
    (f,) = findings(a, "add-user-to-group", U)
    assert f.escalation == "privilege-gain" and f.reaches_admin is None
    assert path_of(a, U) is None


def test_passing_a_role_that_can_make_itself_admin_is_admin() -> None:
    self_admin = doc(allow("iam:PutRolePolicy", arn("role", "worker")))
    a = account(
        users=[
            user(
                "u",
                inline(
                    "p",
                    doc(allow("iam:PassRole", arn("role", "worker")), allow("lambda:*")),
                ),
            )
        ],
        roles=[role("worker", trust(service="lambda.amazonaws.com"), inline("w", self_admin))],
    )
    (f,) = findings(a, "passrole", U)
    assert f.escalation == "admin"
    assert a.admins[arn("role", "worker")].kind == "self-modify"


# --- 3. SetDefaultPolicyVersion needs a better version to set --------------------------------
# IAM API reference, SetDefaultPolicyVersion: "Sets the specified version of the specified
# policy as the policy's default (operative) version."
SETDEF = doc(allow("iam:SetDefaultPolicyVersion"))
POL = arn("policy", "tools")


def test_single_version_policy_gives_no_set_default_finding() -> None:
    a = account(
        users=[user("u", inline("p", SETDEF), attached=(POL,))],
        policies=[policy("tools", doc(allow("s3:GetObject")))],
    )
    assert not findings(a, "set-default-policy-version")
    assert path_of(a, U) is None


def test_older_version_that_grants_everything_makes_the_holder_admin() -> None:
    a = account(
        users=[user("u", inline("p", SETDEF), attached=(POL,))],
        policies=[policy("tools", ADMIN_DOC, doc(allow("s3:GetObject")), default=2)],
    )
    (f,) = findings(a, "set-default-policy-version", U)
    assert f.target == POL and f.escalation == "admin"
    assert any("v1 (admin)" in r.text for r in f.reasons)
    p = path_of(a, U)
    assert p is not None and p.length == 0 and p.terminal == f


def test_older_version_that_grants_a_little_more_is_a_privilege_gain() -> None:
    a = account(
        users=[user("u", inline("p", SETDEF), attached=(POL,))],
        policies=[
            policy(
                "tools",
                doc(allow(["s3:GetObject", "s3:PutObject"])),
                doc(allow("s3:GetObject")),
                default=2,
            )
        ],
    )
    (f,) = findings(a, "set-default-policy-version", U)
    assert f.escalation == "privilege-gain"
    assert path_of(a, U) is None


def test_older_version_that_grants_less_is_not_a_finding() -> None:
    a = account(
        users=[user("u", inline("p", SETDEF), attached=(POL,))],
        policies=[
            policy("tools", doc(allow("s3:GetObject")), doc(allow("s3:*")), default=2),
        ],
    )
    assert not findings(a, "set-default-policy-version")


def test_better_version_of_a_policy_held_by_a_role_it_can_assume_is_a_path() -> None:
    a = account(
        users=[user("u", inline("p", SETDEF))],
        roles=[role("r", trust(U), attached=(POL,))],
        policies=[policy("tools", ADMIN_DOC, doc(allow("s3:GetObject")), default=2)],
    )
    (f,) = findings(a, "set-default-policy-version", U)
    assert f.escalation == "admin"  # r (no boundary) becomes admin, and u can then assume it
    p = path_of(a, U)
    assert p is not None and p.terminal is None and not p.conditional
    assert [h.finding.kind for h in p.hops] == ["set-default-policy-version", "assume-role"]


# --- 9. Launches with a role always carry what the role brings -------------------------------
# Service Authorization Reference, Amazon EC2: ec2:InstanceProfile "Filters access by the ARN of
# an instance profile" (RunInstances); AWS CloudFormation: cloudformation:RoleArn "Filters
# access by the ARN of an IAM service role" (CreateStack). A launch that passes the role sets
# them, so a deny on them is not something the caller can avoid.


def _ec2_account(*extra: dict[str, object]) -> Analysis:
    return account(
        users=[
            user(
                "u",
                inline(
                    "p",
                    doc(allow(["iam:PassRole", "ec2:RunInstances"]), *extra),
                ),
            )
        ],
        roles=[
            role("web", trust(service="ec2.amazonaws.com"), inline("a", ADMIN_DOC), profile=True)
        ],
    )


def test_deny_on_every_instance_profile_removes_the_ec2_edge() -> None:
    every = deny(
        "ec2:RunInstances",
        ArnLike={"ec2:InstanceProfile": "arn:aws:iam::*:instance-profile/*"},
    )
    a = _ec2_account(every)
    assert not findings(a, "passrole", U)
    from core.escalate.passrole_edges import why_not
    from core.escalate.tables.services import service_by_id

    svc = service_by_id("ec2")
    r = a.account.role("web")
    assert svc is not None and r is not None
    assert any("ec2:InstanceProfile" in w for w in why_not(a.account, a.views[U], r, svc))


def test_deny_on_another_profile_leaves_the_edge_without_an_avoid_constraint() -> None:
    other = deny(
        "ec2:RunInstances",
        ArnLike={"ec2:InstanceProfile": "arn:aws:iam::*:instance-profile/admin-*"},
    )
    a = _ec2_account(other)
    (f,) = findings(a, "passrole", U)
    assert not f.conditional
    assert not any("avoid" in c for c in f.constraints)


def test_cloudformation_role_arn_deny_matches_the_passed_role_only() -> None:
    cfn = doc(
        allow(["iam:PassRole", "cloudformation:CreateStack"]),
        deny(
            "cloudformation:CreateStack",
            ArnLike={"cloudformation:RoleArn": arn("role", "admin-*")},
        ),
    )
    cf = trust(service="cloudformation.amazonaws.com")
    a = account(
        users=[user("u", inline("p", cfn))],
        roles=[
            role("admin-stack", cf, inline("a", ADMIN_DOC)),
            role("ops-stack", cf, inline("a", ADMIN_DOC)),
        ],
    )
    assert {f.target for f in findings(a, "passrole", U)} == {arn("role", "ops-stack")}


# --- 10. Existing-resource methods are conditional --------------------------------------------
# EC2 User Guide, "Attach an IAM role to an instance": AssociateIamInstanceProfile acts on a
# running instance; the snapshot lists no instances, so the edge needs one the caller can run
# code on, like the other existing-resource methods.


def _associate(actions: list[str]) -> Analysis:
    return account(
        users=[user("u", inline("p", doc(allow(["iam:PassRole", *actions]))))],
        roles=[
            role("web", trust(service="ec2.amazonaws.com"), inline("a", ADMIN_DOC), profile=True)
        ],
    )


def test_associate_instance_profile_alone_is_conditional_on_an_instance() -> None:
    for action in ("ec2:AssociateIamInstanceProfile", "ec2:ReplaceIamInstanceProfileAssociation"):
        (f,) = findings(_associate([action]), "passrole", U)
        assert f.conditional, action
        assert any("existing EC2 instance" in c for c in f.conditions)


def test_run_instances_next_to_it_keeps_the_edge_unconditional() -> None:
    a = _associate(["ec2:AssociateIamInstanceProfile", "ec2:RunInstances"])
    (f,) = findings(a, "passrole", U)
    assert not f.conditional
    assert any(r.text == "may ec2:RunInstances" for r in f.reasons)


# --- 16. Every known path, conditional on what IAM data does not show ------------------------


def test_create_access_key_is_conditional_on_the_key_limit() -> None:
    # IAM User Guide, "Manage access keys for IAM users": a user can have at most two access
    # keys; the snapshot does not show how many it has.
    a = account(
        users=[user("u", inline("p", doc(allow("iam:CreateAccessKey")))), user("admin")],
        groups=[],
    )
    a2 = account(
        users=[
            user("u", inline("p", doc(allow("iam:CreateAccessKey", arn("user", "boss"))))),
            user("boss", inline("all", ADMIN_DOC)),
        ]
    )
    assert not findings(a, "create-access-key", U) or all(
        f.conditional for f in findings(a, "create-access-key", U)
    )
    (f,) = findings(a2, "create-access-key", U)
    assert f.escalation == "admin" and f.conditional
    assert any("fewer than two access keys" in c for c in f.conditions)
    p = path_of(a2, U)
    assert p is not None and p.conditional


def test_removing_an_own_deny_policy_is_an_escalation() -> None:
    # Policy evaluation logic: "An explicit deny in any of these policies overrides the allow";
    # deleting the denying inline policy lets the allow apply.
    a = account(
        users=[
            user(
                "u",
                inline("all", ADMIN_DOC),
                inline(
                    "guard",
                    doc(deny(["iam:CreateUser", "iam:Put*", "iam:Attach*", "kms:*"])),
                ),
            )
        ]
    )
    assert U not in a.admins
    (f,) = findings(a, "delete-user-policy", U)
    assert f.escalation == "admin"
    p = path_of(a, U)
    assert p is not None and p.terminal is not None and p.terminal.kind == "delete-user-policy"


def test_delete_policy_without_a_deny_to_remove_is_not_a_finding() -> None:
    a = account(users=[user("u", inline("p", doc(allow(["iam:DeleteUserPolicy", "s3:*"]))))])
    assert not findings(a, "delete-user-policy")


def test_user_data_rewrite_of_an_existing_instance_is_conditional_on_it() -> None:
    # pathfinding.cloud ec2-002: ModifyInstanceAttribute (userData) + StopInstances +
    # StartInstances on an instance whose profile holds the role; no iam:PassRole needed.
    a = account(
        users=[user("u", inline("p", doc(allow("ec2:*"))))],
        roles=[
            role("web", trust(service="ec2.amazonaws.com"), inline("a", ADMIN_DOC), profile=True)
        ],
    )
    assert not findings(a, "passrole", U)
    (f,) = findings(a, "ec2-modify-instance-attribute", U)
    assert f.escalation == "admin" and f.conditional
    assert "an existing ec2 instance that uses role web" in f.conditions


def test_deleting_a_boundary_only_escalates_when_there_is_one() -> None:
    # IAM User Guide, "Permissions boundaries for IAM entities": the boundary sets the maximum
    # permissions; with none there is nothing to remove.
    lift = inline("p", doc(allow(["iam:DeleteUserPermissionsBoundary", "s3:*"], U)))
    none = account(users=[user("u", lift)])
    assert not findings(none, "delete-user-permissions-boundary")
    pb = arn("policy", "pb")
    capped = account(
        users=[user("u", lift, inline("all", ADMIN_DOC), boundary=pb)],
        policies=[policy("pb", doc(allow(["s3:*", "iam:DeleteUserPermissionsBoundary"])))],
    )
    # AdministratorAccess capped by a boundary that also allows deleting it: admin-equivalent.
    reason = capped.admins[U]
    assert (reason.kind, reason.action) == ("self-modify", "iam:DeleteUserPermissionsBoundary")
    (f,) = findings(capped, "delete-user-permissions-boundary", U)
    assert f.escalation == "admin"


def test_a_whatif_on_the_group_relabels_the_join() -> None:
    from core.explain.whatif import Session, add_inline_policy

    add = doc(allow("iam:AddUserToGroup", arn("group", "ops")))
    a = account(
        users=[user("u", inline("p", add))], groups=[group("ops", inline("s3", doc(allow("s3:*"))))]
    )
    (f,) = findings(a, "add-user-to-group", U)
    assert f.escalation == "privilege-gain"
    s = Session(a.account)
    s.apply(
        add_inline_policy(
            arn("group", "ops"),
            "iam",
            '{"Version": "2012-10-17", '
            '"Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]}',
        )
    )
    (g,) = findings(s.analysis, "add-user-to-group", U)
    assert g.escalation == "admin"


def test_a_denied_existing_profile_is_avoided_by_creating_a_new_one() -> None:
    # The caller names a profile it creates (iam:CreateInstanceProfile,
    # iam:AddRoleToInstanceProfile), so a deny on the existing profile's ARN only is avoidable.
    only_that = deny(
        "ec2:RunInstances",
        ArnEquals={"ec2:InstanceProfile": "arn:aws:iam::111122223333:instance-profile/web"},
    )
    blocked = _ec2_account(only_that)
    assert not findings(blocked, "passrole", U)
    create = allow(["iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile"])
    a = _ec2_account(only_that, create)
    (f,) = findings(a, "passrole", U)
    assert "launch with a new instance profile (web-new) holding web" in f.constraints
    every = deny(
        "ec2:RunInstances",
        ArnLike={"ec2:InstanceProfile": "arn:aws:iam::*:instance-profile/*"},
    )
    assert not findings(_ec2_account(every, create), "passrole", U)  # new ones match too


def test_a_profile_the_caller_must_create_is_still_a_profile() -> None:
    every = deny(
        "ec2:RunInstances",
        ArnLike={"ec2:InstanceProfile": "arn:aws:iam::*:instance-profile/*"},
    )
    create = allow(
        [
            "iam:PassRole",
            "ec2:RunInstances",
            "iam:CreateInstanceProfile",
            "iam:AddRoleToInstanceProfile",
        ]
    )
    ec2 = trust(service="ec2.amazonaws.com")
    roles = [role("web", ec2, inline("a", ADMIN_DOC))]  # in no instance profile
    ok = account(users=[user("u", inline("p", doc(create)))], roles=roles)
    assert len(findings(ok, "passrole", U)) == 1
    denied = account(users=[user("u", inline("p", doc(create, every)))], roles=roles)
    assert not findings(denied, "passrole", U)


def test_codestar_rows_act_on_a_project_and_stay_conditional() -> None:
    # Catalogue rows x-codestar-002/003: CodeStar (discontinued) grants the project's owner
    # policy to its creator; IAM data cannot show the service still works.
    project = "arn:aws:codestar:*:111122223333:project/*"
    a = account(
        users=[
            user(
                "u",
                inline(
                    "p",
                    doc(allow(["codestar:CreateProject", "codestar:AssociateTeamMember"], project)),
                ),
            )
        ]
    )
    (f,) = findings(a, "codestar-associate-team-member", U)
    assert f.escalation == "privilege-gain" and f.conditional
    assert all("codestar resource it creates" in r.text for r in f.reasons)
    assert path_of(a, U) is None


# --- Writing the permissions of a principal the caller can then become -----------------------
# pathfinding.cloud iam-014..018; Rhino Security Labs (AttachRolePolicy, PutRolePolicy,
# AttachUserPolicy + CreateAccessKey). A permissions boundary caps the target whatever is
# written: IAM User Guide, "Permissions boundaries for IAM entities": "An entity's permissions
# boundary allows it to perform only the actions that are allowed by both its identity-based
# policies and its permissions boundaries."

R_T = arn("role", "target")
LIST = doc(allow("s3:ListBucket"))


def _write_then_act(actions: list[str], **target_kw: object) -> Analysis:
    return account(
        users=[user("u", inline("p", doc(allow(actions))))],
        roles=[role("target", trust("111122223333"), inline("p", LIST), **target_kw)],  # type: ignore[arg-type]
        policies=[policy("cap", doc(allow(["s3:*", "dynamodb:*"])))],
    )


def test_attach_policy_to_a_role_it_can_assume_is_a_two_hop_admin_path() -> None:
    a = _write_then_act(["iam:AttachRolePolicy", "sts:AssumeRole"])
    (w,) = findings(a, "attach-role-policy", U)
    assert w.escalation == "admin" and w.target == R_T
    (m,) = findings(a, "assume-role", U)
    assert m.escalation == "privilege-gain"  # the hop's own label: the role as it is now
    p = path_of(a, U)
    assert p is not None and p.length == 2 and p.terminal is None
    assert [(h.finding.kind, h.target) for h in p.hops] == [
        ("attach-role-policy", R_T),
        ("assume-role", R_T),
    ]
    assert "then acts as target" in p.admin


def test_put_policy_on_another_user_then_create_its_key_is_admin() -> None:
    a = account(
        users=[
            user(
                "u",
                inline(
                    "p",
                    doc(allow(["iam:PutUserPolicy", "iam:CreateAccessKey"], arn("user", "victim"))),
                ),
            ),
            user("victim", inline("p", LIST)),
        ],
    )
    (w,) = findings(a, "put-user-policy", U)
    assert w.escalation == "admin"
    p = path_of(a, U)
    assert p is not None
    assert [h.finding.kind for h in p.hops] == ["put-user-policy", "create-access-key"]


def test_writing_a_policy_without_a_way_to_become_the_target_is_not_admin() -> None:
    a = _write_then_act(["iam:AttachRolePolicy"])
    (w,) = findings(a, "attach-role-policy", U)
    assert w.escalation == "none"
    assert path_of(a, U) is None


def test_boundary_on_the_target_caps_what_is_written_no_admin_path() -> None:
    a = _write_then_act(
        ["iam:AttachRolePolicy", "iam:PutRolePolicy", "sts:AssumeRole"],
        boundary=arn("policy", "cap"),
    )
    assert all(f.escalation != "admin" for f in a.findings)
    assert path_of(a, U) is None


def test_boundary_allowing_everything_does_not_cap_the_target() -> None:
    a = account(
        users=[user("u", inline("p", doc(allow(["iam:PutRolePolicy", "sts:AssumeRole"]))))],
        roles=[role("target", trust("111122223333"), inline("p", LIST), boundary=POL)],
        policies=[policy("tools", ADMIN_DOC)],
    )
    p = path_of(a, U)
    assert p is not None and p.length == 2


# --- aws:SourceArn in a service trust policy --------------------------------------------------
# A service that acts for the caller here presents (if anything) a source ARN of this account,
# naming a resource the caller creates. IAM User Guide, "Condition operators": "If the key that
# you specify in a policy condition is not present in the request context, the values do not
# match" -- so ArnLike on another account's ARN never holds.

_PASS = doc(allow(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"]))


def _lambda_role(source_arn: str) -> Analysis:
    return account(
        users=[user("u", inline("p", _PASS))],
        roles=[
            role(
                "fn",
                trust(service="lambda.amazonaws.com", ArnLike={"aws:SourceArn": source_arn}),
                inline("all", ADMIN_DOC),
            )
        ],
    )


def test_source_arn_in_another_account_gives_no_passrole_edge() -> None:
    a = _lambda_role("arn:aws:lambda:us-east-1:999988887777:function:*")
    assert not findings(a, "passrole", U)


def test_source_arn_in_this_account_is_a_constraint_the_caller_meets() -> None:
    a = _lambda_role("arn:aws:lambda:us-east-1:111122223333:function:prod-*")
    (f,) = findings(a, "passrole", U)
    assert f.escalation == "admin" and not f.conditional
    assert any("aws:SourceArn" in c and "prod-*" in c for c in f.constraints)


# --- EMR needs a service role as well as the instance profile -------------------------------
# Amazon EMR Management Guide, "Service role for Amazon EMR (EMR role)": "the service role is
# used to provision EC2 instances when a cluster launches"; RunJobFlow passes it besides the
# JobFlowRole instance profile. Several rows share ec2.amazonaws.com: ``via`` tells them apart.

_EMR = doc(allow(["iam:PassRole", "elasticmapreduce:RunJobFlow"]))


def _emr(*extra_roles: dict[str, object]) -> Analysis:
    return account(
        users=[user("u", inline("p", _EMR))],
        roles=[
            role(
                "ec2admin", trust(service="ec2.amazonaws.com"), inline("a", ADMIN_DOC), profile=True
            ),
            *extra_roles,
        ],
    )


def test_emr_edge_needs_a_passable_role_trusting_elasticmapreduce() -> None:
    assert not [f for f in findings(_emr(), "passrole", U) if f.via == "emr"]
    svc = role(
        "emrsvc", trust(service="elasticmapreduce.amazonaws.com"), inline("p", doc(allow("ec2:*")))
    )
    (f,) = [f for f in findings(_emr(svc), "passrole", U) if f.target == arn("role", "ec2admin")]
    assert f.via == "emr" and f.escalation == "admin"
    assert any("emrsvc" in r.text and r.step == "prerequisite" for r in f.reasons)


def test_rows_sharing_ec2_principal_have_distinct_keys_and_via() -> None:
    a = account(
        users=[user("u", inline("p", doc(allow(["ec2:*", "imagebuilder:*", "iam:PassRole"]))))],
        roles=[role("ec2admin", trust(service="ec2.amazonaws.com"), profile=True)],
    )
    shared = [f for f in findings(a, "passrole") if f.service == "ec2.amazonaws.com"]
    assert len(shared) >= 2
    assert len({f.key for f in shared}) == len(shared)
    assert len({f.via for f in shared}) == len(shared)
    ec2 = next(f for f in shared if f.via == "ec2")
    assert ec2.key[3] == "ec2.amazonaws.com"  # EC2's key is unchanged
    assert all(f.to_json()["via"] == f.via for f in shared)


# --- A permissions boundary missing from the export -----------------------------------------
# IAM User Guide, "Permissions boundaries for IAM entities": the boundary sets "the maximum
# permissions that an identity-based policy can grant". When its document is not in the export
# that maximum is unknown: the escalation stays, conditional on what the boundary allows.


def _missing_boundary() -> Analysis:
    return account(
        users=[user("u", inline("p", _PASS))],
        roles=[
            role(
                "r",
                trust(service="lambda.amazonaws.com"),
                inline("all", ADMIN_DOC),
                boundary=arn("policy", "not-in-export"),
            )
        ],
    )


def test_passing_a_role_whose_boundary_is_missing_is_conditional_admin() -> None:
    a = _missing_boundary()
    (f,) = findings(a, "passrole", U)
    assert f.escalation == "admin" and f.conditional
    assert any("not-in-export" in c for c in f.conditions)
    assert arn("role", "r") not in a.admins  # not admin-equivalent outright
    p = path_of(a, U)
    assert p is not None and p.conditional


def test_a_role_whose_boundary_is_missing_acts_only_conditionally() -> None:
    a = _missing_boundary()
    own = findings(a, source=arn("role", "r"))
    assert own and all(f.conditional for f in own)
    assert all(any("not-in-export" in c for c in f.conditions) for f in own)
