"""The IAM condition operator engine: one ``Condition`` clause against a request context.

Authority: IAM User Guide, "IAM JSON policy elements: Condition operators" (below *[ops]*),
"Conditions with multiple context keys or values" (*[multi]*) and "Single-valued vs.
multivalued context keys" (*[sets]*).

Operators are a lookup table (:data:`_BASE`): each base operator names a value family (how a
policy value is compiled into a predicate on one request value) and whether it is negated. The
``IfExists`` suffix and the ``ForAllValues:``/``ForAnyValue:`` prefixes are applied around the
base comparison. Compiled clauses are cached, so evaluating the same clause again costs a
context lookup and a few predicate calls.

Rules, and the choices made where the documentation is silent:

- Several policy values for one key are OR; for a negated operator the request value must
  match *none* of them (NOR) *[multi]*.
- A key absent from the request: false, except negated operators, which are true *[ops]*
  ("Important" box). ``...IfExists``: true when absent *[ops]*, also under a set prefix (the
  generic ``IfExists`` rule is applied before the prefix rule). ``ForAllValues:``: true when the
  key is absent or its list is empty; ``ForAnyValue:``: false *[sets]*. An empty list is
  treated as absent everywhere (also by ``Null``).
- ``Null``: ``"true"`` holds when the key is absent, ``"false"`` when present *[ops]*; it takes
  neither ``IfExists`` nor a set prefix (such names are unknown operators).
- A multivalued request value without a set prefix: a positive operator holds when *any*
  request value matches; a negated operator is the exact complement (no request value matches
  any policy value). The docs only say to use a set operator with such keys *[sets]*.
- Under a set prefix a negated operator is negated per request value, so
  ``ForAllValues:StringNotEquals`` means every request value equals none of the policy values
  *[sets]* (example "ForAllValues:StringNotLike" on ``aws:TagKeys``).
- A value that cannot be read as the operator's type (a non-number for ``Numeric*``, a bad date,
  CIDR, base64 or ARN) matches nothing. A negated operator is always the exact complement of its
  positive form on a present key, so a request value of the wrong type makes it *true*.
- Policy variables are substituted (``variables=True``, policy version 2012-10-17) only for the
  families the docs list as "Policy variables: Supported": String, Bool and ARN *[ops]*; in
  Numeric, Date, Binary and IP values ``${...}`` is literal text. A substituted value is
  literal (its ``*`` is not a wildcard). A variable without a value makes the clause false, also
  under a negated operator (the statement does not apply: "If AWS cannot resolve a variable this
  might cause the entire statement to be invalid"), except under ``...IfExists``, which the same
  page names as the way to keep such statements valid: there that one value matches nothing.
- Three-valued: an unknown key makes the clause ``UNKNOWN``; a policy value whose variable is
  unknown is an unknown alternative (Kleene OR), so the clause is ``UNKNOWN`` unless another
  value already decides it. An unknown operator evaluates to ``UNKNOWN`` (the loader reports
  it: AWS rejects the policy, "Invalid Condition type").
- Time keys during analysis (``RequestContext.now`` set, key unknown): ``aws:CurrentTime``,
  ``aws:EpochTime`` and ``aws:TokenIssueTime`` of a future request with new credentials are an
  instant from the analysis time on. A clause that comes out the same for every such instant is
  decided (``DateLessThan`` a past date never holds, ``DateGreaterThan`` a past date always
  holds); one that changes (a date still to come) stays ``UNKNOWN``. Date comparisons only change
  at the policy's own instants, so evaluating at the analysis time and at and just after each
  later policy instant covers every case.
- ``Bool`` compares ``true``/``false`` ignoring case; ``BinaryEquals`` compares the decoded
  bytes of base64 policy and request values; ``IpAddress`` takes IPv4 and IPv6 CIDR (a bare
  address is /32 or /128); ``Date*`` reads ISO 8601 (a date alone is midnight UTC, no offset
  means UTC) or epoch seconds and compares instants; ``Arn*`` compare the six colon-separated
  components (the last keeps its colons), case-sensitively, with ``*``/``?`` in each component
  for ``ArnEquals`` and ``ArnLike`` alike *[ops]*.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import operator as _op
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Final, TypeVar

from core.model.account import ConditionClause
from core.model.context import UNKNOWN, RequestContext
from core.model.operators import NULL, is_known_operator, parse_operator_name
from core.model.patterns import Part, like_regex, parts_regex
from core.model.tri import Tri, tri_all, tri_any
from core.model.variables import has_variables, literal, substitute, variable_keys

__all__ = [
    "VALUE_READERS",
    "context_keys",
    "describe_clause",
    "evaluate_clause",
    "evaluate_conditions",
    "is_known_operator",
]

Predicate = Callable[[str], bool]
"""Whether one request value matches (one or several) policy values."""

_T = TypeVar("_T")

_NEVER: Final[Predicate] = lambda _v: False  # noqa: E731 - a named constant predicate


# --- value families -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Family:
    """How policy values of one operator become predicates on a request value.

    Attributes:
        static: compiles all literal policy values into one predicate (OR over them).
        parts: compiles one variable-substituted value; ``None`` when the family does not
            support policy variables (its ``${...}`` is then literal text).
    """

    static: Callable[[tuple[str, ...]], Predicate]
    parts: Callable[[tuple[Part, ...]], Predicate] | None


def _any_of(
    compile_one: Callable[[str], Predicate | None],
) -> Callable[[tuple[str, ...]], Predicate]:
    """Static compiler for families whose values are compared one by one."""

    def compile_all(values: tuple[str, ...]) -> Predicate:
        preds = tuple(p for p in map(compile_one, values) if p is not None)
        if not preds:
            return _NEVER
        if len(preds) == 1:
            return preds[0]
        return lambda v: any(p(v) for p in preds)

    return compile_all


# String ------------------------------------------------------------------------------------


def _str_equals(values: tuple[str, ...]) -> Predicate:
    return frozenset(values).__contains__


def _str_equals_parts(parts: tuple[Part, ...]) -> Predicate:
    return literal(parts).__eq__


def _str_iequals(values: tuple[str, ...]) -> Predicate:
    lowered = frozenset(v.lower() for v in values)
    return lambda v: v.lower() in lowered


def _str_iequals_parts(parts: tuple[Part, ...]) -> Predicate:
    want = literal(parts).lower()
    return lambda v: v.lower() == want


def _str_like(values: tuple[str, ...]) -> Predicate:
    if not values:
        return _NEVER
    if len(values) == 1:
        return _fullmatch(like_regex(values[0]))
    joined = "|".join(f"(?:{like_regex(v).pattern})" for v in values)
    return _fullmatch(re.compile(joined, re.DOTALL))


def _str_like_parts(parts: tuple[Part, ...]) -> Predicate:
    return _fullmatch(parts_regex(parts, arn=False))


def _fullmatch(rx: re.Pattern[str]) -> Predicate:
    match = rx.fullmatch
    return lambda v: match(v) is not None


# Numeric and Date --------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_EPOCH = re.compile(r"[+-]?\d+(?:\.\d+)?")


@lru_cache(maxsize=4096)
def _number(text: str) -> Decimal | None:
    """An integer or decimal (``Numeric*``); ``None`` when the text is not one."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
        return None


