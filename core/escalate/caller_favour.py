"""Resolve a conditional decision: caller-controlled keys are chosen in the caller's favour.

A decision over unknown keys says "allowed only if" some conditions hold. For each condition,
:mod:`core.evaluate.caller_keys` says whether the caller controls its key: if so, the caller
satisfies (or, for a
deny, avoids) it and the choice becomes a *constraint*; otherwise the condition stays, and the
edge is *conditional*. ``iam:AssociatedResourceARN`` is checked against the ARN the service would
present in the chosen region (its name part is the caller's choice). ``aws:SourceArn``, when a
service acts for the caller in account ``source_account``, names a resource of that account (its
service, region and name are the caller's choice): a positive match on an ARN in another account
can never hold, and an absent key fails it too (IAM User Guide, "Condition operators": "If the
key that you specify in a policy condition is not present in the request context, the values do
not match").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.evaluate.caller_keys import caller_controls
from core.evaluate.conditions import describe_clause as _describe_clause
from core.evaluate.decision import Decision
from core.model.account import ConditionClause
from core.model.memo import memo_of
from core.model.patterns import arn_matches

_POSITIVE = ("StringEquals", "StringLike", "ArnEquals", "ArnLike", "StringEqualsIgnoreCase")


@dataclass(frozen=True, slots=True)
class Resolved:
    """A decision after choosing caller-controlled keys.

    Attributes:
        possible: the request can be allowed (perhaps only under ``conditions``).
        conditional: ``conditions`` on keys the caller does not control must hold.
        conditions: those conditions, in words.
        constraints: the caller's choices, in words.
    """

    possible: bool
    conditional: bool = False
    conditions: tuple[str, ...] = ()
    constraints: tuple[str, ...] = ()


def merge(rs: Iterable[Resolved]) -> Resolved:
    """All of ``rs`` at once: impossible if one is, conditional if any is, with their conditions
    and constraints each listed once (in first-seen order)."""
    out = Resolved(True)
    for r in rs:
        if not r.possible:
            return Resolved(False)
        out = Resolved(
            True,
            out.conditional or r.conditional,
            tuple(dict.fromkeys((*out.conditions, *r.conditions))),
            tuple(dict.fromkeys((*out.constraints, *r.constraints))),
        )
    return out


def describe_clause(clause: ConditionClause) -> str:
    """:func:`core.evaluate.conditions.describe_clause`, kept in the clause's memo (clauses belong
    to parsed documents that many decisions cite)."""
    memo = memo_of(clause)
    hit = memo.get("caller_favour.described")
    if hit is None:
        hit = memo["caller_favour.described"] = _describe_clause(clause)
    return hit  # type: ignore[return-value]  # what this function stored


def _concrete(glob: str) -> str:
    return glob.replace("*", "x").replace("?", "x")


def arn_satisfiable(clause: ConditionClause, template: str | None) -> bool:
    if template is None:
        return False
    base = clause.operator.split(":")[-1].removesuffix("IfExists")
    if base not in _POSITIVE:
        return True  # a negated condition is met by choosing another name
    for value in clause.values:
        v = str(value)
        if arn_matches(template, _concrete(v)) or arn_matches(v, _concrete(template)):
            return True
    return False


def clause_status(
    clause: ConditionClause, arn_template: str | None, source_account: str | None = None
) -> tuple[str, str | None]:
    """``("yes"|"no"|"unknown", constraint text)`` for one clause the caller may influence."""
    key = clause.key.lower()
    text = describe_clause(clause)
    if key == "iam:associatedresourcearn":
        return ("yes", text) if arn_satisfiable(clause, arn_template) else ("no", None)
    if key == "aws:sourcearn" and source_account is not None:
        own = f"arn:*:*:*:{source_account}:*"
        return ("yes", text) if arn_satisfiable(clause, own) else ("no", None)
    if clause.operator == "ResourceVariable":
        return "unknown", None
    if caller_controls(key):
        return "yes", text
    return "unknown", None


def resolve_in_favour(
    decision: Decision, arn_template: str | None = None, source_account: str | None = None
) -> Resolved:
    """Choose caller-controlled keys in the caller's favour; see the module docstring."""
    if not decision.conditional:
        return Resolved(decision.allowed)
    conditions: list[str] = []
    constraints: list[str] = []
    for req in decision.requirements:
        if req.kind == "allow-if":
            best: tuple[int, list[str], list[str]] | None = None
            for alt in req.alternatives:
                rank, conds, cons = 2, [], []
                for clause in alt.clauses:
                    status, text = clause_status(clause, arn_template, source_account)
                    if status == "no":
                        rank = 0
                        break
                    if status == "unknown":
                        rank = min(rank, 1)
                        conds.append(describe_clause(clause))
                    elif text:
                        cons.append(text)
                if best is None or rank > best[0]:
                    best = (rank, conds, cons)
            if best is None or best[0] == 0:
                return Resolved(False)
            conditions.extend(best[1])
            constraints.extend(best[2])
        else:
            for alt in req.alternatives:
                statuses = [clause_status(c, arn_template, source_account) for c in alt.clauses]
                if any(s == "no" for s, _ in statuses):
                    continue
                avoidable = [
                    c
                    for c, (s, _) in zip(alt.clauses, statuses, strict=True)
                    if s == "yes" and c.key.lower() != "iam:associatedresourcearn"
                ]
                if avoidable:
                    constraints.append(
                        "avoid " + describe_clause(avoidable[0]) + f" ({alt.ref.label})"
                    )
                    continue
                conditions.append(
                    "unless "
                    + " and ".join(describe_clause(c) for c in alt.clauses)
                    + f" ({alt.ref.label})"
                )
    conditions = list(dict.fromkeys(conditions))
    return Resolved(True, bool(conditions), tuple(conditions), tuple(dict.fromkeys(constraints)))
