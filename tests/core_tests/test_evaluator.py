"""The evaluator, rule by rule of the IAM User Guide ("Policy evaluation logic" and the policy
element pages), plus hypothesis properties that hold for any policies."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.evaluate.decision import Layer, PolicyRef
from core.evaluate.evaluator import CALLER_CHOSEN, PolicySet, Request, evaluate
from core.load.policy_parser import PolicyKind, parse_policy_strict
from core.model.context import RequestContext
from core.model.patterns import action_matches, arn_matches

ACCT = "111122223333"
ALICE = f"arn:aws:iam::{ACCT}:user/alice"
ROLE = f"arn:aws:iam::{ACCT}:role/AppRole"


def ref(doc: dict[str, Any], layer: Layer = "identity", kind: PolicyKind = "identity") -> PolicyRef:
    return PolicyRef(name=f"{layer}-policy", document=parse_policy_strict(doc, kind), layer=layer)


def doc(*statements: dict[str, Any], version: str | None = "2012-10-17") -> dict[str, Any]:
    d: dict[str, Any] = {"Statement": list(statements)}
    if version:
        d["Version"] = version
    return d


def allow(action: Any = "iam:PassRole", resource: Any = "*", **kw: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **kw}


def deny(action: Any = "iam:PassRole", resource: Any = "*", **kw: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **kw}


def decide(
    identity: list[dict[str, Any]],
    *,
    action: str = "iam:PassRole",
    resource: str = ROLE,
    principal: str = ALICE,
    ctx: dict[str, Any] | None = None,
    boundary: dict[str, Any] | None = None,
    scps: list[list[dict[str, Any]]] | None = None,
    session: dict[str, Any] | None = None,
    resource_policy: dict[str, Any] | None = None,
    kind: str = "user",
    must_allow: bool = False,
    unknown: bool = False,
) -> str:
    ps = PolicySet(
        identity=tuple(ref(d) for d in identity),
        boundary=ref(boundary, "boundary") if boundary else None,
        scp_levels=tuple(tuple(ref(d, "scp", "scp") for d in lvl) for lvl in scps or []),
        session=ref(session, "session") if session else None,
        principal_kind=kind,  # type: ignore[arg-type]
        account_id=ACCT,
    )
    rp = ref(resource_policy, "resource", "resource") if resource_policy else None
    d = evaluate(
        Request(
            principal, action, resource, RequestContext.of(ctx or {}, unknown_by_default=unknown)
        ),
        ps,
        resource_policy=rp,
        resource_must_allow=must_allow,
    )
    return "conditional" if d.conditional else d.decision


# -- Policy evaluation logic -----------------------------------------------------------------


def test_evaluation_logic__default_is_implicit_deny() -> None:
    assert decide([]) == "implicitDeny"


def test_evaluation_logic__explicit_deny_in_boundary_wins_over_identity_allow() -> None:
    assert decide([doc(allow())], boundary=doc(allow("*"), deny())) == "explicitDeny"


def test_evaluation_logic__scp_level_with_only_deny_allows_nothing() -> None:
    assert decide([doc(allow())], scps=[[doc(allow("*"))], [doc(deny("s3:*"))]]) == ("implicitDeny")


def test_evaluation_logic__scp_must_allow_at_every_level() -> None:
    full = doc(allow("*"))
    assert decide([doc(allow())], scps=[[full], [full], [full]]) == "allowed"
    assert decide([doc(allow())], scps=[[full], [doc(allow("s3:*"))], [full]]) == "implicitDeny"


def test_evaluation_logic__scp_does_not_grant() -> None:
    assert decide([], scps=[[doc(allow("*"))]]) == "implicitDeny"


def test_evaluation_logic__session_policy_intersects() -> None:
    assert decide([doc(allow())], session=doc(allow("s3:*")), kind="role") == "implicitDeny"
    assert decide([doc(allow())], session=doc(allow("iam:*")), kind="role") == "allowed"


def test_evaluation_logic__same_account_resource_policy_naming_user_allows_alone() -> None:
    rp = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": ALICE},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/*",
        }
    )
    assert (
        decide(
            [],
            action="s3:GetObject",
            resource="arn:aws:s3:::b/k",
            resource_policy=rp,
        )
        == "allowed"
    )


def test_evaluation_logic__boundary_does_not_limit_resource_policy_grant_to_user_arn() -> None:
    rp = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": ALICE},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/*",
        }
    )
    assert (
        decide(
            [],
            action="s3:GetObject",
            resource="arn:aws:s3:::b/k",
            resource_policy=rp,
            boundary=doc(allow("ec2:*")),
        )
        == "allowed"
    )


def test_evaluation_logic__boundary_limits_resource_policy_grant_to_role_arn() -> None:
    role_arn = f"arn:aws:iam::{ACCT}:role/worker"
    rp = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": role_arn},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/*",
        }
    )
    assert decide(
        [],
        action="s3:GetObject",
        resource="arn:aws:s3:::b/k",
        resource_policy=rp,
        principal=role_arn,
        kind="role",
        boundary=doc(allow("ec2:*")),
    ) == ("implicitDeny")


def test_evaluation_logic__resource_policy_naming_account_delegates_to_identity() -> None:
    rp = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/*",
        }
    )
    kw: dict[str, Any] = {
        "action": "s3:GetObject",
        "resource": "arn:aws:s3:::b/k",
        "resource_policy": rp,
    }
    assert decide([], **kw) == "implicitDeny"
    assert decide([doc(allow("s3:GetObject"))], **kw) == "allowed"


def test_evaluation_logic__explicit_deny_in_resource_policy_wins() -> None:
    rp = doc({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"})
    assert (
        decide(
            [doc(allow("s3:*"))],
            action="s3:GetObject",
            resource="arn:aws:s3:::b/k",
            resource_policy=rp,
        )
        == "explicitDeny"
    )


def test_evaluation_logic__not_principal_deny_hits_everyone_else() -> None:
    rp = doc(
        {
            "Effect": "Deny",
            "NotPrincipal": {"AWS": f"arn:aws:iam::{ACCT}:user/bob"},
            "Action": "s3:*",
            "Resource": "*",
        }
    )
    assert (
        decide(
            [doc(allow("s3:*"))],
            action="s3:GetObject",
            resource="arn:aws:s3:::b/k",
            resource_policy=rp,
        )
        == "explicitDeny"
    )


def test_evaluation_logic__trust_policy_must_allow_even_with_identity_allow() -> None:
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    )
    assert (
        decide(
            [doc(allow("sts:AssumeRole"))],
            action="sts:AssumeRole",
            resource_policy=trust,
            must_allow=True,
        )
        == "implicitDeny"
    )


def test_evaluation_logic__cross_account_needs_both_sides() -> None:
    other = "arn:aws:iam::999988887777:user/eve"
    rp = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": other},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/*",
        }
    )
    ps = PolicySet(identity=(), principal_kind="user", account_id="999988887777")
    d = evaluate(
        Request(other, "s3:GetObject", "arn:aws:s3:::b/k", RequestContext(), resource_account=ACCT),
        ps,
        resource_policy=ref(rp, "resource", "resource"),
    )
    assert d.decision == "implicitDeny"


# -- Action / Resource matching ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("iam:PassRole", "IAM:PASSROLE", True),  # "Action": names are case-insensitive
        ("iam:Pass*", "iam:PassRole", True),
        ("iam:Pass?ole", "iam:PassRole", True),
        ("iam:Pass?", "iam:PassRole", False),
        ("iam:*", "iam:PassRole", True),
        ("*", "s3:GetObject", True),
        ("s3:*", "iam:PassRole", False),
    ],
)
def test_action_element__wildcards_and_case(pattern: str, action: str, expected: bool) -> None:
    assert action_matches(pattern, action) is expected


@pytest.mark.parametrize(
    ("pattern", "arn", "expected"),
    [
        (ROLE, ROLE.replace("AppRole", "approle"), False),  # "Resource": ARNs case-sensitive
        (f"arn:aws:iam::{ACCT}:role/*", f"arn:aws:iam::{ACCT}:role/service-role/x", True),
        (f"arn:aws:iam::{ACCT}:role/App?ole", ROLE, True),
        ("arn:aws:iam::*:role/AppRole", ROLE, True),
        ("arn:aws:ec2:us-*-1:*:instance/*", "arn:aws:ec2:us-east-1:1:instance/i-1", True),
        ("arn:aws:ec2:us-*-1:*:instance/*", "arn:aws:ec2:us-east-2:1:instance/i-1", False),
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b/c", True),
        ("*", "anything", True),
    ],
)
def test_resource_element__arn_wildcards(pattern: str, arn: str, expected: bool) -> None:
    assert arn_matches(pattern, arn) is expected


def test_role_path_is_part_of_the_arn() -> None:
    pathed = f"arn:aws:iam::{ACCT}:role/service-role/AppRole"
    assert decide([doc(allow(resource=ROLE))], resource=pathed) == "implicitDeny"
    assert (
        decide([doc(allow(resource=f"arn:aws:iam::{ACCT}:role/service-role/*"))], resource=pathed)
        == "allowed"
    )


# -- Variables -----------------------------------------------------------------------------


def test_variables__not_substituted_without_version_2012() -> None:
    res = f"arn:aws:iam::{ACCT}:role/${{aws:username}}-*"
    ctx = {"aws:username": "alice"}
    alice_role = f"arn:aws:iam::{ACCT}:role/alice-x"
    assert decide([doc(allow(resource=res))], resource=alice_role, ctx=ctx) == "allowed"
    assert decide([doc(allow(resource=res), version=None)], resource=alice_role, ctx=ctx) == (
        "implicitDeny"
    )


def test_variables__missing_value_makes_element_not_match_unless_default() -> None:
    res = f"arn:aws:iam::{ACCT}:role/${{aws:PrincipalTag/team}}-*"
    assert decide([doc(allow(resource=res))], resource=f"arn:aws:iam::{ACCT}:role/-x") == (
        "implicitDeny"
    )
    res_d = f"arn:aws:iam::{ACCT}:role/${{aws:PrincipalTag/team, 'ops'}}-*"
    assert decide([doc(allow(resource=res_d))], resource=f"arn:aws:iam::{ACCT}:role/ops-x") == (
        "allowed"
    )


def test_variables__substituted_value_is_literal_not_a_wildcard() -> None:
    res = f"arn:aws:iam::{ACCT}:role/${{aws:username}}"
    assert (
        decide(
            [doc(allow(resource=res))],
            resource=f"arn:aws:iam::{ACCT}:role/bob",
            ctx={"aws:username": "*"},
        )
        == "implicitDeny"
    )


def test_variables__special_characters() -> None:
    res = f"arn:aws:iam::{ACCT}:role/a${{*}}b"
    assert decide([doc(allow(resource=res))], resource=f"arn:aws:iam::{ACCT}:role/a*b") == (
        "allowed"
    )
    assert decide([doc(allow(resource=res))], resource=f"arn:aws:iam::{ACCT}:role/axxb") == (
        "implicitDeny"
    )


# -- Three-valued analysis -----------------------------------------------------------------


def test_unknown_keys_give_a_conditional_result_with_the_conditions() -> None:
    st_ = allow(Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})
    ps = PolicySet(identity=(ref(doc(st_)),), account_id=ACCT)
    d = evaluate(
        Request(ALICE, "iam:PassRole", ROLE, RequestContext.of(unknown_by_default=True)), ps
    )
    assert d.conditional and d.decision == "implicitDeny"
    (req,) = d.requirements
    assert req.kind == "allow-if"
    assert req.alternatives[0].clauses[0].key == "aws:MultiFactorAuthPresent"


def test_conditional_deny_is_reported_as_deny_if() -> None:
    st_ = deny(Condition={"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}})
    ps = PolicySet(identity=(ref(doc(allow(), st_)),), account_id=ACCT)
    d = evaluate(
        Request(ALICE, "iam:PassRole", ROLE, RequestContext.of(unknown_by_default=True)), ps
    )
    assert d.conditional
    assert [r.kind for r in d.requirements] == ["deny-if"]


def test_caller_chosen_resource_allow_matches_any_resource_of_the_service() -> None:
    assert (
        decide(
            [doc(allow("ec2:RunInstances", "arn:aws:ec2:*:*:instance/*"))],
            action="ec2:RunInstances",
            resource=CALLER_CHOSEN,
        )
        == "allowed"
    )
    assert (
        decide(
            [doc(allow("ec2:RunInstances", "arn:aws:s3:::b"))],
            action="ec2:RunInstances",
            resource=CALLER_CHOSEN,
        )
        == "implicitDeny"
    )
    # a deny on some resources is avoided by picking another; a deny on "*" is not
    narrow = deny("ec2:RunInstances", "arn:aws:ec2:*:*:subnet/subnet-1")
    assert (
        decide([doc(allow("ec2:*"), narrow)], action="ec2:RunInstances", resource=CALLER_CHOSEN)
        == "allowed"
    )
    assert (
        decide(
            [doc(allow("ec2:*"), deny("ec2:RunInstances"))],
            action="ec2:RunInstances",
            resource=CALLER_CHOSEN,
        )
        == "explicitDeny"
    )


# -- Properties ----------------------------------------------------------------------------

names = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,12}", fullmatch=True)
actions = st.builds(lambda s, a: f"{s}:{a}", st.sampled_from(["iam", "s3", "ec2", "sts"]), names)


@given(actions)
def test_property__an_action_matches_itself_in_any_case(action: str) -> None:
    assert action_matches(action, action.swapcase())


@given(st.from_regex(r"arn:aws:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,20}", fullmatch=True))
def test_property__an_arn_matches_itself_and_its_prefix_star(arn: str) -> None:
    assert arn_matches(arn, arn)
    assert arn_matches(arn[: len(arn) // 2] + "*", arn)


statement = st.builds(
    lambda eff, act, res: {"Effect": eff, "Action": act, "Resource": res},
    st.sampled_from(["Allow", "Deny"]),
    st.sampled_from(["iam:PassRole", "iam:*", "*", "s3:*", "iam:Pass*", "ec2:RunInstances"]),
    st.sampled_from([ROLE, "*", f"arn:aws:iam::{ACCT}:role/*", "arn:aws:s3:::b"]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(statement, max_size=6), statement)
def test_property__adding_a_deny_never_turns_a_denial_into_an_allow(
    stmts: list[dict[str, Any]], extra: dict[str, Any]
) -> None:
    before = decide([doc(*stmts)]) if stmts else decide([])
    extra = {**extra, "Effect": "Deny"}
    after = decide([doc(*stmts, extra)])
    if before != "allowed":
        assert after != "allowed"


@settings(max_examples=200, deadline=None)
@given(st.lists(statement, min_size=1, max_size=6), st.randoms())
def test_property__statement_and_policy_order_never_matters(
    stmts: list[dict[str, Any]], rnd: Any
) -> None:
    shuffled = list(stmts)
    rnd.shuffle(shuffled)
    assert decide([doc(*stmts)]) == decide([doc(*shuffled)])
    assert decide([doc(s) for s in stmts]) == decide([doc(*stmts)])


@settings(max_examples=100, deadline=None)
@given(st.lists(statement, min_size=1, max_size=5))
def test_property__a_boundary_only_narrows(stmts: list[dict[str, Any]]) -> None:
    plain = decide([doc(*stmts)])
    bounded = decide([doc(*stmts)], boundary=doc(allow("iam:*")))
    if plain != "allowed":
        assert bounded != "allowed"


def test_json_numbers_and_booleans_are_valid_condition_values() -> None:
    st_ = allow(
        Condition={
            "Bool": {"aws:SecureTransport": True},
            "NumericLessThan": {"aws:MultiFactorAuthAge": 3600},
        }
    )
    assert (
        decide([doc(st_)], ctx={"aws:SecureTransport": "true", "aws:MultiFactorAuthAge": "60"})
        == "allowed"
    )
    assert json.dumps(st_)  # the policy itself is plain JSON


def test_scps_do_not_apply_in_the_management_account_nor_to_service_linked_roles() -> None:
    from dataclasses import replace as dc_replace

    from core.evaluate.principal import scp_levels
    from core.load.snapshot import load_data

    raw = {
        "UserDetailList": [{"UserName": "alice", "Arn": ALICE}],
        "RoleDetailList": [
            {
                "RoleName": "AWSServiceRoleForX",
                "Path": "/aws-service-role/x/",
                "Arn": f"arn:aws:iam::{ACCT}:role/aws-service-role/x/AWSServiceRoleForX",
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []},
            }
        ],
        "IamExplore": {
            "AccountId": ACCT,
            "ScpLevels": [
                {"Target": "root", "Policies": [{"Name": "deny", "Document": doc(deny("*"))}]}
            ],
        },
    }
    account = load_data(raw)
    alice, slr = account.users[0], account.roles[0]
    assert len(scp_levels(account, alice)) == 1
    assert scp_levels(account, slr) == ()
    mgmt = dc_replace(account, metadata=(("OrganizationManagementAccountId", ACCT),))
    assert scp_levels(mgmt, alice) == ()