@lru_cache(maxsize=4096)
def _instant(text: str) -> datetime | None:
    """An ISO 8601 date or date-time, or epoch seconds, as an aware UTC instant."""
    text = text.strip()
    try:
        if _EPOCH.fullmatch(text):
            return datetime.fromtimestamp(float(text), tz=UTC)
        if "T" not in text and len(text) <= 10:
            d = date.fromisoformat(text)
            return datetime(d.year, d.month, d.day, tzinfo=UTC)
        dt = datetime.fromisoformat(text)
        return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    except (ValueError, OverflowError, OSError):  # out of range after moving to UTC, too
        return None


def _ordered(
    parse: Callable[[str], _T | None], cmp: Callable[[_T, _T], bool]
) -> Callable[[str], Predicate | None]:
    """Compile one policy value of an ordered type: ``cmp(request, policy)``."""

    def compile_one(policy_value: str) -> Predicate | None:
        want = parse(policy_value)
        if want is None:
            return None

        def pred(v: str) -> bool:
            got = parse(v)
            return got is not None and cmp(got, want)

        return pred

    return compile_one


_CMP: Final[dict[str, Callable[[Any, Any], bool]]] = {  # operator.lt etc. are generic
    "Equals": _op.eq,
    "NotEquals": _op.eq,  # negated by the table
    "LessThan": _op.lt,
    "LessThanEquals": _op.le,
    "GreaterThan": _op.gt,
    "GreaterThanEquals": _op.ge,
}


