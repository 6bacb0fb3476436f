"""``core.model.operators``: the operator-name grammar the parser and the evaluator share.

IAM User Guide, "IAM JSON policy elements: Condition operators": names are case-sensitive, any
operator but ``Null`` may end in ``IfExists``, and ``ForAllValues:``/``ForAnyValue:`` qualify
multivalued keys.
"""

from __future__ import annotations

import pytest

from core.evaluate.conditions import _BASE
from core.model.operators import BASE_OPERATORS, OperatorName, parse_operator_name


def test_the_evaluator_implements_exactly_the_operators_the_parser_accepts() -> None:
    assert set(_BASE) == BASE_OPERATORS


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("Null", OperatorName(None)),
        ("StringLike", OperatorName("StringLike")),
        ("ForAnyValue:StringLikeIfExists", OperatorName("StringLike", "any", True)),
        ("ForAllValues:ArnEquals", OperatorName("ArnEquals", "all", False)),
        ("DateGreaterThanEqualsIfExists", OperatorName("DateGreaterThanEquals", None, True)),
        # Names are case-sensitive; Null takes no modifier; a quantifier needs its colon.
        ("stringequals", None),
        ("NullIfExists", None),
        ("ForAnyValue:Null", None),
        ("ForAnyValueStringEquals", None),
        ("IfExists", None),
    ],
)
def test_operator_names_split_into_quantifier_base_and_if_exists(
    text: str, parsed: OperatorName | None
) -> None:
    assert parse_operator_name(text) == parsed
