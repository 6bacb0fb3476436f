"""In which regions a conditional decision can hold (core.escalate.region_sets, core.model.regions).

IAM User Guide, "AWS global condition context keys": ``aws:RequestedRegion`` is the region the
request is made to, the caller's choice. "Policy evaluation logic": an explicit Deny (the usual
region-lock SCP ``StringNotEquals aws:RequestedRegion``) wins wherever it matches.
"""

from __future__ import annotations

from core.escalate.region_sets import ALL_REGIONS, describe_regions, possible_regions
from core.model.regions import DEFAULT_REGION, REGIONS
from tests.core_tests.decisions import ACCT, decide, statement


def test_regions_are_distinct_and_include_the_default() -> None:
    assert len(set(REGIONS)) == len(REGIONS)
    assert DEFAULT_REGION in REGIONS


def test_unconditional_allow_holds_everywhere_and_deny_nowhere() -> None:
    assert possible_regions(decide(statement("Allow"))) == ALL_REGIONS
    assert possible_regions(decide()) == frozenset()


def test_allow_only_in_listed_regions() -> None:
    d = decide(
        statement("Allow", StringEquals={"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]})
    )
    assert possible_regions(d) == {"eu-west-1", "eu-central-1"}


def test_region_lock_deny_leaves_only_the_allowed_region() -> None:
    d = decide(
        statement("Allow"),
        statement("Deny", StringNotEquals={"aws:RequestedRegion": "us-east-1"}),
    )
    assert possible_regions(d) == {"us-east-1"}


def test_like_patterns_select_region_families() -> None:
    d = decide(statement("Allow", StringLike={"aws:RequestedRegion": "ap-*"}))
    assert possible_regions(d) == {r for r in REGIONS if r.startswith("ap-")}


def test_associated_resource_arn_names_the_region() -> None:
    """The ARN the service presents carries the region, so a condition on it limits regions."""
    d = decide(
        statement(
            "Allow",
            ArnLike={"iam:AssociatedResourceARN": f"arn:aws:ec2:eu-west-1:{ACCT}:instance/*"},
        )
    )

    def template(region: str) -> str:
        return f"arn:aws:ec2:{region}:{ACCT}:instance/*"

    assert possible_regions(d, template) == {"eu-west-1"}


def test_a_condition_not_about_regions_keeps_every_region() -> None:
    d = decide(statement("Allow", IpAddress={"aws:SourceIp": "10.0.0.0/8"}))
    assert possible_regions(d) == ALL_REGIONS


def test_describe_regions_names_only_a_subset_in_table_order() -> None:
    assert describe_regions(ALL_REGIONS) is None
    assert describe_regions(frozenset({"eu-west-1", "us-east-1"})) == (
        "only in us-east-1, eu-west-1"
    )