# Bool and Binary ---------------------------------------------------------------------------


def _bool(text: str) -> bool | None:
    """``true``/``false`` in any case (``Bool``); ``None`` otherwise."""
    low = text.strip().lower()
    return None if low not in ("true", "false") else low == "true"


def _bool_one(policy_value: str) -> Predicate | None:
    want = _bool(policy_value)
    if want is None:
        return None
    return lambda v: _bool(v) is want


def _bool_parts(parts: tuple[Part, ...]) -> Predicate:
    return _bool_one(literal(parts)) or _NEVER


@lru_cache(maxsize=1024)
def _b64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None


def _binary_one(policy_value: str) -> Predicate | None:
    want = _b64(policy_value)
    if want is None:
        return None
    return lambda v: _b64(v) == want


# IP address --------------------------------------------------------------------------------

_Net = ipaddress.IPv4Network | ipaddress.IPv6Network
_Addr = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=4096)
def _address(text: str) -> _Addr | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


@lru_cache(maxsize=1024)
def _network(text: str) -> _Net | None:
    """An IPv4 or IPv6 CIDR (a bare address is /32 or /128); ``None`` when it is not one."""
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def _ip_one(policy_value: str) -> Predicate | None:
    net = _network(policy_value)
    if net is None:
        return None

    def pred(v: str) -> bool:
        addr = _address(v)
        return addr is not None and addr.version == net.version and addr in net

    return pred


VALUE_READERS: Final[dict[str, Callable[[str], object | None]]] = {
    "numeric": _number,
    "date": _instant,
    "boolean": _bool,
    "ip": _network,
    "binary": _b64,
}
"""How the operators read a value of each typed family, by AWS ``ContextKeyType`` (without
``List``): the value, or ``None`` when the text is not one (then it matches nothing)."""


# ARN ---------------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _arn_regex(parts: tuple[Part, ...]) -> re.Pattern[str] | None:
    """Regex matching ARNs component by component; ``None`` for fewer than six components.

    The first five components cannot hold a colon, so ``*``/``?`` there stop at colons; the
    sixth (resource) component keeps its colons and its wildcards span them. Substituted
    (literal) text is escaped; the components are found after substitution.
    """
    out: list[str] = []
    colons = 0
    for text, is_pattern in parts:
        for ch in text:
            if ch == ":" and colons < 5:
                colons += 1
                out.append(":")
            elif is_pattern and ch == "*":
                out.append(".*" if colons == 5 else "[^:]*")
            elif is_pattern and ch == "?":
                out.append("." if colons == 5 else "[^:]")
            else:
                out.append(re.escape(ch))
    if colons < 5:
        return None
    return re.compile("".join(out), re.DOTALL)


def _arn_parts(parts: tuple[Part, ...]) -> Predicate:
    rx = _arn_regex(parts)
    return _NEVER if rx is None else _fullmatch(rx)


def _arn_one(policy_value: str) -> Predicate | None:
    rx = _arn_regex(((policy_value, True),))
    return None if rx is None else _fullmatch(rx)


# --- the operator table ---------------------------------------------------------------------

_STRING_EQ = _Family(_str_equals, _str_equals_parts)
_STRING_IEQ = _Family(_str_iequals, _str_iequals_parts)
_STRING_LIKE = _Family(_str_like, _str_like_parts)
_BOOL = _Family(_any_of(_bool_one), _bool_parts)
_BINARY = _Family(_any_of(_binary_one), None)
_IP = _Family(_any_of(_ip_one), None)
_ARN = _Family(_any_of(_arn_one), _arn_parts)


@dataclass(frozen=True, slots=True)
class _Base:
    family: _Family
    negated: bool = False


