"""The resource inventory: what already runs in the account, and as which role.

``get-account-authorization-details`` lists no resources, so taking over an existing instance,
function or stack is otherwise only *possible*. The optional ``Resources`` object of the
``IamExplore`` snapshot extension lists, per region, just what escalation needs (the role each
resource runs as, its state, tags), and for each service whether it could be read: ``ok`` (the
list is complete) or ``unknown`` (access denied, not offered there, or not fetched), never an
empty list standing in for "could not read".

The JSON keeps AWS's own field names (``DescribeInstances``, ``ListFunctions``, ...); the table
:data:`LISTS` maps each list to a uniform :class:`Resource`. :func:`parse_inventory` raises
:class:`~core.model.errors.LoadError` naming the file and JSON path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from string import Template
from typing import Any, Final

from core.model.account import Tag
from core.model.errors import LoadError
from core.model.resources import (
    STATUSES,
    Inventory,
    RegionInventory,
    Resource,
    Status,
    arn_label,
    role_arn,
    role_name,
    runs_as,
)

__all__ = [
    "KINDS",
    "LISTS",
    "SERVICES",
    "STATUSES",
    "Inventory",
    "ListSpec",
    "RegionInventory",
    "Resource",
    "Status",
    "arn_label",
    "parse_inventory",
    "role_arn",
    "role_name",
    "runs_as",
]

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
