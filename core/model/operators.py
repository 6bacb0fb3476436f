"""Condition operator names AWS accepts: the grammar the policy parser and the evaluator share.

IAM User Guide, "IAM JSON policy elements: Condition operators": operator names are
case-sensitive; every operator except ``Null`` may end in ``IfExists``; ``ForAllValues:`` and
``ForAnyValue:`` qualify a multivalued key ("Multivalued context keys"). What each base operator
*does* is :mod:`core.evaluate.conditions`'s table, which covers exactly :data:`BASE_OPERATORS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Final

_COMPARISONS: Final = (
    "Equals",
    "NotEquals",
    "LessThan",
    "LessThanEquals",
    "GreaterThan",
    "GreaterThanEquals",
)

BASE_OPERATORS: Final[frozenset[str]] = frozenset(
    {
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
        *(f"Numeric{c}" for c in _COMPARISONS),
        *(f"Date{c}" for c in _COMPARISONS),
        "Bool",
        "BinaryEquals",
        "IpAddress",
        "NotIpAddress",
        "ArnEquals",
        "ArnLike",
        "ArnNotEquals",
        "ArnNotLike",
    }
)
"""Operator names without modifiers (``Null`` apart: it takes none)."""

NULL: Final = "Null"
IF_EXISTS: Final = "IfExists"
QUANTIFIERS: Final[dict[str, str]] = {"ForAllValues:": "all", "ForAnyValue:": "any"}


@dataclass(frozen=True, slots=True)
class OperatorName:
    """An operator name split into its parts."""

    base: str | None
    """One of :data:`BASE_OPERATORS`; ``None`` for ``Null``."""
    quantifier: str | None = None
    """``"all"`` (``ForAllValues:``), ``"any"`` (``ForAnyValue:``) or ``None``."""
    if_exists: bool = False


@lru_cache(maxsize=512)
def parse_operator_name(text: str) -> OperatorName | None:
    """``ForAnyValue:StringLikeIfExists`` -> its parts; ``None`` when AWS would reject it."""
    if text == NULL:
        return OperatorName(None)
    quantifier = None
    for prefix, q in QUANTIFIERS.items():
        if text.startswith(prefix):
            quantifier, text = q, text[len(prefix) :]
            break
    if_exists = text.endswith(IF_EXISTS)
    if if_exists:
        text = text[: -len(IF_EXISTS)]
    if text not in BASE_OPERATORS:
        return None
    return OperatorName(text, quantifier, if_exists)


def is_known_operator(operator: str) -> bool:
    """Whether AWS accepts the condition operator (case-sensitive, with its modifiers)."""
    return parse_operator_name(operator) is not None
