"""Offline ``simulate-custom-policy`` / ``simulate-principal-policy``: inputs, evaluation, result.

Mirrors the IAM API reference ("SimulateCustomPolicy", "SimulatePrincipalPolicy",
"EvaluationResult", "Statement", "ContextEntry"): policies arrive as JSON text (or
``file://PATH``), one result is produced per action x resource, matched statements are named
``PolicyInputList.N`` etc. with 1-based line/column positions in the input text, and
``SourcePolicyType`` takes AWS's values (``user | group | role | aws-managed | user-managed |
resource | none``). Context keys that are not given are *absent*: this is a simulation, not an
analysis. iam-explore's own explanation goes under an ``IamExplore`` key of each result.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

from core.evaluate.conditions import VALUE_READERS, describe_clause
from core.evaluate.decision import Decision, Layer, PolicyRef, StatementRef
from core.evaluate.evaluator import PolicySet, PrincipalKind, Request, evaluate, principal_account
from core.evaluate.principal import policy_set, principal_context, scp_levels
from core.load.policy_parser import PolicyKind, parse_policy
from core.model.account import Account, PolicyDocument, Role, Statement, User
from core.model.context import RequestContext
from core.model.errors import IamExploreError, loads_located

SourcePolicyType = Literal[
    "user", "group", "role", "aws-managed", "user-managed", "resource", "none"
]
"""AWS's ``PolicySourceType`` enum (IAM API reference, "Statement")."""

CONTEXT_KEY_TYPES: Final = (
    "string",
    "stringList",
    "numeric",
    "numericList",
    "boolean",
    "booleanList",
    "ip",
    "ipList",
    "binary",
    "binaryList",
    "date",
    "dateList",
)
"""AWS's ``ContextKeyTypeEnum`` (IAM API reference, "ContextEntry")."""

_ASSUME_ACTIONS: Final = frozenset(
    {"sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity"}
)


class SimulateError(IamExploreError):
    """Bad simulation input; the message is one line that says where."""


# -- positions --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Position:
    """A 1-based line and column in a policy's input text (AWS's ``Position``)."""

    line: int
    column: int

    def to_json(self) -> dict[str, int]:
        return {"Line": self.line, "Column": self.column}


Span = tuple[Position, Position]


