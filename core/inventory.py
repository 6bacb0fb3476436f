"""The resource inventory: what already runs in the account, and as which role.

``get-account-authorization-details`` lists no resources, so taking over an existing instance,
function or stack is otherwise only *possible*. The optional ``Resources`` object of the
``IamExplore`` snapshot extension lists, per region, just what escalation needs (the role each
resource runs as, its state, tags), and for each service whether it could be read: ``ok`` (the
list is complete) or ``unknown`` (access denied, not offered there, or not fetched), never an
empty list standing in for "could not read".

The JSON keeps AWS's own field names (``DescribeInstances``, ``ListFunctions``, ...); the table
:data:`LISTS` maps each list to a uniform :class:`Resource`. :func:`parse_inventory` raises
:class:`~core.errors.LoadError` naming the file and JSON path.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from string import Template
from typing import Any, Final, Literal

from core.errors import LoadError
from core.model import Tag

Status = Literal["ok", "unknown"]
STATUSES: Final = ("ok", "unknown")

SERVICES: Final = (
    "ec2",
    "ssm",
    "autoscaling",
    "lambda",
    "codebuild",
    "cloudformation",
    "sagemaker",
    "glue",
    "ecs",
    "states",
    "apprunner",
)
"""Services an inventory reads, in fetch order (``ssm`` gives the EC2 SSM-managed status)."""


@dataclass(frozen=True, slots=True)
class ListSpec:
    """How one JSON list of a region becomes :class:`Resource` values.

    Attributes:
        key: the list's key in the region object.
        kind: the resource kind (``ec2-instance``, ``lambda-function``, ...).
        service: the service whose status says whether the list is complete.
        name: field holding the resource's name or id.
        arn: field holding its ARN, or an ARN template (``${Region}``, ``${Account}``,
            ``${Name}``) when the API returns none.
        role: field holding the role it runs as (ARN or name), if any.
        profile: field holding an instance profile ARN, if any.
        state: field holding its state, if any.
    """

    key: str
    kind: str
    service: str
    name: str
    arn: str
    role: str = ""
    profile: str = ""
    state: str = ""


LISTS: Final = (
    ListSpec(
        "Ec2Instances",
        "ec2-instance",
        "ec2",
        "InstanceId",
        "arn:aws:ec2:${Region}:${Account}:instance/${Name}",
        profile="IamInstanceProfile",
        state="State",
    ),
    ListSpec(
        "LaunchTemplates",
        "launch-template",
        "ec2",
        "LaunchTemplateName",
        "arn:aws:ec2:${Region}:${Account}:launch-template/${Id}",
        profile="IamInstanceProfile",
    ),
    ListSpec(
        "AutoScalingGroups",
        "autoscaling-group",
        "autoscaling",
        "AutoScalingGroupName",
        "AutoScalingGroupARN",
        profile="IamInstanceProfile",
    ),
    ListSpec("LambdaFunctions", "lambda-function", "lambda", "FunctionName", "FunctionArn", "Role"),
    ListSpec("CodeBuildProjects", "codebuild-project", "codebuild", "Name", "Arn", "ServiceRole"),
    ListSpec(
        "CloudFormationStacks",
        "cloudformation-stack",
        "cloudformation",
        "StackName",
        "StackId",
        "RoleARN",
        state="StackStatus",
    ),
    ListSpec(
        "SageMakerNotebookInstances",
        "sagemaker-notebook",
        "sagemaker",
        "NotebookInstanceName",
        "NotebookInstanceArn",
        "RoleArn",
        state="NotebookInstanceStatus",
    ),
    ListSpec(
        "GlueDevEndpoints",
        "glue-dev-endpoint",
        "glue",
        "EndpointName",
        "arn:aws:glue:${Region}:${Account}:devEndpoint/${Name}",
        "RoleArn",
        state="Status",
    ),
    ListSpec(
        "GlueJobs",
        "glue-job",
        "glue",
        "Name",
        "arn:aws:glue:${Region}:${Account}:job/${Name}",
        "Role",
    ),
    ListSpec("EcsClusters", "ecs-cluster", "ecs", "ClusterName", "ClusterArn"),
    ListSpec(
        "EcsServices",
        "ecs-service",
        "ecs",
        "ServiceName",
        "ServiceArn",
        state="Status",
    ),
    ListSpec(
        "EcsTaskDefinitions",
        "ecs-task-definition",
        "ecs",
        "TaskDefinitionArn",
        "TaskDefinitionArn",
        "TaskRoleArn",
    ),
    ListSpec("StateMachines", "state-machine", "states", "Name", "StateMachineArn", "RoleArn"),
    ListSpec(
        "AppRunnerServices",
        "apprunner-service",
        "apprunner",
        "ServiceName",
        "ServiceArn",
        "InstanceRoleArn",
        state="Status",
    ),
)
"""Every list a region object may hold (its other keys are ``Services`` and ``Notes``)."""

_BY_KEY: Final = {s.key: s for s in LISTS}
KINDS: Final = tuple(s.kind for s in LISTS)
_DETAIL_FIELDS: Final = (
    "Platform",
    "PlatformDetails",
    "ExecutionRoleArn",
    "TaskDefinition",
    "ClusterArn",
    "EnableExecuteCommand",
    "RunningCount",
    "LaunchTemplate",
    "LaunchTemplateId",
    "LaunchConfigurationName",
    "Family",
)


@dataclass(frozen=True, slots=True)
class Resource:
    """One existing resource, reduced to what escalation needs.

    Attributes:
        kind: one of :data:`KINDS`.
        region: the region it lives in.
        name: its name or id (``i-0abc...``, a function name).
        arn: its ARN (built from the region and account when the API gives none).
        role: the role it runs as, as written (ARN or, for Glue jobs, maybe a name).
        profile: the instance profile ARN (EC2 instances, launch templates, Auto Scaling).
        state: its state as AWS reports it (``running``, ``UPDATE_COMPLETE``, ``InService``).
        ssm_managed: EC2 only: registered with Systems Manager (``None``: not known).
        tags: its tags; ``None`` when they could not be read (tag conditions stay open).
        details: other fields kept for display (platform, execution role, task definition...).
        aliases: Lambda only: ``(alias, version)`` pairs.
    """

    kind: str
    region: str
    name: str
    arn: str
    role: str | None = None
    profile: str | None = None
    state: str = ""
    ssm_managed: bool | None = None
    tags: tuple[Tag, ...] | None = ()
    details: tuple[tuple[str, str], ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()

    def detail(self, key: str, default: str = "") -> str:
        """One of :attr:`details` by field name."""
        return next((v for k, v in self.details if k == key), default)

    @property
    def label(self) -> str:
        """``i-0abc in eu-west-1`` for findings and the explorer."""
        return f"{self.name} in {self.region}"


@dataclass(frozen=True, slots=True)
class RegionInventory:
    """What one region holds, with each service's status."""

    region: str
    status: tuple[tuple[str, Status], ...]
    resources: tuple[Resource, ...] = ()
    notes: tuple[tuple[str, str], ...] = ()
    """Why a service is ``unknown`` (``access denied: lambda:ListFunctions``)."""

    def status_of(self, service: str) -> Status:
        """``ok`` when the service's lists are complete, else ``unknown``."""
        return next((s for k, s in self.status if k == service), "unknown")

    def note_of(self, service: str) -> str:
        return next((n for k, n in self.notes if k == service), "")


