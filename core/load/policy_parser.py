"""Parse policy documents into statements, reporting grammar problems with their location.

Documents arrive as JSON objects, JSON strings, or URL-encoded JSON strings (the raw
``GetAccountAuthorizationDetails`` API). Grammar follows "IAM JSON policy element reference":
``Effect`` is ``Allow`` or ``Deny``; exactly one of ``Action``/``NotAction``; identity policies need
exactly one of ``Resource``/``NotResource`` and no ``Principal``; resource and trust policies need a
``Principal`` or ``NotPrincipal``. A broken statement is reported as a :class:`Problem` and left
out; an unknown condition operator is reported and kept (it evaluates to *unknown*, never silently).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import unquote

from core.model.account import ConditionClause, PolicyDocument, PrincipalSpec, Statement
from core.model.errors import PolicyError, Problem, loads_located
from core.model.operators import is_known_operator

PolicyKind = Literal["identity", "resource", "trust", "boundary", "scp", "session"]
"""Where a policy is used: it decides which elements are required or forbidden."""

VALID_VERSIONS = ("2012-10-17", "2008-10-17")
_STATEMENT_KEYS = frozenset(
    {
        "Sid",
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Principal",
        "NotPrincipal",
        "Condition",
    }
)
_PRINCIPAL_TYPES = {
    "AWS": "aws",
    "Service": "service",
    "Federated": "federated",
    "CanonicalUser": "canonical_user",
}


def decode_document(raw: Any) -> Any:
    """A policy document as a JSON value: objects pass through, strings are decoded.

    Raises:
        PolicyError: the string is neither JSON nor URL-encoded JSON.
    """
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    if (
        text.startswith("%7B")
        or text.startswith("%7b")
        or (text and text[0] != "{" and "%" in text)
    ):
        text = unquote(text)
    return loads_located(
        text,
        PolicyError,
        "policy document is not valid JSON",
        "policy document nested too deeply",
    )


def _strings(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def _pretty(value: Any) -> str:
    """Compact JSON (the C encoder is fast); displays pretty-print it on demand."""
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    except (RecursionError, ValueError, TypeError):
        return str(value)


def _principal(value: Any) -> PrincipalSpec | None:
    if value == "*":
        return PrincipalSpec(wildcard=True)
    if not isinstance(value, Mapping):
        return None
    fields: dict[str, tuple[str, ...]] = {}
    wildcard = False
    for key, raw in value.items():
        attr = _PRINCIPAL_TYPES.get(key)
        vals = _strings(raw)
        if attr is None or vals is None:
            return None
        if key == "AWS" and "*" in vals:
            wildcard = True
        fields[attr] = tuple(v.strip() for v in vals)
    return PrincipalSpec(wildcard=wildcard, **fields)


def _conditions(value: Any, problem: Any) -> tuple[ConditionClause, ...] | None:
    if not isinstance(value, Mapping):
        problem("Condition must be an object of operators")
        return None
    clauses: list[ConditionClause] = []
    for op, block in value.items():
        if not is_known_operator(op):
            problem(f'unknown condition operator "{op}" (AWS rejects this policy)')
        if not isinstance(block, Mapping):
            problem(f'Condition operator "{op}" must map condition keys to values')
            return None
        for key, vals in block.items():
            items = vals if isinstance(vals, list) else [vals]
            if not items or not all(isinstance(v, (str, int, float, bool)) for v in items):
                problem(f'Condition "{op}" key "{key}" needs string, number or boolean values')
                return None
            clauses.append(ConditionClause(op, str(key), tuple(items)))
    return tuple(clauses)


def parse_statement(
    raw: Any, index: int, kind: PolicyKind, problems: list[Problem], where: Mapping[str, Any]
) -> Statement | None:
    """Parse one statement; append problems and return ``None`` when it cannot be used."""

    def problem(message: str, severity: str = "error") -> None:
        problems.append(Problem(message, statement=index, severity=severity, **where))

    if not isinstance(raw, Mapping):
        problem("statement must be a JSON object")
        return None
    for key in raw:
        if key not in _STATEMENT_KEYS:
            problem(f'unknown statement element "{key}"')
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        problem(
            "missing Effect"
            if effect is None
            else f'Effect must be "Allow" or "Deny", not {effect!r}'
        )
        return None
    if "Action" in raw and "NotAction" in raw:
        problem("statement has both Action and NotAction")
        return None
    action_key = "Action" if "Action" in raw else "NotAction" if "NotAction" in raw else None
    if action_key is None:
        problem("statement needs Action or NotAction")
        return None
    actions = _strings(raw[action_key])
    if actions is None or not actions:
        problem(f"{action_key} must be a string or a list of strings")
        return None
    for a in actions:
        if a != "*" and (a.count(":") != 1 or not a.split(":")[0] or not a.split(":")[1]):
            problem(f'action "{a}" is not of the form service:Action')
    resources: tuple[str, ...] | None = None
    not_resource = False
    if "Resource" in raw and "NotResource" in raw:
        problem("statement has both Resource and NotResource")
        return None
    if "Resource" in raw or "NotResource" in raw:
        not_resource = "NotResource" in raw
        resources = _strings(raw["NotResource" if not_resource else "Resource"])
        if resources is None or not resources:
            problem("Resource must be a string or a list of strings")
            return None
    elif kind not in ("trust", "resource"):
        problem("statement needs Resource or NotResource")
        return None
    if kind == "trust" and resources is not None:
        field = "NotResource" if not_resource else "Resource"
        problem(f"role trust policies must not have a {field} element (AWS: Has prohibited field)")
    principal = None
    not_principal = False
    if "Principal" in raw and "NotPrincipal" in raw:
        problem("statement has both Principal and NotPrincipal")
        return None
    if "Principal" in raw or "NotPrincipal" in raw:
        not_principal = "NotPrincipal" in raw
        if kind not in ("trust", "resource"):
            problem(
                f"{'NotPrincipal' if not_principal else 'Principal'} is not allowed in an "
                f"identity-based policy"
            )
            return None
        principal = _principal(raw["NotPrincipal" if not_principal else "Principal"])
        if principal is None:
            problem('Principal must be "*" or an object of AWS/Service/Federated/CanonicalUser')
            return None
    elif kind in ("trust", "resource"):
        problem("a resource-based policy statement needs Principal or NotPrincipal")
        return None
    conditions: tuple[ConditionClause, ...] = ()
    if "Condition" in raw:
        parsed = _conditions(raw["Condition"], problem)
        if parsed is None:
            return None
        conditions = parsed
    sid = raw.get("Sid")
    return Statement(
        index=index,
        effect=effect,
        sid=str(sid) if sid is not None else None,
        actions=actions,
        not_action=action_key == "NotAction",
        resources=resources,
        not_resource=not_resource,
        principal=principal,
        not_principal=not_principal,
        conditions=conditions,
        text=_pretty(raw),
    )


def parse_policy(
    raw: Any,
    kind: PolicyKind = "identity",
    *,
    policy: str = "",
    path: str = "",
    file: str = "",
) -> PolicyDocument:
    """Parse a policy document; problems are kept on the returned document.

    Args:
        raw: the document as an object, JSON string or URL-encoded JSON string.
        kind: where it is used (decides required elements).
        policy: its name or ARN, for problem locations.
        path: JSON path of the document in the input file.
        file: the input file.
    """
    where: dict[str, Any] = {"policy": policy, "path": path, "file": file}
    problems: list[Problem] = []
    try:
        doc = decode_document(raw)
    except PolicyError as exc:
        problems.append(Problem(str(exc), **where))
        return PolicyDocument(version=None, statements=(), text=str(raw), problems=tuple(problems))
    if not isinstance(doc, Mapping):
        problems.append(Problem("policy document must be a JSON object", **where))
        return PolicyDocument(
            version=None, statements=(), text=_pretty(doc), problems=tuple(problems)
        )
    version = doc.get("Version")
    if version is not None and version not in VALID_VERSIONS:
        problems.append(
            Problem(f'Version must be "2012-10-17" or "2008-10-17", not {version!r}', **where)
        )
        version = None
    for key in doc:
        if key not in ("Version", "Id", "Statement"):
            problems.append(Problem(f'unknown policy element "{key}"', **where))
    raw_statements = doc.get("Statement")
    if raw_statements is None:
        problems.append(Problem("policy has no Statement", **where))
        raw_statements = []
    if isinstance(raw_statements, Mapping):
        raw_statements = [raw_statements]
    if not isinstance(raw_statements, list):
        problems.append(Problem("Statement must be an object or a list", **where))
        raw_statements = []
    statements = []
    for i, raw_st in enumerate(raw_statements):
        st = parse_statement(raw_st, i, kind, problems, where)
        if st is not None:
            statements.append(st)
    return PolicyDocument(
        version=version if isinstance(version, str) else None,
        statements=tuple(statements),
        text=_pretty(doc),
        problems=tuple(problems),
    )


def parse_policy_strict(
    raw: Any, kind: PolicyKind = "identity", *, policy: str = ""
) -> PolicyDocument:
    """Parse a policy that is the whole input (CLI arguments): any error problem is fatal.

    Raises:
        PolicyError: with the first problem, located.
    """
    doc = parse_policy(raw, kind, policy=policy)
    errors = [p for p in doc.problems if p.severity == "error"]
    if errors:
        raise PolicyError(errors[0].located())
    return doc
