"""In which regions a conditional decision can be allowed, without re-evaluating per region.

A decision made with the region left unknown carries its open conditions; the region is the
caller's choice, so the decision holds in every region where the conditions on
``aws:RequestedRegion`` (and on ``iam:AssociatedResourceARN``, whose ARN names the region) can be
met, with the other open conditions judged as in
:func:`core.escalate.caller_favour.resolve_in_favour`.
"""

from __future__ import annotations

from collections.abc import Callable

from core.escalate.caller_favour import arn_satisfiable, clause_status, resolve_in_favour
from core.evaluate.conditions import evaluate_clause
from core.evaluate.decision import Decision
from core.model.account import Account, ConditionClause
from core.model.context import RequestContext
from core.model.memo import memo_table
from core.model.regions import REGIONS
from core.model.tri import Tri

ALL_REGIONS = frozenset(REGIONS)
REGION_KEY = "aws:requestedregion"
ARN_KEY = "iam:associatedresourcearn"

TemplateFor = Callable[[str], str | None]
"""Region → the ``iam:AssociatedResourceARN`` the service presents there (or ``None``)."""


def _no_template(region: str) -> str | None:
    return None


def _regional(d: Decision) -> bool:
    return any(
        c.key.lower() in (REGION_KEY, ARN_KEY)
        for req in d.requirements
        for alt in req.alternatives
        for c in alt.clauses
    )


def _clause_may_hold(c: ConditionClause, ctx: RequestContext, template: str | None) -> bool:
    key = c.key.lower()
    if key == REGION_KEY:
        return evaluate_clause(c, ctx, variables=True) is Tri.TRUE
    if key == ARN_KEY:
        return arn_satisfiable(c, template)
    return clause_status(c, template)[0] != "no"


def _clause_surely_holds(c: ConditionClause, ctx: RequestContext) -> bool:
    if c.key.lower() == REGION_KEY:
        return evaluate_clause(c, ctx, variables=True) is Tri.TRUE
    return False


_REGION_CTX: dict[str, RequestContext] = {}


def _possible_in(d: Decision, region: str, template: str | None) -> bool:
    ctx = _REGION_CTX.get(region)
    if ctx is None:
        ctx = _REGION_CTX[region] = RequestContext.of({"aws:RequestedRegion": region})
    for req in d.requirements:
        if req.kind == "allow-if":
            if not any(
                all(_clause_may_hold(c, ctx, template) for c in alt.clauses)
                for alt in req.alternatives
            ):
                return False
        else:
            for alt in req.alternatives:
                if all(_clause_surely_holds(c, ctx) for c in alt.clauses):
                    return False
    return True


RegionMemo = dict[tuple[object, ...], tuple[Decision, frozenset[str]]]
"""Answers of :func:`possible_regions` by requirement shape and templates; each entry keeps its
decision (so its clauses, whose ids are in the key) alive."""

MEMO_LIMIT = 500_000
"""Past this many entries a region memo starts again (memory stays bounded)."""


def region_memo(account: Account | None) -> RegionMemo | None:
    """The account's memo of :func:`possible_regions` answers (``None`` without an account)."""
    if account is None:
        return None
    return memo_table(account, "region_sets.possible")


def _shape(d: Decision) -> tuple[object, ...]:
    """What :func:`possible_regions` reads of a conditional decision: each requirement's kind
    and its alternatives' condition clauses (by identity: clauses belong to parsed documents,
    which many principals share), not which statements or principal they came from."""
    return tuple(
        (req.kind, tuple(tuple(id(c) for c in alt.clauses) for alt in req.alternatives))
        for req in d.requirements
    )


def possible_regions(
    d: Decision, template_for: TemplateFor = _no_template, memo: RegionMemo | None = None
) -> frozenset[str]:
    """The regions in which ``d`` (made with the region unknown) can be allowed.

    With a ``memo`` (:func:`region_memo`), decisions with the same requirement shape
    (:func:`_shape`) and ``iam:AssociatedResourceARN`` template share one answer (the first one
    kept alive, so the clause ids stay unique)."""
    if not d.conditional:
        return ALL_REGIONS if d.allowed else frozenset()
    key = (_shape(d), template_for("*"), template_for(REGIONS[0])) if memo is not None else ()
    hit = memo.get(key) if memo is not None else None
    if hit is not None:
        return hit[1]
    if not _regional(d):
        out = ALL_REGIONS if resolve_in_favour(d, template_for("*")).possible else frozenset()
    else:
        out = frozenset(r for r in REGIONS if _possible_in(d, r, template_for(r)))
    if memo is not None:
        if len(memo) > MEMO_LIMIT:
            memo.clear()
        memo[key] = (d, out)
    return out


def describe_regions(regions: frozenset[str]) -> str | None:
    """``only in us-east-1, eu-west-1`` when not every region, else ``None``."""
    if regions >= ALL_REGIONS:
        return None
    ordered = [r for r in REGIONS if r in regions]
    return "only in " + ", ".join(ordered)
