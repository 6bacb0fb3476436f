"""Which condition keys the caller chooses (core.evaluate.caller_keys), one rule each.

IAM User Guide, "AWS global condition context keys": ``aws:RequestedRegion`` is "the AWS Region
that was called in the request" and ``aws:RequestTag/``, ``aws:TagKeys`` are the tags "passed in
the request" (the caller's choice); ``aws:SourceIp``, ``aws:MultiFactorAuthPresent``,
``aws:CurrentTime`` and ``aws:PrincipalOrgID`` describe the caller's network, session, time and
organization (not chosen by the request). Service-specific keys carry the call's own parameters.
"""

from __future__ import annotations

import pytest

from core.evaluate.caller_keys import (
    DIRECT_CALL_ABSENT,
    DIRECT_CALL_FACTS,
    UNCONTROLLED,
    caller_controls,
)


@pytest.mark.parametrize(
    "key",
    [
        "aws:RequestedRegion",
        "aws:RequestTag/team",
        "aws:TagKeys",
        "aws:SourceArn",
        "aws:SourceAccount",
        "iam:AssociatedResourceARN",
        "ec2:InstanceType",  # a service key: a parameter of the call
        "lambda:FunctionArn",
    ],
)
def test_keys_the_request_itself_sets_are_the_callers_choice(key: str) -> None:
    assert caller_controls(key)


@pytest.mark.parametrize(
    "key",
    [
        "aws:SourceIp",
        "aws:MultiFactorAuthPresent",
        "aws:CurrentTime",
        "aws:PrincipalOrgID",
        "aws:PrincipalTag/team",  # unlisted global keys describe the principal: not chosen
        "aws:ResourceTag/team",
        "iam:PassedToService",  # fixed by the service the role is passed to
        "sts:ExternalId",
    ],
)
def test_keys_about_the_caller_or_its_environment_are_not_chosen(key: str) -> None:
    assert not caller_controls(key)


def test_condition_keys_are_case_insensitive() -> None:
    """IAM User Guide, "IAM JSON policy elements: Condition": "Condition key names are not
    case-sensitive"."""
    assert caller_controls("AWS:REQUESTEDREGION")
    assert not caller_controls("AWS:SOURCEIP")


def test_direct_call_keys_are_neither_chosen_nor_unknown() -> None:
    """A principal calling an API itself: TLS is used, no service calls on its behalf."""
    assert DIRECT_CALL_FACTS["aws:ViaAWSService"] == "false"
    assert {"aws:calledvia", "aws:calledviafirst", "aws:calledvialast"} == DIRECT_CALL_ABSENT
    assert all(k == k.lower() for k in UNCONTROLLED)
