"""Finding the ARNs a Resource pattern matches (core.model.arn_index), one rule each.

IAM User Guide, "IAM JSON policy elements: Resource": "You can use wildcard characters (* and ?)
within any ARN segment"; ARNs are matched case-sensitively; a policy variable (``${aws:username}``)
is resolved per request, so every ARN with the pattern's literal prefix is a candidate.
"""

from __future__ import annotations

import pytest

from core.model.arn_index import ArnIndex, literal_prefix
from core.model.patterns import arn_matches

ROLE = "arn:aws:iam::111122223333:role/"
ARNS = [ROLE + n for n in ("app-a", "app-b", "App-c", "db", "team/app-d")]


@pytest.fixture
def index() -> ArnIndex[str]:
    return ArnIndex((a, a.rsplit("/", 1)[-1]) for a in reversed(ARNS))


@pytest.mark.parametrize(
    ("pattern", "prefix"),
    [
        (ROLE + "app-*", ROLE + "app-"),
        (ROLE + "app-?", ROLE + "app-"),
        (ROLE + "${aws:username}", ROLE),
        ("*", ""),
        (ROLE + "db", ROLE + "db"),
    ],
)
def test_literal_prefix_stops_at_the_first_wildcard_or_variable(pattern: str, prefix: str) -> None:
    assert literal_prefix(pattern) == prefix


def test_items_come_back_in_arn_order(index: ArnIndex[str]) -> None:
    assert len(index) == 5
    assert list(index.all()) == ["App-c", "app-a", "app-b", "db", "app-d"]


def test_star_spans_slashes_in_the_resource_part(index: ArnIndex[str]) -> None:
    assert index.matching([ROLE + "*/app-*"]) == ["app-d"]
    assert index.matching([ROLE + "*"]) == list(index.all())


def test_question_mark_is_one_character(index: ArnIndex[str]) -> None:
    assert index.matching([ROLE + "app-?"]) == ["app-a", "app-b"]


def test_matching_is_case_sensitive(index: ArnIndex[str]) -> None:
    assert index.matching([ROLE + "app-c"]) == []
    assert index.matching([ROLE + "App-c"]) == ["App-c"]


def test_several_patterns_give_each_item_once(index: ArnIndex[str]) -> None:
    assert index.matching([ROLE + "app-a", ROLE + "app-*", ROLE + "db"]) == ["app-a", "app-b", "db"]


def test_a_variable_keeps_every_item_with_the_prefix(index: ArnIndex[str]) -> None:
    assert index.matching([ROLE + "team/${aws:username}"]) == ["app-d"]


def test_other_accounts_arns_are_not_candidates(index: ArnIndex[str]) -> None:
    assert index.matching(["arn:aws:iam::999988887777:role/*"]) == []


ODD = [
    "arn:aws:iam::111122223333:role/app-a",
    "arn:aws:iam::444455556666:role/app-a",
    "arn:aws:iam::111122223333:user/app-a",
    "arn:aws:iam::111122223333:x:role/app-a",  # six colons: '*' at a segment's end spans one
    "arn:aws:iam::role/app-a",  # four colons
    "arn:aws:s3:::bucket/role/app-a",
    "arn:aws-cn:iam::111122223333:role/app-b",
]


@pytest.mark.parametrize(
    "pattern",
    [
        "arn:aws:iam::*:role/app-a",
        "arn:aws:iam::*:role/app-*",
        "arn:aws:iam::1111*:role/app-?",
        "arn:*:iam::*:role/app-a",
        "arn:aws:*:*:*:role/app-a",
        "arn:aws:iam::???????????3:role/app-a",
        "arn:aws:iam::*:*",
        "arn:aws:iam::*:role/app-a:extra",
        "arn:aws:iam::*:x:role/app-a",
    ],
)
def test_a_wildcard_before_the_resource_part_finds_exactly_what_matching_each_arn_finds(
    pattern: str,
) -> None:
    # The index may narrow by the resource part only when no match is lost: compared with
    # testing the pattern against every ARN (IAM User Guide: wildcards within any segment).
    index = ArnIndex((a, a) for a in ODD)
    assert index.matching([pattern]) == sorted(a for a in ODD if arn_matches(pattern, a))
