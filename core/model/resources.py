"""Resources that already run in an account, and the role each runs as (the inventory's model).

Built by :func:`core.load.inventory.parse_inventory` from the optional ``Resources`` object of a
snapshot; the escalation analysis reads it (``core.escalate.resource_edges``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Final, Literal

from core.model.account import Tag

Status = Literal["ok", "unknown"]
STATUSES: Final = ("ok", "unknown")


@dataclass(frozen=True, slots=True)
class Resource:
    """One existing resource, reduced to what escalation needs.

    Attributes:
        kind: one of :data:`core.load.inventory.KINDS`.
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


def runs_as(resource: Resource, profiles: Mapping[str, str], account_id: str) -> str:
    """The ARN of the role a resource runs as (EC2: through its instance profile), or ``""``.

    ``profiles`` maps instance profile ARNs *and* names to the role ARN they hold.
    """
    if resource.profile:
        return profiles.get(resource.profile) or profiles.get(
            resource.profile.rsplit("/", 1)[-1], ""
        )
    return role_arn(resource.role, account_id)
