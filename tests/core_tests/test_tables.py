"""Schema invariants of the two declarative tables: ``core.escalate.tables.services`` and
``core.escalate.tables.methods``."""

from __future__ import annotations

import re
from dataclasses import FrozenInstanceError

import pytest

from core.escalate.tables.methods import METHODS, EscalationMethod, method_by_id
from core.escalate.tables.services import (
    SERVICES,
    PassRoleService,
    Reference,
    launch_actions,
    service_by_id,
    service_by_principal,
    services_by_principal,
)

# "service:Action": a lowercase service prefix (letters, digits, dashes) and a CamelCase name.
ACTION = re.compile(r"^[a-z0-9][a-z0-9-]*:[A-Z][A-Za-z0-9]*$")
PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
SERVICE_PLACEHOLDERS = {"Region", "Account"}
METHOD_PLACEHOLDERS = {
    "Account",
    "UserName",
    "GroupName",
    "RoleName",
    "RoleArn",
    "UserArn",
    "GroupArn",
    "PolicyArn",
    "SelfArn",
}
KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _service_id(s: PassRoleService) -> str:
    return s.id


def _method_id(m: EscalationMethod) -> str:
    return m.id


# --- services ---------------------------------------------------------------------------------


def test_service_count() -> None:
    assert len(SERVICES) >= 28


def test_service_ids_unique_and_kebab() -> None:
    ids = [s.id for s in SERVICES]
    assert len(ids) == len(set(ids))
    assert all(KEBAB.match(i) for i in ids), ids


@pytest.mark.parametrize("service", SERVICES, ids=_service_id)
def test_service_row_shape(service: PassRoleService) -> None:
    assert service.name
    assert service.principals, "at least one principal"
    assert all(p.endswith(".amazonaws.com") for p in service.principals)
    assert service.passed_to_service.endswith(".amazonaws.com")
    assert service.action_sets, "at least one action set"
    for action_set in service.action_sets:
        assert action_set.actions
        assert action_set.how.strip() and "\n" not in action_set.how
        assert len(set(action_set.actions)) == len(action_set.actions)
        for action in action_set.actions:
            assert ACTION.match(action), action
            assert action.lower() != "iam:passrole", "iam:PassRole is implied, not listed"
    sets = [frozenset(a.actions) for a in service.action_sets]
    assert len(sets) == len(set(sets)), "duplicate action sets"
    assert service.credential_access


@pytest.mark.parametrize("service", SERVICES, ids=_service_id)
def test_service_references(service: PassRoleService) -> None:
    assert service.references
    assert all(r.url.startswith("https://") and r.title for r in service.references)
    assert len({r.url for r in service.references}) == len(service.references)


@pytest.mark.parametrize("service", SERVICES, ids=_service_id)
def test_associated_resource_arn_template(service: PassRoleService) -> None:
    template = service.associated_resource_arn
    if template is None:
        return
    assert template.startswith("arn:aws:")
    assert set(PLACEHOLDER.findall(template)) <= SERVICE_PLACEHOLDERS


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        ("ec2.amazonaws.com", "ec2"),
        ("ec2.amazonaws.com.cn", "ec2"),
        ("lambda.amazonaws.com", "lambda"),
        ("lambda.amazonaws.com.cn", "lambda"),
        ("ecs-tasks.amazonaws.com", "ecs"),
        ("tasks.apprunner.amazonaws.com", "apprunner"),
        ("airflow.amazonaws.com", "mwaa"),
    ],
)
def test_service_by_principal(principal: str, expected: str) -> None:
    found = service_by_principal(principal)
    assert found is not None
    assert found.id == expected


@pytest.mark.parametrize("principal", ["", "example.com", "amazonaws.com", "nope.amazonaws.com"])
def test_service_by_principal_unknown(principal: str) -> None:
    assert service_by_principal(principal) is None
    assert services_by_principal(principal) == ()