@dataclass(frozen=True, slots=True)
class Inventory:
    """Every region the inventory covers.

    Attributes:
        regions: per-region contents and statuses.
        all_regions: the fetch covered every region enabled in the account, so a region not
            listed holds nothing (otherwise regions not listed are unknown).
    """

    regions: tuple[RegionInventory, ...]
    all_regions: bool = False

    def resources(self, *kinds: str) -> Iterator[Resource]:
        """Every resource (of ``kinds``, when given)."""
        for region in self.regions:
            for r in region.resources:
                if not kinds or r.kind in kinds:
                    yield r

    def covered(self, service: str) -> tuple[str, ...]:
        """Regions whose ``service`` lists are complete."""
        return tuple(r.region for r in self.regions if r.status_of(service) == "ok")

    def gaps(self, service: str) -> tuple[str, ...]:
        """Where a resource of ``service`` could still exist unseen, in words (empty: nowhere)."""
        out = [
            f"{r.region} ({r.note_of(service) or 'not read'})"
            for r in self.regions
            if r.status_of(service) != "ok"
        ]
        if not self.all_regions:
            out.append("regions the inventory did not cover")
        return tuple(out)


def arn_label(arn: str) -> str:
    """``i-0abc in eu-west-1`` from a resource ARN (stacks: their name, not their id)."""
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return arn
    resource = parts[5]
    if resource.startswith("stack/"):
        name = resource.split("/")[1]
    else:
        name = resource.replace(":", "/").rsplit("/", 1)[-1]
    return f"{name} in {parts[3]}" if parts[3] else name


