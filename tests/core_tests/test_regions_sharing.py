"""core.escalate.region_sets.possible_regions: one answer per requirement shape, never a
neighbour's.

The region is the caller's choice (``aws:RequestedRegion``, IAM User Guide, "AWS global
condition context keys"): a decision made with it unknown holds in the regions whose
conditions can be met. Decisions of different principals whose requirements hold the same
condition clauses share one computation; different clauses must not.
"""

from __future__ import annotations

from core.escalate.region_sets import RegionMemo, possible_regions
from core.evaluate.decision import Decision, PolicyRef
from core.evaluate.evaluator import PolicySet, Request, evaluate
from core.load.policy_parser import parse_policy
from core.model.context import RequestContext


def _doc(region: str) -> PolicyRef:
    doc = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "ec2:RunInstances",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:RequestedRegion": region}},
                }
            ],
        }
    )
    return PolicyRef(name=f"only-{region}", document=doc)


def _decide(principal: str, ref: PolicyRef) -> Decision:
    ctx = RequestContext.of({}, unknown_by_default=True)
    return evaluate(
        Request(principal, "ec2:RunInstances", "*", ctx),
        PolicySet(identity=(ref,), principal_kind="user", account_id="111122223333"),
    )


def test_same_document_for_two_principals_gives_the_same_regions() -> None:
    ref = _doc("eu-west-1")
    a = _decide("arn:aws:iam::111122223333:user/a", ref)
    b = _decide("arn:aws:iam::111122223333:user/b", ref)
    assert a is not b
    memo: RegionMemo = {}
    assert possible_regions(a, memo=memo) == frozenset({"eu-west-1"})
    assert possible_regions(b, memo=memo) == frozenset({"eu-west-1"})
    assert len(memo) == 1  # one computation for the shared shape
    assert possible_regions(b) == frozenset({"eu-west-1"})  # and the same answer without a memo


def test_other_clauses_are_not_confused_with_a_remembered_shape() -> None:
    first = _decide("arn:aws:iam::111122223333:user/a", _doc("eu-west-1"))
    other = _decide("arn:aws:iam::111122223333:user/a", _doc("us-east-2"))
    memo: RegionMemo = {}
    assert possible_regions(first, memo=memo) == frozenset({"eu-west-1"})
    assert possible_regions(other, memo=memo) == frozenset({"us-east-2"})
    assert len(memo) == 2