_BASE: Final[dict[str, _Base]] = {
    "StringEquals": _Base(_STRING_EQ),
    "StringNotEquals": _Base(_STRING_EQ, negated=True),
    "StringEqualsIgnoreCase": _Base(_STRING_IEQ),
    "StringNotEqualsIgnoreCase": _Base(_STRING_IEQ, negated=True),
    "StringLike": _Base(_STRING_LIKE),
    "StringNotLike": _Base(_STRING_LIKE, negated=True),
    **{
        f"Numeric{name}": _Base(_Family(_any_of(_ordered(_number, cmp)), None), name == "NotEquals")
        for name, cmp in _CMP.items()
    },
    **{
        f"Date{name}": _Base(_Family(_any_of(_ordered(_instant, cmp)), None), name == "NotEquals")
        for name, cmp in _CMP.items()
    },
    "Bool": _Base(_BOOL),
    "BinaryEquals": _Base(_BINARY),
    "IpAddress": _Base(_IP),
    "NotIpAddress": _Base(_IP, negated=True),
    "ArnEquals": _Base(_ARN),
    "ArnLike": _Base(_ARN),
    "ArnNotEquals": _Base(_ARN, negated=True),
    "ArnNotLike": _Base(_ARN, negated=True),
}
"""Base operator name -> value family and negation (names are case-sensitive in AWS)."""


# --- compiled clauses -----------------------------------------------------------------------


_Evaluator = Callable[[RequestContext], Tri]


def _unknown_operator(_ctx: RequestContext) -> Tri:
    return Tri.UNKNOWN


def _compile_null(key: str, values: tuple[str, ...]) -> _Evaluator:
    wanted = {v.strip().lower() for v in values}
    want_absent, want_present = "true" in wanted, "false" in wanted

    def evaluate(ctx: RequestContext) -> Tri:
        found = ctx.lookup(key)
        if found is UNKNOWN:
            return Tri.UNKNOWN
        absent = not found
        return Tri.of(want_absent if absent else want_present)

    return evaluate


_Matched = tuple[Predicate, tuple[Predicate, ...], bool, bool]


def _compile_matcher(
    family: _Family, values: tuple[str, ...], variables: bool
) -> Callable[[RequestContext], _Matched]:
    """Returns a function giving, for a context, the static predicate, the predicates of the
    substituted values, whether some substituted value is unknown, and whether some variable
    has no value."""
    if variables and family.parts is not None:
        dynamic = tuple(v for v in values if has_variables(v))
        static_values = tuple(v for v in values if not has_variables(v))
    else:
        dynamic, static_values = (), values
    static = family.static(static_values)
    if not dynamic:
        result: _Matched = (static, (), False, False)
        return lambda _ctx: result
    compile_parts = family.parts
    assert compile_parts is not None  # checked above; narrows for mypy

    def matcher(ctx: RequestContext) -> _Matched:
        preds: list[Predicate] = []
        unknown = missing = False
        for text in dynamic:
            parts = substitute(text, ctx)
            if parts is UNKNOWN:
                unknown = True
            elif isinstance(parts, tuple):
                preds.append(_cached_parts(compile_parts, parts))
            else:
                missing = True  # a variable without a value: this value matches nothing
        return static, tuple(preds), unknown, missing

    return matcher


@lru_cache(maxsize=8192)
def _cached_parts(
    compile_parts: Callable[[tuple[Part, ...]], Predicate], parts: tuple[Part, ...]
) -> Predicate:
    return compile_parts(parts)


TIME_KEYS: Final = frozenset({"aws:currenttime", "aws:epochtime", "aws:tokenissuetime"})
"""Keys whose value is the time of the request (or of its credentials' issue)."""


