"""The immutable IAM account model: principals, policies and parsed statements.

Every value is a frozen, slotted dataclass built from tuples, so a what-if makes a changed copy
(``dataclasses.replace``) and results computed from two models can be compared and diffed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from core.model.errors import Problem
from core.model.memo import Memoized

if TYPE_CHECKING:
    from core.model.resources import Inventory

Effect = Literal["Allow", "Deny"]


def pretty_json(text: str) -> str:
    """Indent compact JSON text for display (unchanged when it is not JSON)."""
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):
        return text


def value_text(value: str | int | float | bool) -> str:
    """A JSON policy value as text: booleans are ``true``/``false``, numbers as written."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True, slots=True)
class ConditionClause(Memoized):
    """One key under one operator: ``{"StringEquals": {"iam:PassedToService": [...]}}``.

    ``operator`` is the full text as written (``ForAnyValue:StringLikeIfExists``); ``values``
    keeps JSON strings, numbers and booleans as they were written.
    """

    operator: str
    key: str
    values: tuple[str | int | float | bool, ...]
    texts: tuple[str, ...] = field(init=False, repr=False)
    """``values`` as the operators read them (:func:`value_text`). Part of equality, so clauses
    with ``1``, ``1.0`` and ``true`` (equal in Python, not in a policy) are never one cache key."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "texts", tuple(value_text(v) for v in self.values))


@dataclass(frozen=True, slots=True)
class PrincipalSpec:
    """A ``Principal`` or ``NotPrincipal`` element.

    ``wildcard`` is true for ``"*"`` (and ``{"AWS": "*"}``); the other fields list the values
    by type (AWS account ids or ARNs, service principals, federated providers, canonical users).
    """

    wildcard: bool = False
    aws: tuple[str, ...] = ()
    service: tuple[str, ...] = ()
    federated: tuple[str, ...] = ()
    canonical_user: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Statement(Memoized):
    """One parsed policy statement, with its place in the policy for explanations."""

    index: int
    effect: Effect
    sid: str | None = None
    actions: tuple[str, ...] = ()
    not_action: bool = False
    resources: tuple[str, ...] | None = None
    not_resource: bool = False
    principal: PrincipalSpec | None = None
    not_principal: bool = False
    conditions: tuple[ConditionClause, ...] = ()
    text: str = ""
    """The statement as compact JSON (``pretty`` indents it for display)."""

    @property
    def pretty(self) -> str:
        """The statement as indented JSON."""
        return pretty_json(self.text)

    @property
    def label(self) -> str:
        """``Statement[2] "Sid"`` for explanations."""
        return f"Statement[{self.index}]" + (f' "{self.sid}"' if self.sid else "")


@dataclass(frozen=True, slots=True)
class PolicyDocument(Memoized):
    """A parsed policy document. ``version`` is ``None`` when the policy omits it (2008-10-17)."""

    version: str | None
    statements: tuple[Statement, ...]
    text: str = ""
    """The whole document as compact JSON (``pretty`` indents it for display)."""
    problems: tuple[Problem, ...] = ()

    @property
    def pretty(self) -> str:
        """The document as indented JSON."""
        return pretty_json(self.text)


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    """One version of a managed policy."""

    version_id: str
    document: PolicyDocument
    is_default: bool
    create_date: str = ""


@dataclass(frozen=True, slots=True)
class ManagedPolicy:
    """An AWS managed or customer managed policy with all its versions."""

    arn: str
    name: str
    path: str = "/"
    policy_id: str = ""
    default_version_id: str = "v1"
    versions: tuple[PolicyVersion, ...] = ()
    attachment_count: int = 0
    is_attachable: bool = True

    @property
    def is_aws_managed(self) -> bool:
        """AWS managed policies live in the ``aws`` account namespace."""
        return self.arn.split(":")[4:5] == ["aws"]

    @property
    def document(self) -> PolicyDocument:
        """The default version's document (empty when it is missing)."""
        for v in self.versions:
            if v.is_default:
                return v.document
        if self.versions:
            return self.versions[0].document
        return PolicyDocument(version="2012-10-17", statements=())


@dataclass(frozen=True, slots=True)
class InlinePolicy:
    """A policy embedded in a user, group or role."""

    name: str
    document: PolicyDocument


@dataclass(frozen=True, slots=True)
class Tag:
    key: str
    value: str


