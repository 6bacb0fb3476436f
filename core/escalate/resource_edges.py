"""Existing-resource methods with an inventory: *this* instance, *this* function.

Without an inventory, taking over an existing instance, function or stack is conditional on
such a resource existing (``core.escalate.method_edges``). With one, each resource of the method's
kind
that runs as the role is checked on its own: the caller's policies are evaluated on the
resource's real ARN, in its region (``aws:RequestedRegion``), with its tags
(``aws:ResourceTag/...`` and the service's own ``<service>:ResourceTag/...`` keys), so
resource-level permissions and tag conditions decide (IAM User Guide, "Controlling access to
AWS resources using tags"). The edge names the resources it reaches and is unconditional when
one of them is reached without conditions; it disappears when no such resource exists in
regions the inventory read completely; regions or services the inventory could not read keep
today's conditional edge, saying where the resource could still be.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from core.escalate.caller_favour import Resolved, merge, resolve_in_favour
from core.escalate.findings import Reason
from core.evaluate.decision import Decision
from core.evaluate.evaluator import CALLER_CHOSEN
from core.evaluate.principal import PrincipalView
from core.load.catalogue import catalogue
from core.load.inventory import Inventory, Resource, role_arn, runs_as
from core.model.account import Account, Role
from core.model.memo import memo_of

Usable = Callable[[Resource], str | None]
"""``None``: the method works on the resource now; text: a condition it needs; ``SKIP``: it
cannot work on this resource at all."""

SKIP = "\x00skip"


def _instance_for_ssm(r: Resource) -> str | None:
    # SSM Run Command and Session Manager reach only running instances whose agent is
    # registered ("managed nodes"): AWS Systems Manager User Guide, "Managed nodes".
    state = _instance_state(r)
    if state == SKIP or r.ssm_managed is False:
        return SKIP
    if r.ssm_managed is None:
        return state or f"{r.label} is a managed node of Systems Manager (not known)"
    return state


def _instance_state(r: Resource) -> str | None:
    if r.state in ("terminated", "shutting-down"):
        return SKIP
    if r.state in ("stopped", "stopping"):
        return f"{r.label} is started again (it is {r.state})"
    return None


def _not_terminated(r: Resource) -> str | None:
    return SKIP if r.state in ("terminated", "shutting-down") else None


def _instance_for_connect(r: Resource) -> str | None:
    # EC2 Instance Connect supports Linux instances only (EC2 User Guide, "EC2 Instance Connect
    # prerequisites").
    if "windows" in (r.detail("Platform") + r.detail("PlatformDetails")).lower():
        return SKIP
    return _instance_state(r)


def _stack(r: Resource) -> str | None:
    # A stack in ROLLBACK_COMPLETE or being deleted cannot be updated (CloudFormation User
    # Guide, "Stack status codes").
    if r.state.startswith("DELETE") or r.state in ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED"):
        return SKIP
    if r.state.endswith("_IN_PROGRESS"):
        return f"{r.label} finishes its current operation ({r.state})"
    return None


def _states(ok: tuple[str, ...], gone: tuple[str, ...]) -> Usable:
    def usable(r: Resource) -> str | None:
        if not r.state or r.state in ok:
            return None
        if r.state in gone:
            return SKIP
        return f"{r.label} is {ok[0]} (it is {r.state})"

    return usable


def _ecs_service(r: Resource) -> str | None:
    if r.state and r.state != "ACTIVE":
        return SKIP
    if r.detail("EnableExecuteCommand") != "true":
        return f"ECS Exec is enabled on {r.label} (it is not)"
    if r.detail("RunningCount", "0") == "0":
        return f"a task of {r.label} is running (none is)"
    return None


@dataclass(frozen=True, slots=True)
class Takeover:
    """How one existing-resource method acts on inventoried resources.

    Attributes:
        kinds: the inventory kinds it acts on.
        service: the inventory service whose status says those lists are complete.
        usable: whether (or under which condition) it works on one resource.
    """

    kinds: tuple[str, ...]
    service: str
    usable: Usable = lambda r: None


TAKEOVERS: dict[str, Takeover] = {
    "ssm-send-command": Takeover(("ec2-instance",), "ec2", _instance_for_ssm),
    "ssm-start-session": Takeover(("ec2-instance",), "ec2", _instance_for_ssm),
    "ec2-instance-connect-send-ssh-public-key": Takeover(
        ("ec2-instance",), "ec2", _instance_for_connect
    ),
    "lambda-update-function-code": Takeover(("lambda-function",), "lambda"),
    "glue-update-dev-endpoint": Takeover(
        ("glue-dev-endpoint",), "glue", _states(("READY",), ("FAILED", "TERMINATED"))
    ),
    "codebuild-start-build": Takeover(("codebuild-project",), "codebuild"),
    "codebuild-start-build-batch": Takeover(("codebuild-project",), "codebuild"),
    "cloudformation-update-stack": Takeover(("cloudformation-stack",), "cloudformation", _stack),
    "cloudformation-change-set": Takeover(("cloudformation-stack",), "cloudformation", _stack),
    "sagemaker-create-presigned-notebook-instance-url": Takeover(
        ("sagemaker-notebook",),
        "sagemaker",
        _states(("InService",), ("Failed", "Deleting")),
    ),
    "ecs-execute-command": Takeover(("ecs-service",), "ecs", _ecs_service),
    "apprunner-update-service": Takeover(
        ("apprunner-service",),
        "apprunner",
        _states(("RUNNING",), ("DELETED", "CREATE_FAILED", "DELETE_FAILED")),
    ),
    # Methods that stop, change and restart the resource themselves: any live one will do.
    "lambda-update-function-configuration": Takeover(("lambda-function",), "lambda"),
    "ec2-modify-instance-attribute": Takeover(("ec2-instance",), "ec2", _not_terminated),
    "ec2-create-launch-template-version": Takeover(
        ("launch-template",), "ec2", lambda r: f"an instance is launched from {r.label}"
    ),
    "sagemaker-notebook-lifecycle-config": Takeover(
        ("sagemaker-notebook",),
        "sagemaker",
        _states(("InService", "Stopped"), ("Failed", "Deleting")),
    ),
}
"""Method id → how it uses the inventory. Methods not listed (no inventoried kind) keep the
conditional edge."""

RESOURCE_TAG_KEYS: dict[str, str] = {"ec2": "ec2:ResourceTag/", "ssm": "ssm:resourceTag/"}
"""Service-specific resource tag keys, set from the resource's tags for requests by that
service's actions or on that service's resources (an EC2 instance: ``ec2:ResourceTag/``)."""


@dataclass(frozen=True, slots=True)
class Reach:
    """What one caller reaches through one method as one role.

    Attributes:
        role: the role the resources run as.
        resolved: the merged decision (unconditional when one resource is reached freely).
        reasons: the statements allowing it, and the resources in words.
        resources: the inventoried resources reached, those reached without conditions first
            (empty: only a resource the inventory could not see, which keeps it conditional).
    """

    role: Role
    resolved: Resolved
    reasons: tuple[Reason, ...]
    resources: tuple[Resource, ...] = ()


def profile_roles(account: Account) -> dict[str, str]:
    """Instance profile ARN and name → the ARN of the role it holds (once per account)."""
    memo = memo_of(account)
    hit = memo.get("resource_edges.profiles")
    if hit is not None:
        return hit  # type: ignore[return-value]  # what this function stored
    out: dict[str, str] = {}
    for role in account.roles:
        for ip in role.instance_profiles:
            out[ip.arn] = role.arn
            out.setdefault(ip.name, role.arn)
    memo["resource_edges.profiles"] = out
    return out


def resource_role(account: Account, inventory: Inventory, r: Resource) -> str:
    """The ARN of the role a resource runs as (ECS services: their task definition's role)."""
    if r.kind == "ecs-service":
        td = r.detail("TaskDefinition")
        for other in inventory.resources("ecs-task-definition"):
            if other.region == r.region and other.arn == td:
                return role_arn(other.role, account.account_id)
        return ""
    return runs_as(r, profile_roles(account), account.account_id)


def _running(account: Account, inventory: Inventory) -> dict[tuple[str, str], list[Resource]]:
    """(kind, role ARN) → the resources of that kind running as the role (once per account)."""
    memo = memo_of(account)
    hit = memo.get("resource_edges.running")
    if hit is not None:
        return hit  # type: ignore[return-value]  # what this function stored
    out: dict[tuple[str, str], list[Resource]] = {}
    for r in inventory.resources():
        arn = resource_role(account, inventory, r)
        if arn:
            out.setdefault((r.kind, arn), []).append(r)
    memo["resource_edges.running"] = out
    return out


def _check_arn(r: Resource) -> str:
    """The ARN the method is authorized on (ECS Exec: the cluster; task ids change)."""
    if r.kind == "ecs-service":
        return r.detail("ClusterArn") or r.arn
    return r.arn


RESOURCE_TYPES: dict[str, str] = {
    "ec2-instance": "instance",
    "launch-template": "launch-template",
    "lambda-function": "function",
    "codebuild-project": "project",
    "cloudformation-stack": "stack",
    "sagemaker-notebook": "notebook-instance",
    "glue-dev-endpoint": "devendpoint",
    "ecs-service": "cluster",
    "apprunner-service": "service",
}
"""Inventory kind → the resource type (Service Authorization Reference) its checked ARN names."""


def _acts_on(action: str, r: Resource, first: bool) -> bool:
    """Whether ``action`` is authorized on the resource itself (else on one the caller picks).

    The first action always is; a later one when the Service Authorization Reference lists the
    resource's type for it (``cloudformation:ExecuteChangeSet`` on the stack, but
    ``sagemaker:CreateNotebookInstanceLifecycleConfig`` on a new lifecycle configuration).
    """
    if first:
        return True
    info = catalogue().action(action)
    kind = RESOURCE_TYPES.get(r.kind, "")
    return info is not None and kind in info.resource_types


def _decide(view: PrincipalView, actions: tuple[str, ...], r: Resource) -> list[Decision]:
    out = []
    for i, action in enumerate(actions):
        prefix = action.split(":", 1)[0].lower()
        extra: dict[str, object] = {"aws:RequestedRegion": r.region}
        owner = r.arn.split(":")[2] if r.arn.count(":") > 2 else ""
        for service in {prefix, owner}:  # the action's service and the resource's
            key = RESOURCE_TAG_KEYS.get(service)
            if key and r.tags is not None:
                extra.update({f"{key}{t.key}": t.value for t in r.tags})
        resource = _check_arn(r) if _acts_on(action, r, i == 0) else CALLER_CHOSEN
        out.append(view.decide(action, resource, extra, resource_tags=r.tags))
    return out


def resource_reach(
    account: Account,
    view: PrincipalView,
    method_id: str,
    actions: tuple[str, ...],
    pre: list[Decision],
    roles: Iterable[Role],
) -> list[Reach] | None:
    """Per role, the inventoried resources ``view`` can take over with the method.

    ``None`` when the account has no inventory or the method acts on nothing it lists: the
    caller then keeps the conditional edge. ``pre`` are the method's decisions on a resource
    of the caller's choosing (used where the inventory has a gap).
    """
    inventory = account.inventory
    takeover = TAKEOVERS.get(method_id)
    if inventory is None or takeover is None:
        return None
    wanted = {r.arn: r for r in roles}
    by_role: dict[str, list[tuple[Resource, Resolved, list[Decision], str | None]]] = {}
    covered = set(inventory.covered(takeover.service))
    running = _running(account, inventory)
    for arn in wanted:
        for kind in takeover.kinds:
            for r in running.get((kind, arn), ()):
                usable = takeover.usable(r)
                if r.region not in covered or usable == SKIP:
                    continue
                decisions = _decide(view, actions, r)
                resolved = merge(resolve_in_favour(d) for d in decisions)
                if resolved.possible:
                    by_role.setdefault(arn, []).append((r, resolved, decisions, usable))
    gaps = inventory.gaps(takeover.service)
    out: list[Reach] = []
    for arn, role in wanted.items():
        reached = by_role.get(arn, [])
        if reached:
            out.append(_reach(role, reached, actions))
        elif gaps and not _cannot_run(role, takeover):
            out.append(_gap_reach(role, pre, actions, takeover, gaps))
    return out


def _cannot_run(role: Role, takeover: Takeover) -> bool:
    """A role in no instance profile runs on no instance (EC2 User Guide, "IAM roles for
    Amazon EC2"), so no unseen instance can run as it."""
    ec2 = any(k in ("ec2-instance", "launch-template") for k in takeover.kinds)
    return ec2 and not role.instance_profiles and role.instance_profiles_known


def _reach(
    role: Role,
    reached: list[tuple[Resource, Resolved, list[Decision], str | None]],
    actions: tuple[str, ...],
) -> Reach:
    def conds(item: tuple[Resource, Resolved, list[Decision], str | None]) -> tuple[str, ...]:
        _, resolved, _, usable = item
        return (*resolved.conditions, *((usable,) if usable else ()))

    free = [item for item in reached if not conds(item)]
    best = free[0] if free else min(reached, key=lambda item: len(conds(item)))
    conditions = () if free else conds(best)
    constraints = tuple(dict.fromkeys(c for item in reached for c in item[1].constraints))
    resources = tuple(item[0] for item in (*free, *(i for i in reached if conds(i))))
    reasons = [
        Reason("resource", f"{_describe(item[0], role)}" + _suffix(conds(item))) for item in reached
    ]
    reasons.extend(
        Reason("action", f"may {a} on {_check_arn(best[0])}", d.allowed_by)
        for a, d in zip(actions, best[2], strict=False)
    )
    return Reach(
        role, Resolved(True, bool(conditions), conditions, constraints), tuple(reasons), resources
    )


def _suffix(conditions: tuple[str, ...]) -> str:
    return f" (if {'; '.join(conditions)})" if conditions else ""


def _describe(r: Resource, role: Role) -> str:
    """``i-0abc in eu-west-1 runs as role ops-admin via profile ops-admin``."""
    via = f" via profile {r.profile.rsplit('/', 1)[-1]}" if r.profile else ""
    if r.kind == "ecs-service":
        via = f" via task definition {r.detail('TaskDefinition').rsplit('/', 1)[-1]}"
    if r.aliases:
        # New code lands in $LATEST; an alias on a published version runs it only once a new
        # version is published and the alias moved (Lambda Developer Guide, "Aliases").
        via += "; aliases " + ", ".join(f"{name} → {version}" for name, version in r.aliases)
    return f"{r.kind} {r.label} runs as role {role.name}{via}"


def _gap_reach(
    role: Role,
    pre: list[Decision],
    actions: tuple[str, ...],
    takeover: Takeover,
    gaps: tuple[str, ...],
) -> Reach:
    resolved = merge(resolve_in_favour(d) for d in pre)
    kinds = "/".join(takeover.kinds)
    cond = f"a {kinds} running as {role.name} exists where the inventory could not see: " + (
        "; ".join(gaps)
    )
    reasons = tuple(
        Reason("action", f"may {a} on existing {takeover.service} resources", d.allowed_by)
        for a, d in zip(actions, pre, strict=False)
    )
    return Reach(
        role, Resolved(True, True, (*resolved.conditions, cond), resolved.constraints), reasons
    )


def resources_by_role(account: Account) -> Mapping[str, tuple[Resource, ...]]:
    """Role ARN → the inventoried resources that run as it (for the explorer)."""
    inventory = account.inventory
    if inventory is None:
        return {}
    out: dict[str, list[Resource]] = {}
    for (_, arn), resources in _running(account, inventory).items():
        out.setdefault(arn, []).extend(resources)
    return {k: tuple(v) for k, v in out.items()}


NEEDS: dict[str, tuple[tuple[str, ...], str]] = {
    "an existing EC2 instance you can run code on": (("ec2-instance",), "ec2"),
    "an existing Lambda function": (("lambda-function",), "lambda"),
    "an existing CloudFormation stack": (("cloudformation-stack",), "cloudformation"),
    "an existing Glue job": (("glue-job",), "glue"),
    "an existing CodeBuild project": (("codebuild-project",), "codebuild"),
    "an existing ECS task definition": (("ecs-task-definition",), "ecs"),
    "an existing ECS cluster": (("ecs-cluster",), "ecs"),
    "an existing Step Functions state machine": (("state-machine",), "states"),
    "an existing App Runner service": (("apprunner-service",), "apprunner"),
}
"""A PassRole way's ``needs`` (``core.escalate.tables.services``) → the inventory kinds that satisfy
it."""

_GONE = ("terminated", "shutting-down", "DELETE_COMPLETE", "DELETED", "INACTIVE")


def needs_condition(account: Account, needs: str) -> str | None:
    """The condition a way that ``needs`` an existing resource keeps, given the inventory.

    ``None``: the inventory read every region of the service and holds no such resource, so
    the way is impossible. Without an inventory (or for needs it does not list) the condition
    is ``"<needs> exists"``; with matching resources it names them (the way stays conditional:
    the launch was decided on a resource of the caller's choosing, not on each of them).
    """
    inventory = account.inventory
    plain = f"{needs} exists"
    spec = NEEDS.get(needs)
    if inventory is None or spec is None:
        return plain
    kinds, service = spec
    covered = set(inventory.covered(service))
    live = [
        r
        for r in inventory.resources(*kinds)
        if r.region in covered and r.state not in _GONE and not r.state.startswith("DELETE")
    ]
    gaps = inventory.gaps(service)
    if live:
        names = ", ".join(r.label for r in live[:3]) + (
            f" and {len(live) - 3} more" if len(live) > 3 else ""
        )
        return f"{plain} and may be used (the inventory lists {names})"
    if gaps:
        return f"{plain} where the inventory could not see: " + "; ".join(gaps)
    return None