def statement_positions(text: str) -> dict[int, Span]:
    """Where each statement of a policy's JSON text starts and ends (its braces, inclusive).

    Only top-level ``"Statement"`` values are located: an array of objects (by index) or a single
    object (index 0). Returns ``{}`` for text that is not shaped like that.
    """
    line_starts = [0]
    line_starts += [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def pos(offset: int) -> Position:
        lo, hi = 0, len(line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return Position(lo + 1, offset - line_starts[lo] + 1)

    spans: dict[int, Span] = {}
    depth = 0
    i, n = 0, len(text)
    last_string: str | None = None
    key: str | None = None
    mode = ""  # "" before the Statement value, "array" / "single" inside it, "done" after
    index, start = -1, 0
    while i < n:
        ch = text[i]
        if ch == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            if depth == 1:
                try:
                    last_string = json.loads(text[i : j + 1])
                except json.JSONDecodeError:
                    return {}
            i = j + 1
            continue
        if ch == ":" and depth == 1:
            key = last_string
        elif ch == "," and depth == 1:
            key = None
        elif ch in "{[":
            if depth == 1 and key == "Statement" and mode == "":
                mode = "array" if ch == "[" else "single"
                index, start = (-1, 0) if ch == "[" else (0, i)
            elif mode == "array" and depth == 2 and ch == "{":
                index, start = index + 1, i
            depth += 1
        elif ch in "}]":
            depth -= 1
            if mode == "array" and ch == "}" and depth == 2:
                spans[index] = (pos(start), pos(i))
            elif mode == "single" and depth == 1:
                spans[0] = (pos(start), pos(i))
            if mode in ("array", "single") and depth == 1:
                mode = "done"
        i += 1
    return spans


# -- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PolicyInput:
    """A policy of the simulation with its AWS-style identity.

    Attributes:
        ref: the policy as the evaluator sees it.
        source_id: ``PolicyInputList.1``, ``PermissionsBoundaryPolicyInputList.1``,
            ``ResourcePolicy``, ``ScpLevels.1.1``, or the policy name (snapshot policies).
        source_type: AWS's ``SourcePolicyType``.
        positions: statement index -> span in the input text (empty when unknown).
    """

    ref: PolicyRef
    source_id: str
    source_type: SourcePolicyType = "none"
    positions: Mapping[int, Span] = field(default_factory=dict)


def read_argument(value: str, label: str) -> tuple[str, str]:
    """The text of an inline-JSON or ``file://PATH`` argument, and how to name it in errors.

    Raises:
        SimulateError: the file cannot be read.
    """
    if not value.startswith("file://"):
        return value, label
    path = value[len("file://") :]
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SimulateError(f"{value}: no such file") from None
    except IsADirectoryError:
        raise SimulateError(f"{value}: is a directory") from None
    except UnicodeDecodeError:
        raise SimulateError(f"{value}: not a UTF-8 text file") from None
    except OSError as exc:
        raise SimulateError(f"{value}: cannot read: {exc.strerror or exc}") from None
    return text, f"{label} ({value})"


def _json(text: str, where: str, what: str) -> Any:
    return loads_located(
        text,
        SimulateError,
        f"{where}: {what} is not valid JSON",
        f"{where}: {what} is nested too deeply",
    )


def parse_document(raw: Any, where: str, kind: PolicyKind) -> PolicyDocument:
    """Parse one policy (JSON text or an already-decoded object); any error is fatal.

    Raises:
        SimulateError: ``<where>: Statement[i]: <problem>``.
    """
    if isinstance(raw, str):
        raw = _json(raw, where, "policy document")
    doc = parse_policy(raw, kind)
    for p in doc.problems:
        if p.severity == "error":
            at = f" Statement[{p.statement}]" if p.statement is not None else ""
            raise SimulateError(f"{where}{at}: {p.message}")
    return doc


def load_policy(
    value: str,
    label: str,
    *,
    kind: PolicyKind,
    source_id: str,
    layer: Layer,
    source_type: SourcePolicyType = "none",
) -> PolicyInput:
    """One policy argument (inline JSON or ``file://PATH``) as a :class:`PolicyInput`."""
    text, where = read_argument(value, label)
    doc = parse_document(text, where, kind)
    ref = PolicyRef(name=source_id, document=doc, via=label, layer=layer)
    return PolicyInput(ref, source_id, source_type, statement_positions(text))


def _json_list(value: str, label: str, what: str, expected: str) -> tuple[list[Any], str]:
    """The argument's JSON as a list (one object is a list of one), and where it came from."""
    text, where = read_argument(value, label)
    data = _json(text, where, what)
    if isinstance(data, Mapping):
        data = [data]
    if not isinstance(data, list):
        raise SimulateError(f"{where}: expected {expected}")
    return data, where


def load_scp_levels(value: str, label: str = "--scp-levels") -> tuple[tuple[PolicyInput, ...], ...]:
    """SCP levels, root first: a JSON list of levels, each a list of documents or one document.

    A single document (a JSON object) is one level holding that policy.
    """
    data, where = _json_list(value, label, "SCP levels", "a list of levels (root first)")
    levels: list[tuple[PolicyInput, ...]] = []
    for i, level in enumerate(data, 1):
        docs = level if isinstance(level, list) else [level]
        if not docs:
            raise SimulateError(f"{where}[{i}]: an SCP level needs at least one policy")
        refs = []
        for j, raw in enumerate(docs, 1):
            sid = f"ScpLevels.{i}.{j}"
            doc = parse_document(raw, f"{where}[{i}][{j}]", "scp")
            ref = PolicyRef(
                name=sid, document=doc, via=f"SCP at level {i}", layer="scp", level=f"level {i}"
            )
            positions = statement_positions(raw) if isinstance(raw, str) else {}
            refs.append(PolicyInput(ref, sid, "none", positions))
        levels.append(tuple(refs))
    return tuple(levels)


def _check_value(kind: str, value: str) -> str | None:
    """The value normalised for its context key type, or ``None`` when it is not one.

    A typed value is read as the condition operators read it (:data:`VALUE_READERS`), so a
    value accepted here is one the matching operator family can compare.
    """
    base = kind.removesuffix("List")
    if base == "string":
        return value
    if VALUE_READERS[base](value) is None:
        return None
    if base == "boolean":
        return value.strip().lower()
    return value if base == "binary" else value.strip()


def parse_context_entries(value: str, label: str = "--context-entries") -> dict[str, object]:
    """AWS ``ContextEntries`` JSON as request context values (key -> str or list of str).

    Each entry: ``{"ContextKeyName": ..., "ContextKeyValues": [...], "ContextKeyType": ...}``;
    a missing type means ``string`` (one value) or ``stringList`` (several).
    """
    data, where = _json_list(value, label, "context entries", "a list of ContextEntry objects")
    out: dict[str, object] = {}
    seen: set[str] = set()
    for i, entry in enumerate(data, 1):
        at = f"{where}[{i}]"
        if not isinstance(entry, Mapping):
            raise SimulateError(f"{at}: a context entry must be a JSON object")
        unknown = set(entry) - {"ContextKeyName", "ContextKeyValues", "ContextKeyType"}
        if unknown:
            raise SimulateError(f'{at}: unknown field "{sorted(unknown)[0]}"')
        name = entry.get("ContextKeyName")
        if not isinstance(name, str) or not name.strip():
            raise SimulateError(f"{at}: ContextKeyName must be a non-empty string")
        name = name.strip()
        if name.lower() in seen:
            raise SimulateError(f'{at}: context key "{name}" is given twice')
        seen.add(name.lower())
        raw_values = entry.get("ContextKeyValues")
        if raw_values is None:
            raise SimulateError(f"{at}: ContextKeyValues is missing")
        if not isinstance(raw_values, list):
            raw_values = [raw_values]
        values: list[str] = []
        for v in raw_values:
            if isinstance(v, bool):
                values.append("true" if v else "false")
            elif isinstance(v, (str, int, float)):
                values.append(str(v))
            else:
                raise SimulateError(f"{at}: ContextKeyValues must be strings")
        kind = entry.get("ContextKeyType", "stringList" if len(values) > 1 else "string")
        if kind not in CONTEXT_KEY_TYPES:
            raise SimulateError(
                f"{at}: ContextKeyType {kind!r} is not one of {', '.join(CONTEXT_KEY_TYPES)}"
            )
        is_list = kind.endswith("List")
        if not is_list and len(values) != 1:
            raise SimulateError(
                f"{at}: ContextKeyType {kind} takes exactly one value, got {len(values)} "
                f"(use {kind}List)"
            )
        checked: list[str] = []
        for j, v in enumerate(values, 1):
            ok = _check_value(kind, v)
            if ok is None:
                raise SimulateError(
                    f"{at}.ContextKeyValues[{j}]: {v!r} is not a {kind.removesuffix('List')} value"
                )
            checked.append(ok)
        out[name] = checked if is_list else checked[0]
    return out


# -- the simulation ---------------------------------------------------------------------------


def principal_kind_of(arn: str) -> PrincipalKind:
    """``user``/``role``/``session`` from an IAM or STS ARN (``user`` otherwise)."""
    resource = arn.split(":", 5)[5] if arn.count(":") >= 5 else ""
    if resource.startswith("role/"):
        return "role"
    if resource.startswith("assumed-role/"):
        return "session"
    return "user"


def caller_context(arn: str) -> dict[str, object]:
    """Keys the simulator sets from the caller ARN: ``aws:PrincipalArn``, and for an IAM user
    ``aws:username`` (policy variables), as AWS's simulator does."""
    ctx: dict[str, object] = {"aws:PrincipalArn": arn}
    acct = principal_account(arn)
    if acct:
        ctx["aws:PrincipalAccount"] = acct
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[2] == "iam" and parts[5].startswith("user/"):
        ctx["aws:username"] = parts[5].rsplit("/", 1)[-1]
    return ctx


def _check_arn(value: str, label: str) -> str:
    parts = value.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        raise SimulateError(f"{label}: {value!r} is not an ARN (arn:partition:service:...)")
    return value


@dataclass(frozen=True, slots=True)
class Simulation:
    """Everything one ``simulate`` run evaluates."""

    actions: tuple[str, ...]
    resources: tuple[str, ...] = ("*",)
    identity: tuple[PolicyInput, ...] = ()
    boundary: PolicyInput | None = None
    scp_levels: tuple[tuple[PolicyInput, ...], ...] = ()
    resource_policy: PolicyInput | None = None
    caller_arn: str = ""
    resource_owner: str = ""
    context: Mapping[str, object] = field(default_factory=dict)
    principal_kind: PrincipalKind = "user"
    account_id: str = ""

    @property
    def inputs(self) -> tuple[PolicyInput, ...]:
        extra = (self.boundary,) if self.boundary else ()
        res = (self.resource_policy,) if self.resource_policy else ()
        return (*self.identity, *extra, *(p for lv in self.scp_levels for p in lv), *res)


def _snapshot_inputs(
    account: Account, principal: User | Role
) -> tuple[tuple[PolicyInput, ...], PolicyInput | None, tuple[tuple[PolicyInput, ...], ...]]:
    ps = policy_set(account, principal)

    def managed_type(arn: str | None) -> SourcePolicyType:
        return "aws-managed" if arn and arn.split(":")[4:5] == ["aws"] else "user-managed"

    def wrap(ref: PolicyRef) -> PolicyInput:
        if ref.arn is not None and ref.layer != "scp":
            kind: SourcePolicyType = managed_type(ref.arn)
        elif ref.layer == "scp":
            kind = "none"
        elif ref.via.startswith("via group"):
            kind = "group"
        else:
            kind = "role" if isinstance(principal, Role) else "user"
        return PolicyInput(ref, ref.name, kind)

    identity = tuple(wrap(r) for r in ps.identity)
    boundary = wrap(ps.boundary) if ps.boundary else None
    levels = tuple(tuple(wrap(r) for r in lv) for lv in scp_levels(account, principal))
    return identity, boundary, levels


def build_simulation(
    *,
    action_names: Sequence[str],
    resource_arns: Sequence[str] = ("*",),
    policy_input_list: Sequence[str] = (),
    permissions_boundary_policy_input_list: Sequence[str] = (),
    resource_policy: str | None = None,
    caller_arn: str | None = None,
    resource_owner: str | None = None,
    context_entries: str | None = None,
    scp_levels_arg: str | None = None,
    account: Account | None = None,
    policy_source_arn: str | None = None,
) -> Simulation:
    """Parse the AWS-style arguments (inline JSON or ``file://PATH``) into a :class:`Simulation`.

    With ``account`` and ``policy_source_arn`` this is ``simulate-principal-policy``: the
    principal's identity policies, groups, boundary and the snapshot's SCP levels apply, and
    ``policy_input_list`` adds policies; a given boundary or SCP levels replace the principal's.

    Raises:
        SimulateError: the first bad argument, located.
    """
    actions = tuple(a.strip() for a in action_names if a.strip())
    if not actions:
        raise SimulateError("--action-names: give at least one action")
    for a in actions:
        if a != "*" and (a.count(":") != 1 or not all(a.split(":"))):
            raise SimulateError(f"--action-names: {a!r} is not of the form service:Action")
    resources = tuple(r.strip() for r in resource_arns if r.strip()) or ("*",)
    for r in resources:
        if r != "*":
            _check_arn(r, "--resource-arns")

    identity: list[PolicyInput] = []
    boundary: PolicyInput | None = None
    levels: tuple[tuple[PolicyInput, ...], ...] = ()
    ctx: dict[str, object] = {}
    kind: PrincipalKind = "user"
    account_id = ""
    caller = caller_arn.strip() if caller_arn else ""
    if caller:
        _check_arn(caller, "--caller-arn")

    if account is not None:
        if not policy_source_arn:
            raise SimulateError("--snapshot needs --policy-source-arn (a user or role ARN)")
        principal = account.principal(policy_source_arn)
        if principal is None:
            raise SimulateError(
                f"--policy-source-arn: no user or role {policy_source_arn!r} in {account.source}"
            )
        identity_s, boundary, levels = _snapshot_inputs(account, principal)
        identity.extend(identity_s)
        ctx.update(principal_context(account, principal))
        kind = principal.kind  # type: ignore[assignment]
        account_id = account.account_id
        if not caller:
            caller = principal.arn
    elif policy_source_arn:
        raise SimulateError("--policy-source-arn needs --snapshot FILE")
    elif not policy_input_list:
        raise SimulateError("--policy-input-list: give at least one policy document")

    for i, value in enumerate(policy_input_list, 1):
        identity.append(
            load_policy(
                value,
                f"--policy-input-list[{i}]",
                kind="identity",
                source_id=f"PolicyInputList.{i}",
                layer="identity",
            )
        )
    if len(permissions_boundary_policy_input_list) > 1:
        raise SimulateError(
            "--permissions-boundary-policy-input-list: AWS takes only one permissions boundary"
        )
    for value in permissions_boundary_policy_input_list:
        boundary = load_policy(
            value,
            "--permissions-boundary-policy-input-list[1]",
            kind="boundary",
            source_id="PermissionsBoundaryPolicyInputList.1",
            layer="boundary",
        )
    if scp_levels_arg is not None:
        levels = load_scp_levels(scp_levels_arg)
    res_policy = None
    if resource_policy is not None:
        if not caller:
            raise SimulateError(
                "--resource-policy needs --caller-arn (the principal the policy is evaluated for)"
            )
        res_policy = load_policy(
            resource_policy,
            "--resource-policy",
            kind="resource",
            source_id="ResourcePolicy",
            layer="resource",
            source_type="resource",
        )
    owner = _check_arn(resource_owner.strip(), "--resource-owner") if resource_owner else ""
    if caller:
        ctx.update(caller_context(caller))
        if account is None:
            kind = principal_kind_of(caller)
            account_id = principal_account(caller)
    if context_entries is not None:
        ctx.update(parse_context_entries(context_entries))
    return Simulation(
        actions=actions,
        resources=resources,
        identity=tuple(identity),
        boundary=boundary,
        scp_levels=levels,
        resource_policy=res_policy,
        caller_arn=caller,
        resource_owner=owner,
        context=ctx,
        principal_kind=kind,
        account_id=account_id,
    )


_ALLOW_ALL = PolicyRef(
    name="(allow all)",
    document=PolicyDocument(
        version="2012-10-17",
        statements=(Statement(index=0, effect="Allow", actions=("*",), resources=("*",)),),
    ),
)


@dataclass(frozen=True, slots=True)
class SimulationResult:
    """One action x resource: the evaluator's decision and AWS's detail fields."""

    decision: Decision
    matched: tuple[StatementRef, ...]
    missing_context: tuple[str, ...]
    allowed_by_boundary: bool | None
    allowed_by_organizations: bool | None


def run_simulation(sim: Simulation, *, explain: bool = False) -> tuple[SimulationResult, ...]:
    """Evaluate every action on every resource of the simulation."""
    policies = PolicySet(
        identity=tuple(p.ref for p in sim.identity),
        boundary=sim.boundary.ref if sim.boundary else None,
        scp_levels=tuple(tuple(p.ref for p in lv) for lv in sim.scp_levels),
        principal_kind=sim.principal_kind,
        account_id=sim.account_id,
    )
    context = RequestContext.of(sim.context)
    principal = sim.caller_arn or "arn:aws:iam::000000000000:user/simulated-caller"
    key_case = _key_case(sim)
    resource_ref = sim.resource_policy.ref if sim.resource_policy else None
    # "ResourceOwner": the account of resources whose ARN names none (an S3 bucket); a resource
    # of another account needs its resource-based policy too (cross-account evaluation logic).
    owner = principal_account(sim.resource_owner) if sim.resource_owner else ""
    results = []
    for action in sim.actions:
        must_allow = resource_ref is not None and action.lower() in _ASSUME_ACTIONS
        for resource in sim.resources:
            req = Request(principal, action, resource, context, resource_account=owner)
            d = evaluate(
                req,
                policies,
                resource_policy=resource_ref,
                resource_must_allow=must_allow,
                explain_misses=explain,
            )
            if d.decision == "explicitDeny":
                matched = d.denied_by
            elif d.decision == "allowed":
                matched = tuple(
                    s for s in d.allowed_by if s.policy.layer in ("identity", "resource")
                )
            else:
                matched = ()
            boundary_ok = None
            if policies.boundary is not None:
                alone = evaluate(req, PolicySet(identity=(policies.boundary,)))
                boundary_ok = alone.decision == "allowed"
            orgs_ok = None
            if policies.scp_levels:
                scps = evaluate(
                    req, PolicySet(identity=(_ALLOW_ALL,), scp_levels=policies.scp_levels)
                )
                orgs_ok = scps.decision == "allowed"
            missing = tuple(key_case.get(k, k) for k in d.missing_context)
            results.append(SimulationResult(d, matched, missing, boundary_ok, orgs_ok))
    return tuple(results)


def _key_case(sim: Simulation) -> dict[str, str]:
    """Lowercased condition key -> the spelling used in the policies (for MissingContextValues)."""
    out: dict[str, str] = {}
    for p in sim.inputs:
        for st in p.ref.document.statements:
            for clause in st.conditions:
                out.setdefault(clause.key.lower(), clause.key)
    return out


# -- JSON result ------------------------------------------------------------------------------


def _index(sim: Simulation) -> dict[int, PolicyInput]:
    return {id(p.ref): p for p in sim.inputs}


def statement_json(inputs: Mapping[int, PolicyInput], ref: StatementRef) -> dict[str, object]:
    """AWS's ``Statement`` shape for one matched statement."""
    src = inputs.get(id(ref.policy))
    out: dict[str, object] = {
        "SourcePolicyId": src.source_id if src else ref.policy.name,
        "SourcePolicyType": src.source_type if src else "none",
    }
    span = src.positions.get(ref.statement.index) if src else None
    if span is not None:
        out["StartPosition"] = span[0].to_json()
        out["EndPosition"] = span[1].to_json()
    return out


def _cited(inputs: Mapping[int, PolicyInput], ref: StatementRef) -> dict[str, object]:
    src = inputs.get(id(ref.policy))
    return {"source_policy_id": src.source_id if src else ref.policy.name, **ref.to_json()}


def result_json(
    sim: Simulation,
    result: SimulationResult,
    *,
    explain: bool = False,
    inputs: Mapping[int, PolicyInput] | None = None,
) -> dict[str, object]:
    """One ``EvaluationResult`` (AWS's keys) plus iam-explore's explanation under ``IamExplore``."""
    idx = inputs if inputs is not None else _index(sim)
    d = result.decision
    out: dict[str, object] = {
        "EvalActionName": d.action,
        "EvalResourceName": d.resource,
        "EvalDecision": d.decision,
        "MatchedStatements": [statement_json(idx, r) for r in result.matched],
        "MissingContextValues": list(result.missing_context),
    }
    if result.allowed_by_organizations is not None:
        out["OrganizationsDecisionDetail"] = {
            "AllowedByOrganizations": result.allowed_by_organizations
        }
    if result.allowed_by_boundary is not None:
        out["PermissionsBoundaryDecisionDetail"] = {
            "AllowedByPermissionsBoundary": result.allowed_by_boundary
        }
    if d.resource != "*":
        # "If the simulation evaluates policies within the same account and includes a resource
        # ARN, then the parameter is present but the response is empty" (EvaluationResult).
        out["EvalDecisionDetails"] = {}
    extra: dict[str, object] = {
        "decided_by": d.decided_by,
        "summary": d.summary(),
        "conditional": d.conditional,
        "allowed_by": [_cited(idx, r) for r in d.allowed_by],
        "denied_by": [_cited(idx, r) for r in d.denied_by],
        "requirements": [
            {
                "kind": req.kind,
                "layer": req.layer,
                "alternatives": [
                    {
                        "statement": _cited(idx, alt.ref),
                        "conditions": [describe_clause(c) for c in alt.clauses],
                    }
                    for alt in req.alternatives
                ],
            }
            for req in d.requirements
        ],
    }
    if explain:
        extra["misses"] = [{"statement": _cited(idx, m.ref), "reason": m.reason} for m in d.misses]
    out["IamExplore"] = extra
    return out


def simulation_json(
    sim: Simulation, results: Sequence[SimulationResult], *, explain: bool = False
) -> dict[str, object]:
    """The whole response: ``{"EvaluationResults": [...], "IsTruncated": false}``."""
    idx = _index(sim)
    return {
        "EvaluationResults": [result_json(sim, r, explain=explain, inputs=idx) for r in results],
        "IsTruncated": False,
    }
