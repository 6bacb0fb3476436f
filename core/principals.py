"""The policies and context keys that apply to a principal of a loaded account."""

from __future__ import annotations

from collections.abc import Mapping

from core.decision import PolicyRef
from core.evaluator import PolicySet
from core.model import Account, InlinePolicy, PolicyDocument, Role, User

_EMPTY = PolicyDocument(version="2012-10-17", statements=())


def _managed(account: Account, arn: str, via: str, layer: str = "identity") -> PolicyRef:
    mp = account.policy(arn)
    doc = mp.document if mp is not None else _EMPTY
    name = mp.name if mp is not None else arn.rsplit("/", 1)[-1]
    return PolicyRef(name=name, document=doc, arn=arn, via=via, layer=layer)  # type: ignore[arg-type]


def _inline(p: InlinePolicy, via: str, owner: str = "") -> PolicyRef:
    return PolicyRef(name=p.name, document=p.document, arn=None, via=via, owner=owner)


def identity_policies(account: Account, principal: User | Role) -> tuple[PolicyRef, ...]:
    """Identity-based policies: inline and attached, and for users those of each group."""
    kind = principal.kind
    refs = [
        _inline(p, f"inline on {kind} {principal.name}", principal.arn)
        for p in principal.inline_policies
    ]
    refs += [
        _managed(account, a, f"attached to {kind} {principal.name}")
        for a in principal.attached_policies
    ]
    if isinstance(principal, User):
        for gname in principal.groups:
            group = account.group(gname)
            if group is None:
                continue
            via = f"via group {group.name}"
            refs += [_inline(p, f"{via} (inline)", group.arn) for p in group.inline_policies]
            refs += [_managed(account, a, via) for a in group.attached_policies]
    return tuple(refs)


def scp_levels(
    account: Account, principal: User | Role | None
) -> tuple[tuple[PolicyRef, ...], ...]:
    """SCP levels for the principal: none for service-linked roles and in the management
    account (AWS Organizations: "SCPs don't affect users or roles in the management account"
    nor service-linked roles)."""
    if isinstance(principal, Role) and principal.is_service_linked:
        return ()
    if dict(account.metadata).get("OrganizationManagementAccountId") == account.account_id:
        return ()
    return tuple(
        tuple(
            PolicyRef(
                name=sp.name,
                document=sp.document,
                arn=sp.arn or None,
                via=f"SCP at {level.target}",
                layer="scp",
                level=level.target,
            )
            for sp in level.policies
        )
        for level in account.scp_levels
    )


def own_account(account: Account, principal: User | Role | str) -> str:
    """The principal's own account: from its ARN (an export may mix accounts), else the
    export's."""
    arn = principal if isinstance(principal, str) else principal.arn
    parts = arn.split(":")
    acct = parts[4] if len(parts) > 5 else ""
    return acct if len(acct) == 12 and acct.isdigit() else account.account_id


def policy_set(account: Account, principal: User | Role) -> PolicySet:
    """Every policy that applies to the principal's own requests."""
    boundary = None
    if principal.boundary:
        boundary = _managed(
            account,
            principal.boundary,
            f"permissions boundary of {principal.kind} {principal.name}",
            layer="boundary",
        )
    return PolicySet(
        identity=identity_policies(account, principal),
        boundary=boundary,
        scp_levels=scp_levels(account, principal),
        principal_kind=principal.kind,  # type: ignore[arg-type]
        account_id=own_account(account, principal),
    )


def trust_policy_ref(role: Role) -> PolicyRef:
    """The role's trust policy as the resource policy of ``sts:AssumeRole``."""
    return PolicyRef(
        name=f"{role.name} trust policy",
        document=role.trust_policy,
        arn=role.arn,
        via=f"trust policy of role {role.name}",
        layer="resource",
    )


def principal_context(account: Account, principal: User | Role) -> Mapping[str, object]:
    """Global condition keys AWS sets from the principal itself ("AWS global condition context
    keys": aws:username for IAM users only, aws:PrincipalArn, aws:PrincipalTag/*, ...)."""
    ctx: dict[str, object] = {
        "aws:PrincipalArn": principal.arn,
        "aws:PrincipalAccount": own_account(account, principal),
        "aws:PrincipalType": "User" if isinstance(principal, User) else "AssumedRole",
        "aws:PrincipalIsAWSService": "false",
    }
    if isinstance(principal, User):
        ctx["aws:username"] = principal.name
        if principal.user_id:
            ctx["aws:userid"] = principal.user_id
    for tag in principal.tags:
        ctx[f"aws:PrincipalTag/{tag.key}"] = tag.value
    return ctx


def principal_known_absent(principal: User | Role) -> frozenset[str]:
    """Principal keys known to be absent (e.g. ``aws:username`` for a role)."""
    absent = {"aws:principalisawsservice"}
    if isinstance(principal, Role):
        absent.add("aws:username")
    return frozenset(absent)