def _time_value(key: str, instant: float) -> str:
    if key == "aws:epochtime":
        return str(int(instant))
    return datetime.fromtimestamp(instant, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _over_time(key: str, values: tuple[str, ...], inner: _Evaluator) -> _Evaluator:
    """``inner`` for a time key: unknown values range over the instants from ``ctx.now`` on."""
    marks: list[float] = []
    for v in values:
        when = _instant(v)
        if when is not None:
            marks.append(when.timestamp())

    def evaluate(ctx: RequestContext) -> Tri:
        if ctx.now is None or ctx.lookup(key) is not UNKNOWN:
            return inner(ctx)
        start = float(int(ctx.now))
        instants = [start, *(t + d for t in marks if t >= start for d in (0.0, 1.0))]
        seen: set[Tri] = set()
        for t in instants:
            seen.add(inner(ctx.with_values({key: _time_value(key, t)})))
            if len(seen) > 1:
                return Tri.UNKNOWN
        return seen.pop()

    return evaluate


@lru_cache(maxsize=32768)
def _compile(clause: ConditionClause, variables: bool) -> _Evaluator:
    inner = _compile_base(clause, variables)
    key = clause.key.lower()
    if key in TIME_KEYS and clause.operator != NULL:
        # (Null on aws:TokenIssueTime asks whether the credentials are temporary: not a time.)
        return _over_time(key, clause.texts, inner)
    return inner


def _compile_base(clause: ConditionClause, variables: bool) -> _Evaluator:
    op = parse_operator_name(clause.operator)
    if op is None:
        return _unknown_operator
    key = clause.key
    values = clause.texts
    if op.base is None:
        return _compile_null(key, values)
    base = _BASE[op.base]
    negated = base.negated
    quantifier = op.quantifier
    # Key absent or empty list: IfExists -> true; ForAllValues -> true; ForAnyValue -> false;
    # otherwise false, or true for a negated operator.
    if op.if_exists:
        on_absent = Tri.TRUE
    elif quantifier is not None:
        on_absent = Tri.of(quantifier == "all")
    else:
        on_absent = Tri.of(negated)
    matcher = _compile_matcher(base.family, values, variables)
    strict = not op.if_exists and variables and any(has_variables(v) for v in values)

    def evaluate(ctx: RequestContext) -> Tri:
        if strict and matcher(ctx)[3]:
            # A variable with no value invalidates the statement, whatever the key holds.
            return Tri.FALSE
        found = ctx.lookup(key)
        if found is UNKNOWN:
            return Tri.UNKNOWN
        if not found:
            return on_absent
        assert isinstance(found, tuple)  # narrows Value | _Unknown for mypy
        static, dynamic, unknown, _ = matcher(ctx)

        def matches(v: str) -> Tri:
            if static(v) or any(p(v) for p in dynamic):
                return Tri.TRUE
            return Tri.UNKNOWN if unknown else Tri.FALSE

        if quantifier is None:
            hit = Tri.FALSE
            for v in found:
                m = matches(v)
                if m is Tri.TRUE:
                    hit = m
                    break
                if m is Tri.UNKNOWN:
                    hit = m
            return ~hit if negated else hit
        per = [~matches(v) if negated else matches(v) for v in found]
        if quantifier == "all":
            return tri_all(per)
        return tri_any(per)

    return evaluate


# --- public API -----------------------------------------------------------------------------


def evaluate_clause(clause: ConditionClause, ctx: RequestContext, *, variables: bool) -> Tri:
    """Evaluate one condition clause.

    Args:
        clause: one operator and key with its policy values.
        ctx: the request context.
        variables: whether ``${...}`` policy variables are substituted (policy version
            ``2012-10-17``).

    Returns:
        ``TRUE``/``FALSE``, or ``UNKNOWN`` when an unknown context value decides it or the
        operator is unknown.
    """
    return _compile(clause, variables)(ctx)


def evaluate_conditions(
    clauses: Sequence[ConditionClause], ctx: RequestContext, *, variables: bool
) -> tuple[Tri, tuple[ConditionClause, ...]]:
    """AND of all clauses of a ``Condition`` block.

    Returns:
        the result and the clauses that explain it: the first ``FALSE`` clause when false, the
        ``UNKNOWN`` clauses when unknown, ``()`` when true.
    """
    unknown: list[ConditionClause] = []
    for clause in clauses:
        r = _compile(clause, variables)(ctx)
        if r is Tri.FALSE:
            return Tri.FALSE, (clause,)
        if r is Tri.UNKNOWN:
            unknown.append(clause)
    if unknown:
        return Tri.UNKNOWN, tuple(unknown)
    return Tri.TRUE, ()


def describe_clause(clause: ConditionClause) -> str:
    """One readable line: ``iam:PassedToService StringEquals "ec2.amazonaws.com"``."""
    shown = " or ".join(json.dumps(v) for v in clause.values) or "(no values)"
    return f"{clause.key} {clause.operator} {shown}"


def context_keys(clauses: Sequence[ConditionClause]) -> frozenset[str]:
    """The context keys (lowercased) the clauses read, including keys of policy variables in
    values of operators that substitute variables (String, Bool, ARN)."""
    keys: set[str] = set()
    for clause in clauses:
        keys.add(clause.key.lower())
        op = parse_operator_name(clause.operator)
        if op is not None and (op.base is None or _BASE[op.base].family.parts is None):
            continue
        for v in clause.values:
            if isinstance(v, str) and has_variables(v):
                keys.update(variable_keys(v))
    return frozenset(keys)