@dataclass(frozen=True, slots=True)
class InstanceProfile:
    name: str
    arn: str
    path: str = "/"
    role_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class User:
    name: str
    arn: str
    user_id: str = ""
    path: str = "/"
    groups: tuple[str, ...] = ()
    inline_policies: tuple[InlinePolicy, ...] = ()
    attached_policies: tuple[str, ...] = ()
    """ARNs of attached managed policies."""
    boundary: str | None = None
    """ARN of the permissions boundary policy."""
    tags: tuple[Tag, ...] = ()
    create_date: str = ""

    kind = "user"


@dataclass(frozen=True, slots=True)
class Group:
    name: str
    arn: str
    group_id: str = ""
    path: str = "/"
    inline_policies: tuple[InlinePolicy, ...] = ()
    attached_policies: tuple[str, ...] = ()
    create_date: str = ""

    kind = "group"


@dataclass(frozen=True, slots=True)
class Role(Memoized):
    name: str
    arn: str
    role_id: str = ""
    path: str = "/"
    trust_policy: PolicyDocument = field(
        default_factory=lambda: PolicyDocument(version="2012-10-17", statements=())
    )
    inline_policies: tuple[InlinePolicy, ...] = ()
    attached_policies: tuple[str, ...] = ()
    boundary: str | None = None
    tags: tuple[Tag, ...] = ()
    instance_profiles: tuple[InstanceProfile, ...] = ()
    create_date: str = ""
    description: str = ""
    instance_profiles_known: bool = True
    """False when the export has no ``InstanceProfileList`` for the role: its instance profiles
    are unknown (not none), and an EC2 edge assumes one holds it."""

    kind = "role"

    @property
    def is_service_linked(self) -> bool:
        """Service-linked roles live under ``/aws-service-role/``; SCPs do not apply to them."""
        return self.path.startswith("/aws-service-role/")


Principal = User | Role


@dataclass(frozen=True, slots=True)
class ScpPolicy:
    """A service control policy attached at one level of the organization."""

    name: str
    document: PolicyDocument
    arn: str = ""


@dataclass(frozen=True, slots=True)
class ScpLevel:
    """One level of the organization above (or at) the account: root, an OU, or the account."""

    target: str
    """Name or id of the root, OU or account."""
    policies: tuple[ScpPolicy, ...]


@dataclass(frozen=True, slots=True)
class Account(Memoized):
    """One AWS account as loaded: entities, managed policies, SCP levels and load problems."""

    account_id: str
    users: tuple[User, ...] = ()
    groups: tuple[Group, ...] = ()
    roles: tuple[Role, ...] = ()
    policies: tuple[ManagedPolicy, ...] = ()
    scp_levels: tuple[ScpLevel, ...] = ()
    """Root first, account last; empty when SCPs do not apply or are not visible."""
    source: str = ""
    problems: tuple[Problem, ...] = ()
    metadata: tuple[tuple[str, str], ...] = ()
    """The other scalar fields of the ``IamExplore`` object (``FetchedAt``, ``FetchedBy``)."""
    inventory: Inventory | None = None
    """Existing resources (``IamExplore.Resources``); ``None`` when the snapshot has none."""
    _index: dict[str, dict[str, object]] = field(init=False, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        # A fresh lookup index for every instance, including copies made by replace().
        object.__setattr__(self, "_index", {})

    def _lookup(self, kind: str) -> dict[str, object]:
        table = self._index.get(kind)
        if table is None:
            items: tuple[User | Group | Role | ManagedPolicy, ...]
            if kind == "user":
                items = self.users
            elif kind == "group":
                items = self.groups
            elif kind == "role":
                items = self.roles
            else:
                items = self.policies
            table = {}
            for item in items:
                table[item.name] = item
                table[item.arn] = item
            self._index[kind] = table
        return table

    def user(self, name_or_arn: str) -> User | None:
        return self._lookup("user").get(name_or_arn)  # type: ignore[return-value]

    def group(self, name_or_arn: str) -> Group | None:
        return self._lookup("group").get(name_or_arn)  # type: ignore[return-value]

    def role(self, name_or_arn: str) -> Role | None:
        return self._lookup("role").get(name_or_arn)  # type: ignore[return-value]

    def policy(self, arn: str) -> ManagedPolicy | None:
        """A managed policy by ARN (or by name when unambiguous)."""
        return self._lookup("policy").get(arn)  # type: ignore[return-value]

    def principal(self, name_or_arn: str) -> Principal | None:
        """A user or role by ARN, or by name (users first)."""
        return self.user(name_or_arn) or self.role(name_or_arn)

    @property
    def principals(self) -> tuple[Principal, ...]:
        return (*self.users, *self.roles)

    @property
    def entities(self) -> tuple[User | Group | Role, ...]:
        """Users, groups and roles."""
        return (*self.users, *self.groups, *self.roles)