def test_shared_principal_lists_every_row_ec2_first() -> None:
    rows = services_by_principal("ec2.amazonaws.com.cn")
    assert rows[0].id == "ec2"
    assert {"ec2", "emr", "imagebuilder", "elasticbeanstalk"} <= {r.id for r in rows}


def test_every_principal_resolves_to_a_row_that_lists_it() -> None:
    for service in SERVICES:
        for principal in service.principals:
            assert service in services_by_principal(principal)
            found = service_by_principal(principal)
            assert found is not None and principal in found.principals


def test_ec2_needs_an_instance_profile() -> None:
    ec2 = service_by_id("ec2")
    assert ec2 is not None
    assert ec2.requires_instance_profile
    assert ec2.associated_resource_arn == "arn:aws:ec2:${Region}:${Account}:instance/*"
    actions = {a for s in ec2.action_sets for a in s.actions}
    assert {"ec2:RunInstances", "ec2:RequestSpotInstances", "ec2:AssociateIamInstanceProfile"} <= (
        actions
    )


def test_instance_profile_rows_trust_ec2() -> None:
    for service in SERVICES:
        if service.requires_instance_profile:
            assert "ec2.amazonaws.com" in service.principals, service.id


def test_apprunner_passed_to_service_differs_from_trust_principal() -> None:
    apprunner = service_by_id("apprunner")
    assert apprunner is not None
    assert apprunner.principals == ("tasks.apprunner.amazonaws.com",)
    assert apprunner.passed_to_service == "apprunner.amazonaws.com"


def test_service_by_id() -> None:
    assert service_by_id("lambda") is not None
    assert service_by_id("no-such-service") is None
    for service in SERVICES:
        assert service_by_id(service.id) is service


def test_launch_actions_lowercased_union() -> None:
    actions = launch_actions()
    assert "ec2:runinstances" in actions
    assert "lambda:createfunction" in actions
    assert all(a == a.lower() for a in actions)
    expected = {a.lower() for s in SERVICES for aset in s.action_sets for a in aset.actions}
    assert actions == expected


def test_rows_are_frozen_and_hashable() -> None:
    service = SERVICES[0]
    with pytest.raises(FrozenInstanceError):
        service.id = "changed"  # type: ignore[misc]
    assert len(set(SERVICES)) == len(SERVICES)


# --- methods ----------------------------------------------------------------------------------


def test_method_count() -> None:
    assert len(METHODS) >= 18


def test_method_ids_unique_and_kebab() -> None:
    ids = [m.id for m in METHODS]
    assert len(ids) == len(set(ids))
    assert all(KEBAB.match(i) for i in ids), ids


@pytest.mark.parametrize("method", METHODS, ids=_method_id)
def test_method_row_shape(method: EscalationMethod) -> None:
    assert method.title and method.description
    assert method.actions
    assert len(set(method.actions)) == len(method.actions)
    for action in method.actions:
        assert ACTION.match(action), action
    assert method.target in {"self", "user", "group", "role", "policy"}
    assert method.outcome in {
        "policy-write",
        "policy-remove",
        "become-user",
        "become-role",
        "join-group",
        "service-grant",
    }
    assert method.references
    assert all(r.url.startswith("https://") and r.title for r in method.references)
    assert len({r.url for r in method.references}) == len(method.references)


@pytest.mark.parametrize("method", METHODS, ids=_method_id)
def test_method_resource_template(method: EscalationMethod) -> None:
    template = method.resource_arn
    names = PLACEHOLDER.findall(template)
    assert set(names) <= METHOD_PLACEHOLDERS, names
    assert template.startswith("arn:aws:") or template in {"${PolicyArn}", "${RoleArn}"} | {
        f"${{{n}}}" for n in ("UserArn", "GroupArn", "SelfArn")
    }
    # A template must still be a template after substitution: no stray "${" or "}".
    stripped = PLACEHOLDER.sub("x", template)
    assert "${" not in stripped and "}" not in stripped


