"""Typed ``ContextEntry`` values are read as the condition operators read them.

IAM API reference, "ContextEntry": ``ContextKeyType`` is one of string, numeric, boolean, ip,
binary, date (each also as a List). ``simulate`` rejects a value that is not of its type with a
located error; since ``core.explain.simulate`` reads values with
``core.evaluate.conditions.VALUE_READERS``,
a value it accepts is one the matching operator family (IAM User Guide, "Condition operators")
can compare, and a value it rejects is one that family would never match.
"""

from __future__ import annotations

import json

import pytest

from core.evaluate.conditions import VALUE_READERS, evaluate_clause
from core.explain.simulate import SimulateError, parse_context_entries
from core.model.account import ConditionClause
from core.model.context import RequestContext
from core.model.tri import Tri

# (type, value as given, value as stored) for values the types accept; the same results as
# the second parser simulate.py had before it reused conditions.py's.
ACCEPTED = [
    ("string", " any text ", " any text "),
    ("numeric", " 1 ", "1"),
    ("numeric", "-1.5", "-1.5"),
    ("numeric", "+.5", "+.5"),
    ("numeric", "1.", "1."),
    ("boolean", " TRUE ", "true"),
    ("boolean", "False", "false"),
    ("ip", "10.0.0.1", "10.0.0.1"),
    ("ip", " 10.0.0.0/8 ", "10.0.0.0/8"),
    ("ip", "2001:db8::/32", "2001:db8::/32"),
    ("date", "2026-12-01", "2026-12-01"),
    ("date", " 2026-12-01T00:00:00Z ", "2026-12-01T00:00:00Z"),
    ("date", "2026-12-01T00:00:00+01:00", "2026-12-01T00:00:00+01:00"),
    ("date", "1700000000", "1700000000"),
    ("date", "-17", "-17"),
    ("binary", "QQ==", "QQ=="),
    ("binary", "YWJj", "YWJj"),
]

REJECTED = [
    ("numeric", "1e5"),  # "Numeric condition operators": integers and decimals, no exponent
    ("numeric", "0x10"),
    ("numeric", "."),
    ("numeric", "1.5.5"),
    ("boolean", "yes"),
    ("ip", "300.1.1.1"),
    ("ip", "10.0.0.1/33"),
    ("date", "2026-13-01"),
    ("date", "1e10"),
    ("date", "99999999999999999999"),  # epoch seconds beyond any date: no Date* can compare it
    ("date", "9999-12-31T23:59:59-01:00"),  # past year 9999 in UTC
    ("binary", "YWJ"),
    ("binary", "not base64!"),
]


def _entries(kind: str, value: str) -> str:
    return json.dumps(
        [{"ContextKeyName": "svc:Key", "ContextKeyValues": [value], "ContextKeyType": kind}]
    )


@pytest.mark.parametrize(("kind", "given", "stored"), ACCEPTED)
def test_accepted_value_is_normalised(kind: str, given: str, stored: str) -> None:
    assert parse_context_entries(_entries(kind, given)) == {"svc:Key": stored}
    list_kind = f"{kind}List"
    assert parse_context_entries(_entries(list_kind, given)) == {"svc:Key": [stored]}


@pytest.mark.parametrize(("kind", "value"), REJECTED)
def test_rejected_value_names_entry_and_type(kind: str, value: str) -> None:
    with pytest.raises(SimulateError, match=rf"\[1\]\.ContextKeyValues\[1\]: .* is not a {kind}"):
        parse_context_entries(_entries(kind, value))


@pytest.mark.parametrize(("kind", "value"), [(k, v) for k, _, v in ACCEPTED if k != "string"])
def test_accepted_values_are_readable_by_their_operators(kind: str, value: str) -> None:
    assert VALUE_READERS[kind](value) is not None


@pytest.mark.parametrize(("kind", "value"), REJECTED)
def test_rejected_values_are_unreadable_by_their_operators(kind: str, value: str) -> None:
    assert VALUE_READERS[kind](value) is None


_OPERATOR = {
    "numeric": "NumericEquals",
    "date": "DateEquals",
    "boolean": "Bool",
    "binary": "BinaryEquals",
}


@pytest.mark.parametrize(
    ("kind", "value"), [(k, v) for k, v in REJECTED if k in _OPERATOR], ids=str
)
def test_rejected_value_never_matches_in_a_policy_either(kind: str, value: str) -> None:
    """[ops]: a policy value that cannot be read as the operator's type matches nothing (and a
    value out of range is no traceback)."""
    clause = ConditionClause(_OPERATOR[kind], "svc:Key", (value,))
    assert evaluate_clause(clause, RequestContext.of({"svc:Key": value}), variables=False) is (
        Tri.FALSE
    )


def test_date_policy_value_past_year_9999_in_utc_matches_nothing() -> None:
    """IAM User Guide, "Date condition operators": ``DateLessThan`` a date that cannot be
    moved to UTC is no date; the clause is false, not an error."""
    clause = ConditionClause("DateLessThan", "aws:CurrentTime", ("9999-12-31T23:59:59-01:00",))
    ctx = RequestContext.of({"aws:CurrentTime": "2026-12-01T00:00:00Z"})
    assert evaluate_clause(clause, ctx, variables=False) is Tri.FALSE


@pytest.mark.parametrize(
    ("first", "second"),
    [((1, "1"), (True, "true")), ((True, "true"), (1, "1")), ((1, "1"), (1.0, "1.0"))],
    ids=["1-then-true", "true-then-1", "1-then-1.0"],
)
def test_json_values_equal_in_python_are_distinct_in_a_policy(
    first: tuple[int | float | bool, str], second: tuple[int | float | bool, str]
) -> None:
    """IAM User Guide, "Condition operators": ``StringEquals`` compares text, and a JSON
    ``true`` is the text ``true``, ``1`` is ``1``. Python's ``1 == 1.0 == True`` must not let one
    clause's compiled (cached) form answer for the other, whichever is evaluated first."""
    for value, text in (first, second):
        clause = ConditionClause("StringEquals", "svc:Key", (value,))
        ctx = RequestContext.of({"svc:Key": text})
        assert evaluate_clause(clause, ctx, variables=False) is Tri.TRUE