def role_name(role: str | None) -> str:
    """The role's name from an ARN (``arn:aws:iam::1:role/path/name``) or a bare name."""
    if not role:
        return ""
    return role.rsplit("/", 1)[-1] if role.startswith("arn:") else role


def role_arn(role: str | None, account_id: str) -> str:
    """A role ARN from an ARN or a bare name (Glue jobs accept either)."""
    if not role:
        return ""
    if role.startswith("arn:"):
        return role
    return f"arn:aws:iam::{account_id}:role/{role}"


# -- parsing -----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, file: str, account_id: str) -> None:
        self.file = file
        self.account_id = account_id

    def fail(self, message: str, path: str) -> LoadError:
        return LoadError(message, file=self.file, path=path)

    def obj(self, raw: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(raw, Mapping):
            raise self.fail(f"must be an object, got {type(raw).__name__}", path)
        return raw

    def text(self, raw: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> str:
        value = raw.get(key)
        if value is None or value == "":
            if required:
                raise self.fail(f"{key} missing", f"{path}.{key}")
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.fail(f"{key} must be a string, got {type(value).__name__}", f"{path}.{key}")
        return str(value)

    def tags(self, raw: Mapping[str, Any], path: str) -> tuple[Tag, ...] | None:
        if "Tags" not in raw:
            return ()
        value = raw["Tags"]
        if value is None:
            return None
        if isinstance(value, Mapping):  # Lambda, SageMaker-style {"key": "value"}
            items: list[Any] = [{"Key": k, "Value": v} for k, v in value.items()]
        elif isinstance(value, list):
            items = value
        else:
            raise self.fail(f"Tags must be a list, got {type(value).__name__}", f"{path}.Tags")
        out = []
        for i, item in enumerate(items):
            ipath = f"{path}.Tags[{i}]"
            tag = self.obj(item, ipath)
            key = self.text(tag, "Key", ipath, required=True)
            out.append(Tag(key, self.text(tag, "Value", ipath)))
        return tuple(out)

    def resource(self, spec: ListSpec, region: str, raw: Any, path: str) -> Resource:
        raw = self.obj(raw, path)
        name = self.text(raw, spec.name, path, required=True)
        if spec.arn.startswith("arn:"):
            arn = Template(spec.arn).safe_substitute(
                Region=region,
                Account=self.account_id,
                Name=name,
                Id=self.text(raw, "LaunchTemplateId", path) or name,
            )
        else:
            arn = self.text(raw, spec.arn, path, required=True)
        ssm = raw.get("SsmManaged")
        if ssm is not None and not isinstance(ssm, bool):
            raise self.fail("SsmManaged must be true, false or null", f"{path}.SsmManaged")
        details = []
        for key in _DETAIL_FIELDS:
            value = raw.get(key)
            if isinstance(value, (str, int, bool)) and value != "":
                details.append((key, str(value).lower() if isinstance(value, bool) else str(value)))
        if "Aliases" in raw and not isinstance(raw["Aliases"], (list, type(None))):
            raise self.fail("Aliases must be a list", f"{path}.Aliases")
        aliases = []
        for i, alias in enumerate(raw.get("Aliases") or ()):
            apath = f"{path}.Aliases[{i}]"
            alias = self.obj(alias, apath)
            aliases.append(
                (
                    self.text(alias, "Name", apath, required=True),
                    self.text(alias, "FunctionVersion", apath),
                )
            )
        if spec.kind == "ecs-task-definition":
            name = arn.rsplit("/", 1)[-1]
        return Resource(
            kind=spec.kind,
            region=region,
            name=name,
            arn=arn,
            role=(self.text(raw, spec.role, path) or None) if spec.role else None,
            profile=(self.text(raw, spec.profile, path) or None) if spec.profile else None,
            state=self.text(raw, spec.state, path) if spec.state else "",
            ssm_managed=ssm,
            tags=self.tags(raw, path),
            details=tuple(details),
            aliases=tuple(aliases),
        )

    def region(self, region: str, raw: Any, path: str) -> RegionInventory:
        raw = self.obj(raw, path)
        status_raw = self.obj(raw.get("Services", {}), f"{path}.Services")
        status: list[tuple[str, Status]] = []
        for service, value in status_raw.items():
            if value not in STATUSES:
                raise self.fail(
                    f'status must be "ok" or "unknown", got {value!r}', f"{path}.Services.{service}"
                )
            status.append((str(service), value))
        notes_raw = self.obj(raw.get("Notes", {}), f"{path}.Notes")
        notes = [(str(k), str(v)) for k, v in notes_raw.items() if isinstance(v, str)]
        resources: list[Resource] = []
        for key, items in raw.items():
            if key in ("Services", "Notes"):
                continue
            spec = _BY_KEY.get(key)
            if spec is None:
                raise self.fail(
                    f'unknown resource list "{key}" (known: {", ".join(_BY_KEY)})',
                    f"{path}.{key}",
                )
            if not isinstance(items, list):
                raise self.fail(
                    f"{key} must be a list, got {type(items).__name__}", f"{path}.{key}"
                )
            resources.extend(
                self.resource(spec, region, item, f"{path}.{key}[{i}]")
                for i, item in enumerate(items)
            )
        return RegionInventory(region, tuple(status), tuple(resources), tuple(notes))


def parse_inventory(raw: Any, *, account_id: str, file: str, path: str) -> Inventory:
    """Parse the ``Resources`` object of the extension.

    Raises:
        LoadError: the object is malformed (names ``file`` and the JSON path).
    """
    p = _Parser(file, account_id)
    raw = p.obj(raw, path)
    all_regions = raw.get("AllRegions", False)
    if not isinstance(all_regions, bool):
        raise p.fail("AllRegions must be true or false", f"{path}.AllRegions")
    regions_raw = p.obj(raw.get("Regions", {}), f"{path}.Regions")
    regions = tuple(
        p.region(str(name), value, f"{path}.Regions.{name}") for name, value in regions_raw.items()
    )
    return Inventory(regions, all_regions)


def runs_as(resource: Resource, profiles: Mapping[str, str], account_id: str) -> str:
    """The ARN of the role a resource runs as (EC2: through its instance profile), or ``""``.

    ``profiles`` maps instance profile ARNs *and* names to the role ARN they hold.
    """
    if resource.profile:
        return profiles.get(resource.profile) or profiles.get(
            resource.profile.rsplit("/", 1)[-1], ""
        )
    return role_arn(resource.role, account_id)