@pytest.mark.parametrize("method", METHODS, ids=_method_id)
def test_outcome_fits_target(method: EscalationMethod) -> None:
    if method.outcome == "join-group":
        assert method.target == "group"
    if method.outcome == "become-user":
        assert method.target == "user"
    if method.outcome == "become-role":
        assert method.target == "role"
    if method.outcome == "service-grant":
        assert method.target == "self" and method.needs, "what IAM data cannot show"
    if method.outcome == "policy-remove":
        assert method.target in ("user", "role")
    if method.target == "policy":
        assert method.outcome == "policy-write"
        assert method.resource_arn == "${PolicyArn}"


def test_core_iam_methods_present() -> None:
    expected = {
        "create-policy-version": ("iam:CreatePolicyVersion", "policy"),
        "set-default-policy-version": ("iam:SetDefaultPolicyVersion", "policy"),
        "attach-user-policy": ("iam:AttachUserPolicy", "user"),
        "attach-group-policy": ("iam:AttachGroupPolicy", "group"),
        "attach-role-policy": ("iam:AttachRolePolicy", "role"),
        "put-user-policy": ("iam:PutUserPolicy", "user"),
        "put-group-policy": ("iam:PutGroupPolicy", "group"),
        "put-role-policy": ("iam:PutRolePolicy", "role"),
        "add-user-to-group": ("iam:AddUserToGroup", "group"),
        "create-access-key": ("iam:CreateAccessKey", "user"),
        "create-login-profile": ("iam:CreateLoginProfile", "user"),
        "update-login-profile": ("iam:UpdateLoginProfile", "user"),
        "update-assume-role-policy": ("iam:UpdateAssumeRolePolicy", "role"),
        "assume-role": ("sts:AssumeRole", "role"),
        "delete-role-permissions-boundary": ("iam:DeleteRolePermissionsBoundary", "role"),
        "delete-user-permissions-boundary": ("iam:DeleteUserPermissionsBoundary", "user"),
    }
    for method_id, (first_action, target) in expected.items():
        method = method_by_id(method_id)
        assert method is not None, method_id
        assert method.actions[0] == first_action
        assert method.target == target


def test_update_assume_role_policy_needs_assume_role() -> None:
    method = method_by_id("update-assume-role-policy")
    assert method is not None
    assert method.actions == ("iam:UpdateAssumeRolePolicy", "sts:AssumeRole")
    assert method.outcome == "become-role"


def test_method_by_id() -> None:
    assert method_by_id("no-such-method") is None
    for method in METHODS:
        assert method_by_id(method.id) is method


def test_reference_is_shared() -> None:
    assert all(isinstance(r, Reference) for m in METHODS for r in m.references)


@pytest.mark.parametrize("service", [s for s in SERVICES if s.role_keys], ids=_service_id)
def test_role_keys_are_keys_of_their_launch_actions(service: PassRoleService) -> None:
    """Each key a launch with the role sets is one the catalogue lists for that action."""
    from core.load.catalogue import catalogue

    launch = {a for s in service.action_sets for a in s.actions}
    for rk in service.role_keys:
        assert rk.value in ("profile", "role")
        for action in rk.actions:
            assert action in launch, action
            info = catalogue().action(action)
            assert info is not None and rk.key in info.condition_keys, (action, rk.key)


def test_table_principals_are_in_normal_form() -> None:
    # services_by_principal tries the spelling it is given before normalising it: that is
    # only the same lookup when every table principal is already lower-case, trimmed and in
    # its .amazonaws.com form.
    for service in SERVICES:
        for principal in service.principals:
            assert principal == principal.strip().lower()
            assert not principal.endswith(".cn")


@pytest.mark.parametrize("spelling", [" EC2.amazonaws.com ", "Ec2.AmazonAWS.com.CN"])
def test_other_spellings_still_resolve(spelling: str) -> None:
    found = service_by_principal(spelling)
    assert found is not None and found.id == "ec2"
