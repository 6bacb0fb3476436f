"""Conformance tests for the condition operator engine (core.conditions).

Row ids name the rule. References (IAM User Guide):
[ops]   "IAM JSON policy elements: Condition operators"
        https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
[multi] "Conditions with multiple context keys or values" (values OR; negated operators NOR)
        https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
[sets]  "Single-valued vs. multivalued context keys" (ForAllValues true when no key)
        https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
[vars]  "IAM policy elements: Variables and tags"
        https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
Operator names are case-sensitive: AWS answers "MalformedPolicyDocument: Invalid Condition
type : stringEquals" (ministryofjustice/modernisation-platform-environments PR #8893).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from core.conditions import (
    context_keys,
    describe_clause,
    evaluate_clause,
    evaluate_conditions,
    is_known_operator,
)
from core.context import RequestContext
from core.model import ConditionClause
from core.tri import Tri

T, F, U = Tri.TRUE, Tri.FALSE, Tri.UNKNOWN
ABSENT = object()
K = "svc:Key"


@dataclass(frozen=True)
class Row:
    id: str
    operator: str
    values: tuple[str | int | float | bool, ...]
    request: object
    """The value of ``svc:Key`` in the request (str or list), ``ABSENT`` or ``"?"`` (unknown)."""
    expected: Tri
    extra: dict[str, object] = field(default_factory=dict)
    unknown: tuple[str, ...] = ()
    variables: bool = True


def r(
    id: str,
    operator: str,
    values: object,
    request: object,
    expected: Tri,
    **kw: object,
) -> Row:
    vals = tuple(values) if isinstance(values, list) else (values,)
    return Row(id, operator, vals, request, expected, **kw)  # type: ignore[arg-type]


ARN = "arn:aws:iam::111122223333:role/service-role/app"
S3 = "arn:aws:s3:::bucket/a:b/c"

ROWS = [
    # --- String [ops] "String condition operators" ---------------------------------------
    r("StringEquals/exact-match", "StringEquals", "ec2.amazonaws.com", "ec2.amazonaws.com", T),
    r("StringEquals/case-sensitive", "StringEquals", "Ec2.amazonaws.com", "ec2.amazonaws.com", F),
    r("StringEquals/no-wildcards", "StringEquals", "ec2.*", "ec2.amazonaws.com", F),
    r("StringEquals/star-literal-equal", "StringEquals", "a*", "a*", T),
    r("StringEquals/values-are-OR[multi]", "StringEquals", ["a", "b"], "b", T),
    r("StringEquals/none-of-values", "StringEquals", ["a", "b"], "c", F),
    r("StringEquals/absent-key-false[ops]", "StringEquals", "a", ABSENT, F),
    r("StringNotEquals/differs", "StringNotEquals", "a", "b", T),
    r("StringNotEquals/equal", "StringNotEquals", "a", "a", F),
    r("StringNotEquals/values-are-NOR[multi]", "StringNotEquals", ["a", "b"], "b", F),
    r("StringNotEquals/NOR-none-match", "StringNotEquals", ["a", "b"], "c", T),
    r("StringNotEquals/absent-key-true[ops]", "StringNotEquals", "a", ABSENT, T),
    r("StringNotEquals/case-sensitive", "StringNotEquals", "A", "a", T),
    r("StringEqualsIgnoreCase/ignores-case", "StringEqualsIgnoreCase", "PROD", "prod", T),
    r("StringEqualsIgnoreCase/differs", "StringEqualsIgnoreCase", "prod", "dev", F),
    r(
        "StringNotEqualsIgnoreCase/same-ignoring-case",
        "StringNotEqualsIgnoreCase",
        "PROD",
        "prod",
        F,
    ),
    r("StringNotEqualsIgnoreCase/absent-true[ops]", "StringNotEqualsIgnoreCase", "x", ABSENT, T),
    r("StringLike/star", "StringLike", "ec2.*", "ec2.amazonaws.com", T),
    r("StringLike/question-one-char", "StringLike", "a?c", "abc", T),
    r("StringLike/question-not-two", "StringLike", "a?c", "abbc", F),
    r("StringLike/star-spans-colons", "StringLike", "arn:*", "arn:aws:s3:::b", T),
    r("StringLike/case-sensitive", "StringLike", "EC2.*", "ec2.amazonaws.com", F),
    r("StringLike/whole-string", "StringLike", "ec2", "ec2.amazonaws.com", F),
    r("StringLike/values-OR", "StringLike", ["x*", "ec2*"], "ec2.amazonaws.com", T),
    r("StringLike/regex-chars-literal", "StringLike", "a.c(", "a.c(", T),
    r("StringLike/regex-dot-not-wildcard", "StringLike", "a.c", "abc", F),
    r("StringNotLike/matches", "StringNotLike", "dev-*", "dev-1", F),
    r("StringNotLike/no-match", "StringNotLike", "dev-*", "prod-1", T),
    r("StringNotLike/NOR[multi]", "StringNotLike", ["dev-*", "prod-*"], "prod-1", F),
    r("StringNotLike/absent-true[ops]", "StringNotLike", "dev-*", ABSENT, T),
    # --- Numeric [ops] "Numeric condition operators" -------------------------------------
    r("NumericEquals/int", "NumericEquals", "10", "10", T),
    r("NumericEquals/decimal-equal-int", "NumericEquals", "10", "10.0", T),
    r("NumericEquals/json-number-value", "NumericEquals", 10, "10", T),
    r("NumericEquals/json-float-value", "NumericEquals", 1.2, "1.20", T),
    r("NumericNotEquals/differs", "NumericNotEquals", "10", "11", T),
    r("NumericNotEquals/equal", "NumericNotEquals", ["10", "11"], "11", F),
    r("NumericNotEquals/absent-true[ops]", "NumericNotEquals", "10", ABSENT, T),
    r("NumericLessThan/less", "NumericLessThan", "3600", "100", T),
    r("NumericLessThan/equal-is-not-less", "NumericLessThan", "3600", "3600", F),
    r("NumericLessThanEquals/equal", "NumericLessThanEquals", "3600", "3600", T),
    r("NumericGreaterThan/numeric-not-lexical", "NumericGreaterThan", "9", "10", T),
    r("NumericGreaterThanEquals/less", "NumericGreaterThanEquals", "10", "9.5", F),
    r("NumericLessThan/negative", "NumericLessThan", "0", "-1", T),
    r("NumericLessThan/absent-false[ops]", "NumericLessThan", "10", ABSENT, F),
    r("Numeric/non-number-request-no-match", "NumericEquals", "10", "ten", F),
    r("Numeric/non-number-policy-no-match", "NumericEquals", "ten", "10", F),
    r("Numeric/bad-policy-value-skipped", "NumericEquals", ["ten", "10"], "10", T),
    r("Numeric/no-exponent-or-nan", "NumericEquals", "nan", "nan", F),
    r("NumericNotEquals/mismatch-is-complement", "NumericNotEquals", "10", "ten", T),
    # --- Date [ops] "Date condition operators" --------------------------------------------
    r("DateEquals/iso", "DateEquals", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z", T),
    r(
        "DateEquals/instant-across-offsets",
        "DateEquals",
        "2020-01-01T01:00:00+01:00",
        "2020-01-01T00:00:00Z",
        T,
    ),
    r("DateEquals/epoch-vs-iso", "DateEquals", "1577836800", "2020-01-01T00:00:00Z", T),
    r("DateEquals/json-number-epoch", "DateEquals", 1577836800, "2020-01-01T00:00:00Z", T),
    r(
        "DateEquals/date-only-is-midnight-utc",
        "DateEquals",
        "2020-01-01",
        "2020-01-01T00:00:00Z",
        T,
    ),
    r(
        "DateEquals/fractional-seconds",
        "DateEquals",
        "2020-01-01T00:00:00.000Z",
        "2020-01-01T00:00:00Z",
        T,
    ),
    r("DateLessThan/before", "DateLessThan", "2020-01-01T00:00:00Z", "2019-12-31T23:59:59Z", T),
    r("DateLessThan/after", "DateLessThan", "2020-01-01T00:00:00Z", "2020-01-01T00:00:01Z", F),
    r("DateLessThanEquals/equal", "DateLessThanEquals", "2020-01-01T00:00:00Z", "1577836800", T),
    r("DateGreaterThan/epoch-request", "DateGreaterThan", "2020-01-01T00:00:00Z", "1577836801", T),
    r("DateGreaterThanEquals/before", "DateGreaterThanEquals", "2020-01-01", "2019-06-01", F),
    r("DateNotEquals/differs", "DateNotEquals", "2020-01-01", "2021-01-01", T),
    r("DateNotEquals/absent-true[ops]", "DateNotEquals", "2020-01-01", ABSENT, T),
    r("DateGreaterThan/absent-false[ops]", "DateGreaterThan", "2020-01-01", ABSENT, F),
    r("Date/not-a-date-no-match", "DateLessThan", "2020-01-01", "yesterday", F),
    r("Date/bad-policy-date-no-match", "DateGreaterThan", "not-a-date", "2020-01-01", F),
    # --- Bool [ops] "Boolean condition operators" -----------------------------------------
    r("Bool/true", "Bool", "true", "true", T),
    r("Bool/false-vs-true", "Bool", "false", "true", F),
    r("Bool/json-true-value", "Bool", True, "true", T),
    r("Bool/json-false-value", "Bool", False, "false", T),
    r("Bool/case-insensitive", "Bool", "True", "true", T),
    r("Bool/absent-false[ops]", "Bool", "false", ABSENT, F),
    r("Bool/non-boolean-policy-no-match", "Bool", "yes", "yes", F),
    r("BoolIfExists/absent-true[ops-IfExists]", "BoolIfExists", "true", ABSENT, T),
    r("BoolIfExists/present-false", "BoolIfExists", "true", "false", F),
    # --- Binary [ops] "Binary condition operators" ----------------------------------------
    r("BinaryEquals/same-bytes", "BinaryEquals", "QmluYXJ5VmFsdWU=", "QmluYXJ5VmFsdWU=", T),
    r("BinaryEquals/different-bytes", "BinaryEquals", "QmluYXJ5VmFsdWU=", "b3RoZXI=", F),
    r("BinaryEquals/bad-base64-no-match", "BinaryEquals", "!!", "!!", F),
    r("BinaryEquals/absent-false[ops]", "BinaryEquals", "b3RoZXI=", ABSENT, F),
    # --- IP [ops] "IP address condition operators" ----------------------------------------
    r("IpAddress/in-cidr", "IpAddress", "203.0.113.0/24", "203.0.113.7", T),
    r("IpAddress/outside-cidr", "IpAddress", "203.0.113.0/24", "203.0.114.7", F),
    r("IpAddress/bare-address-is-32", "IpAddress", "203.0.113.7", "203.0.113.7", T),
    r("IpAddress/bare-address-not-neighbour", "IpAddress", "203.0.113.7", "203.0.113.8", F),
    r("IpAddress/ipv6-cidr", "IpAddress", "2001:db8::/32", "2001:db8:1234::1", T),
    r("IpAddress/ipv6-outside", "IpAddress", "2001:db8::/32", "2001:db9::1", F),
    r("IpAddress/ipv6-bare-is-128", "IpAddress", "2001:db8::1", "2001:db8::1", T),
    r("IpAddress/v4-request-v6-policy", "IpAddress", "2001:db8::/32", "203.0.113.7", F),
    r("IpAddress/values-OR", "IpAddress", ["10.0.0.0/8", "192.168.0.0/16"], "192.168.1.1", T),
    r("IpAddress/bad-cidr-no-match", "IpAddress", "10.0.0.0/33", "10.0.0.1", F),
    r("IpAddress/host-bits-set-accepted", "IpAddress", "10.1.2.3/8", "10.200.0.1", T),
    r("NotIpAddress/outside", "NotIpAddress", "203.0.113.0/24", "198.51.100.1", T),
    r("NotIpAddress/inside", "NotIpAddress", ["10.0.0.0/8", "203.0.113.0/24"], "203.0.113.1", F),
    r("NotIpAddress/absent-true[ops]", "NotIpAddress", "203.0.113.0/24", ABSENT, T),
    # --- ARN [ops] "Amazon Resource Name (ARN) condition operators" -----------------------
    r("ArnEquals/exact", "ArnEquals", ARN, ARN, T),
    r("ArnEquals/takes-wildcards-too", "ArnEquals", "arn:aws:iam::*:role/*", ARN, T),
    r("ArnLike/account-wildcard", "ArnLike", "arn:aws:iam::111122223333:role/*", ARN, T),
    r("ArnLike/case-sensitive", "ArnLike", "arn:aws:iam::111122223333:role/Service-Role/*", ARN, F),
    r("ArnLike/star-stays-in-component", "ArnLike", "arn:aws:*:role/*", ARN, F),
    r("ArnLike/six-components-each-checked", "ArnLike", "arn:*:*:*:*:*", ARN, T),
    r("ArnLike/last-component-keeps-colons", "ArnLike", "arn:aws:s3:::bucket/*", S3, T),
    r("ArnLike/question-in-component", "ArnLike", "arn:aws:iam::11112222333?:role/*", ARN, T),
    r("ArnLike/question-not-a-colon", "ArnLike", "arn:aws:iam?:111122223333:role/*", ARN, F),
    r("ArnLike/policy-too-few-components", "ArnLike", "arn:aws:iam::*", ARN, F),
    r("ArnLike/request-not-an-arn", "ArnLike", "arn:aws:iam::*:role/*", "not-an-arn", F),
    r("ArnLike/absent-false[ops]", "ArnLike", "arn:aws:iam::*:role/*", ABSENT, F),
    r("ArnNotEquals/differs", "ArnNotEquals", "arn:aws:iam::*:role/other", ARN, T),
    r("ArnNotLike/matches", "ArnNotLike", "arn:aws:iam::*:role/service-role/*", ARN, F),
    r(
        "ArnNotLike/NOR[multi]",
        "ArnNotLike",
        ["arn:aws:iam::*:user/*", "arn:aws:iam::*:role/*"],
        ARN,
        F,
    ),
    r("ArnNotLike/absent-true[ops]", "ArnNotLike", "arn:aws:iam::*:role/*", ABSENT, T),
    # --- Null [ops] "Condition operator to check existence of condition keys" -------------
    r("Null/true-when-absent", "Null", "true", ABSENT, T),
    r("Null/true-but-present", "Null", "true", "x", F),
    r("Null/false-when-present", "Null", "false", "x", T),
    r("Null/false-but-absent", "Null", "false", ABSENT, F),
    r("Null/json-bool-value", "Null", True, ABSENT, T),
    r("Null/empty-list-is-null", "Null", "true", [], T),
    r("Null/unknown-key", "Null", "true", "?", U),
    # --- IfExists [ops] "...IfExists condition operators" ----------------------------------
    r("StringEqualsIfExists/absent-true", "StringEqualsIfExists", "a", ABSENT, T),
    r("StringEqualsIfExists/present-match", "StringEqualsIfExists", "a", "a", T),
    r("StringEqualsIfExists/present-mismatch", "StringEqualsIfExists", "a", "b", F),
    r("StringNotEqualsIfExists/present-equal", "StringNotEqualsIfExists", "a", "a", F),
    r("NumericLessThanIfExists/absent-true", "NumericLessThanIfExists", "5", ABSENT, T),
    r("ArnLikeIfExists/absent-true", "ArnLikeIfExists", "arn:aws:iam::*:role/*", ABSENT, T),
    r("IpAddressIfExists/absent-true", "IpAddressIfExists", "10.0.0.0/8", ABSENT, T),
    r("StringLikeIfExists/unknown-stays-unknown", "StringLikeIfExists", "a*", "?", U),
    # --- set operators [sets] "Condition set operators for multivalued context keys" ------
    r("ForAllValues/subset-true", "ForAllValues:StringEquals", ["a", "b", "c"], ["a", "c"], T),
    r("ForAllValues/one-outside-false", "ForAllValues:StringEquals", ["a", "b"], ["a", "z"], F),
    r("ForAllValues/absent-key-true[sets]", "ForAllValues:StringEquals", ["a"], ABSENT, T),
    r("ForAllValues/empty-list-true[sets]", "ForAllValues:StringEquals", ["a"], [], T),
    r(
        "ForAllValues/StringLike",
        "ForAllValues:StringLike",
        "Created*",
        ["CreatedBy", "CreatedAt"],
        T,
    ),
    r(
        "ForAllValues:StringNotLike/none-match-true",
        "ForAllValues:StringNotLike",
        "key1*",
        ["key2:audit"],
        T,
    ),
    r(
        "ForAllValues:StringNotLike/one-matches-false",
        "ForAllValues:StringNotLike",
        "key1*",
        ["key1:hr", "key2:x"],
        F,
    ),
    r(
        "ForAllValues:StringNotLike/absent-true[sets]",
        "ForAllValues:StringNotLike",
        "key1*",
        ABSENT,
        T,
    ),
    r(
        "ForAllValues:StringNotEquals/every-value-equals-none",
        "ForAllValues:StringNotEquals",
        ["DataClass", "Owner"],
        ["Dept", "SIC"],
        T,
    ),
    r(
        "ForAllValues:StringNotEquals/one-equals-false",
        "ForAllValues:StringNotEquals",
        ["DataClass", "Owner"],
        ["Dept", "DataClass"],
        F,
    ),
    r("ForAnyValue/one-match-true", "ForAnyValue:StringEquals", ["a", "b"], ["z", "b"], T),
    r("ForAnyValue/no-match-false", "ForAnyValue:StringEquals", ["a", "b"], ["y", "z"], F),
    r("ForAnyValue/absent-key-false[sets]", "ForAnyValue:StringEquals", ["a"], ABSENT, F),
    r("ForAnyValue/empty-list-false[sets]", "ForAnyValue:StringEquals", ["a"], [], F),
    r(
        "ForAnyValue:StringNotEquals/one-not-listed-true",
        "ForAnyValue:StringNotEquals",
        ["DataClass", "Owner"],
        ["Dept", "DataClass"],
        T,
    ),
    r(
        "ForAnyValue:StringNotEquals/all-listed-false",
        "ForAnyValue:StringNotEquals",
        ["DataClass", "Owner"],
        ["DataClass", "Owner"],
        F,
    ),
    r(
        "ForAnyValue:StringNotEquals/absent-false[sets]",
        "ForAnyValue:StringNotEquals",
        ["a"],
        ABSENT,
        F,
    ),
    r(
        "ForAnyValue:StringLikeIfExists/absent-true[ops-IfExists]",
        "ForAnyValue:StringLikeIfExists",
        "a*",
        ABSENT,
        T,
    ),
    r(
        "ForAnyValue:StringLikeIfExists/present-match",
        "ForAnyValue:StringLikeIfExists",
        "a*",
        ["x", "ab"],
        T,
    ),
    r(
        "ForAllValues:ArnLike/all-roles",
        "ForAllValues:ArnLike",
        "arn:aws:iam::*:role/*",
        [ARN, "arn:aws:iam::1:role/x"],
        T,
    ),
    r(
        "ForAnyValue:IpAddress/one-inside",
        "ForAnyValue:IpAddress",
        "10.0.0.0/8",
        ["192.168.0.1", "10.1.1.1"],
        T,
    ),
    r(
        "ForAllValues:NumericLessThan/one-too-big",
        "ForAllValues:NumericLessThan",
        "10",
        ["1", "11"],
        F,
    ),
    # --- single-valued operator on a multivalued request (documented choice) --------------
    r("multivalued-no-prefix/positive-any-matches", "StringEquals", "a", ["z", "a"], T),
    r("multivalued-no-prefix/positive-none-matches", "StringEquals", "a", ["y", "z"], F),
    r("multivalued-no-prefix/negated-complement", "StringNotEquals", "a", ["z", "a"], F),
    r("multivalued-no-prefix/negated-none-match", "StringNotEquals", "a", ["y", "z"], T),
    r("empty-list-no-prefix/positive-false", "StringEquals", "a", [], F),
    r("empty-list-no-prefix/negated-true", "StringNotEquals", "a", [], T),
    # --- unknown keys give UNKNOWN --------------------------------------------------------
    r("unknown-key/StringEquals", "StringEquals", "a", "?", U),
    r("unknown-key/StringNotEquals", "StringNotEquals", "a", "?", U),
    r("unknown-key/ForAllValues", "ForAllValues:StringEquals", "a", "?", U),
    r("unknown-key/IpAddress", "IpAddress", "10.0.0.0/8", "?", U),
    # --- unknown operators ----------------------------------------------------------------
    r("unknown-operator/misspelled", "StringEqual", "a", "a", U),
    r("unknown-operator/lowercase[case-sensitive]", "stringEquals", "a", "a", U),
    r("unknown-operator/NullIfExists", "NullIfExists", "true", ABSENT, U),
    r("unknown-operator/prefix-on-Null", "ForAllValues:Null", "true", ABSENT, U),
    r("unknown-operator/BinaryNotEquals", "BinaryNotEquals", "b3RoZXI=", "x", U),
    # --- policy variables [vars] ----------------------------------------------------------
    r(
        "vars/StringEquals-substituted",
        "StringEquals",
        "${aws:username}",
        "alice",
        T,
        extra={"aws:username": "alice"},
    ),
    r(
        "vars/StringEquals-other-user",
        "StringEquals",
        "${aws:username}",
        "bob",
        F,
        extra={"aws:username": "alice"},
    ),
    r(
        "vars/version-2008-literal",
        "StringEquals",
        "${aws:username}",
        "${aws:username}",
        T,
        extra={"aws:username": "alice"},
        variables=False,
    ),
    r(
        "vars/version-2008-not-substituted",
        "StringEquals",
        "${aws:username}",
        "alice",
        F,
        extra={"aws:username": "alice"},
        variables=False,
    ),
    r(
        "vars/default-used-when-absent",
        "StringEquals",
        "${aws:PrincipalTag/team, 'none'}",
        "none",
        T,
    ),
    r(
        "vars/default-unused-when-present",
        "StringEquals",
        "${aws:PrincipalTag/team, 'none'}",
        "none",
        F,
        extra={"aws:PrincipalTag/team": "red"},
    ),
    r(
        "vars/no-value-no-default-matches-nothing",
        "StringEquals",
        "${aws:PrincipalTag/team}",
        "",
        F,
    ),
    # "Variables and tags": "If AWS cannot resolve a variable this might cause the entire
    # statement to be invalid" -- the clause is false whatever the other values or the negation.
    r(
        "vars/no-value-invalidates-even-with-another-value",
        "StringEquals",
        ["${aws:PrincipalTag/team}", "x"],
        "x",
        F,
    ),
    r(
        "vars/no-value-negated-is-false-too",
        "StringNotEquals",
        "${aws:PrincipalTag/team}",
        "x",
        F,
    ),
    r(
        "vars/no-value-arn-negated-is-false-too",
        "ArnNotLike",
        "arn:aws:iam::111122223333:user/${aws:username}",
        "arn:aws:iam::111122223333:user/bob",
        F,
    ),
    r(
        "vars/no-value-ifexists-keeps-the-statement-valid",
        "StringNotEqualsIfExists",
        "${aws:PrincipalTag/team}",
        "x",
        T,
    ),
    r("vars/${*}-literal-star", "StringLike", "a${*}", "a*", T),
    r("vars/${*}-not-a-wildcard", "StringLike", "a${*}", "abc", F),
    r(
        "vars/substituted-star-is-literal",
        "StringLike",
        "${aws:PrincipalTag/p}-*",
        "x-1",
        F,
        extra={"aws:PrincipalTag/p": "*"},
    ),
    r(
        "vars/StringLike-pattern-around-variable",
        "StringLike",
        "home/${aws:username}/*",
        "home/alice/docs",
        T,
        extra={"aws:username": "alice"},
    ),
    r(
        "vars/ArnLike-variable-in-account",
        "ArnLike",
        "arn:aws:iam::${aws:PrincipalAccount}:role/*",
        ARN,
        T,
        extra={"aws:PrincipalAccount": "111122223333"},
    ),
    r(
        "vars/IgnoreCase",
        "StringEqualsIgnoreCase",
        "${aws:username}",
        "ALICE",
        T,
        extra={"aws:username": "alice"},
    ),
    r(
        "vars/unknown-variable-unknown",
        "StringEquals",
        "${aws:PrincipalTag/team}",
        "red",
        U,
        unknown=("aws:PrincipalTag/team",),
    ),
    r(
        "vars/unknown-variable-decided-by-other-value",
        "StringEquals",
        ["${aws:PrincipalTag/team}", "red"],
        "red",
        T,
        unknown=("aws:PrincipalTag/team",),
    ),
    r(
        "vars/unknown-variable-negated-unknown",
        "StringNotEquals",
        "${aws:PrincipalTag/team}",
        "red",
        U,
        unknown=("aws:PrincipalTag/team",),
    ),
    r(
        "vars/not-supported-by-Numeric[ops]",
        "NumericEquals",
        "${aws:n}",
        "5",
        F,
        extra={"aws:n": "5"},
    ),
    r(
        "vars/not-supported-by-IpAddress[ops]",
        "IpAddress",
        "${aws:n}",
        "10.0.0.1",
        F,
        extra={"aws:n": "10.0.0.1"},
    ),
    r(
        "vars/Bool-supports-variables[ops]",
        "Bool",
        "${aws:flag}",
        "true",
        T,
        extra={"aws:flag": "true"},
    ),
    r("keys/case-insensitive-key", "StringEquals", "a", ABSENT, T, extra={"SVC:KEY": "a"}),
]


def _ctx(row: Row) -> RequestContext:
    values: dict[str, object] = dict(row.extra)
    unknown = list(row.unknown)
    if row.request == "?":
        unknown.append(K)
    elif row.request is not ABSENT:
        values[K] = row.request
    return RequestContext.of(values, unknown=unknown)


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_conformance(row: Row) -> None:
    clause = ConditionClause(row.operator, K, row.values)
    assert evaluate_clause(clause, _ctx(row), variables=row.variables) is row.expected


def test_row_ids_unique() -> None:
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids))


# --- operator names ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "known"),
    [
        ("StringEquals", True),
        ("ForAnyValue:StringLikeIfExists", True),
        ("ForAllValues:ArnNotLike", True),
        ("Null", True),
        ("DateGreaterThanEqualsIfExists", True),
        ("NotIpAddressIfExists", True),
        ("BinaryEqualsIfExists", True),
        ("stringequals", False),
        ("forallvalues:StringEquals", False),
        ("ForAllValues:", False),
        ("NullIfExists", False),
        ("ForAnyValue:Null", False),
        ("StringEqualsIfExistsIfExists", False),
        ("", False),
    ],
)
def test_is_known_operator(operator: str, known: bool) -> None:
    assert is_known_operator(operator) is known


# --- evaluate_conditions: AND of clauses [multi] -------------------------------------------

A = ConditionClause("StringEquals", "k1", ("a",))
B = ConditionClause("StringEquals", "k2", ("b",))
C = ConditionClause("StringEquals", "k3", ("c",))


def test_conditions_all_true() -> None:
    ctx = RequestContext.of({"k1": "a", "k2": "b"})
    assert evaluate_conditions([A, B], ctx, variables=True) == (T, ())


def test_conditions_empty_is_true() -> None:
    assert evaluate_conditions([], RequestContext(), variables=True) == (T, ())


def test_conditions_first_false_clause() -> None:
    ctx = RequestContext.of({"k1": "x", "k2": "x"}, unknown=["k3"])
    assert evaluate_conditions([C, A, B], ctx, variables=True) == (F, (A,))


def test_conditions_false_beats_unknown() -> None:
    ctx = RequestContext.of({"k2": "x"}, unknown=["k1", "k3"])
    assert evaluate_conditions([A, B, C], ctx, variables=True) == (F, (B,))


def test_conditions_unknown_lists_unknown_clauses() -> None:
    ctx = RequestContext.of({"k2": "b"}, unknown_by_default=True)
    assert evaluate_conditions([A, B, C], ctx, variables=True) == (U, (A, C))


# --- describe_clause and context_keys -------------------------------------------------------


def test_describe_clause() -> None:
    clause = ConditionClause("StringEquals", "iam:PassedToService", ("ec2.amazonaws.com",))
    assert describe_clause(clause) == 'iam:PassedToService StringEquals "ec2.amazonaws.com"'


def test_describe_clause_values_joined_with_or() -> None:
    clause = ConditionClause("NumericLessThan", "k", ("a", 5, True))
    assert describe_clause(clause) == 'k NumericLessThan "a" or 5 or true'


def test_context_keys_include_variable_keys() -> None:
    clauses = [
        ConditionClause("StringEquals", "aws:RequestTag/Team", ("${aws:PrincipalTag/Team}",)),
        ConditionClause("ArnLike", "aws:SourceArn", ("arn:aws:iam::${aws:PrincipalAccount}:*",)),
        ConditionClause("StringLike", "s3:prefix", ("${*}${aws:username, 'x'}",)),
        ConditionClause("Bool", "aws:SecureTransport", (True,)),
    ]
    assert context_keys(clauses) == {
        "aws:requesttag/team",
        "aws:principaltag/team",
        "aws:sourcearn",
        "aws:principalaccount",
        "s3:prefix",
        "aws:username",
        "aws:securetransport",
    }


def test_context_keys_skip_variables_where_unsupported() -> None:
    clauses = [ConditionClause("NumericEquals", "k", ("${aws:n}",))]
    assert context_keys(clauses) == {"k"}


# --- properties -----------------------------------------------------------------------------

plain = st.text(st.characters(blacklist_characters="*?$"), max_size=20)
text = st.text(max_size=20)


@given(plain)
def test_like_with_literal_pattern_matches_itself(value: str) -> None:
    clause = ConditionClause("StringLike", K, (value,))
    ctx = RequestContext.of({K: value})
    assert evaluate_clause(clause, ctx, variables=True) is T


@given(text, st.lists(text, max_size=4))
def test_like_star_matches_anything_with_its_prefix(prefix: str, values: list[str]) -> None:
    pattern = prefix.replace("*", "").replace("?", "").replace("$", "")
    clause = ConditionClause("StringLike", K, (pattern + "*",))
    for value in values:
        ctx = RequestContext.of({K: pattern + value})
        assert evaluate_clause(clause, ctx, variables=False) is T


NEGATIONS = [
    ("StringEquals", "StringNotEquals", text),
    ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", text),
    ("StringLike", "StringNotLike", text),
    ("NumericEquals", "NumericNotEquals", st.sampled_from(["1", "2", "1.0", "x", "-3"])),
    ("DateEquals", "DateNotEquals", st.sampled_from(["2020-01-01", "1577836800", "x", "0"])),
    ("IpAddress", "NotIpAddress", st.sampled_from(["10.0.0.1", "10.0.0.0/8", "::1", "x"])),
    ("ArnLike", "ArnNotLike", st.sampled_from([ARN, "arn:aws:iam::*:role/*", "x", S3])),
]


@pytest.mark.parametrize(("positive", "negative", "values"), NEGATIONS)
@given(data=st.data())
def test_negated_is_complement_when_present_single_valued(
    positive: str, negative: str, values: st.SearchStrategy[str], data: st.DataObject
) -> None:
    policy = tuple(data.draw(st.lists(values, min_size=1, max_size=3)))
    # A variable AWS cannot resolve ("${}") invalidates the statement whatever the operator
    # ("If AWS cannot resolve a variable this might cause the entire statement to be
    # invalid"): neither side matches, so the complement holds only without one.
    assume(not any("${" in v for v in policy))
    request = data.draw(values)
    ctx = RequestContext.of({K: request})
    pos = evaluate_clause(ConditionClause(positive, K, policy), ctx, variables=True)
    neg = evaluate_clause(ConditionClause(negative, K, policy), ctx, variables=True)
    assert neg is ~pos


@given(st.lists(text, max_size=4), st.lists(text, min_size=1, max_size=3))
def test_forall_is_negation_of_forany_not(request: list[str], policy: list[str]) -> None:
    # As above: a variable AWS cannot resolve invalidates the statement whatever the operator
    # (see test_unresolvable_variable_fails_both_quantifiers), so the duality needs none.
    assume(not any("${" in v for v in policy))
    ctx = RequestContext.of({K: request})
    for_all = ConditionClause("ForAllValues:StringEquals", K, tuple(policy))
    for_any_not = ConditionClause("ForAnyValue:StringNotEquals", K, tuple(policy))
    assert evaluate_clause(for_all, ctx, variables=True) is ~evaluate_clause(
        for_any_not, ctx, variables=True
    )


@pytest.mark.parametrize("request_values", [(), ("x",), ("x", "y")])
def test_unresolvable_variable_fails_both_quantifiers(request_values: tuple[str, ...]) -> None:
    # "If AWS cannot resolve a variable this might cause the entire statement to be invalid":
    # neither ForAllValues (even on an empty set, otherwise vacuously true) nor its negated
    # ForAnyValue counterpart matches. Hypothesis found this case for the duality above.
    ctx = RequestContext.of({K: list(request_values)})
    for operator in ("ForAllValues:StringEquals", "ForAnyValue:StringNotEquals"):
        clause = ConditionClause(operator, K, ("${}",))
        assert evaluate_clause(clause, ctx, variables=True) is Tri.FALSE, operator


@given(st.lists(text, min_size=1, max_size=4), st.lists(text, min_size=1, max_size=3))
def test_forall_means_subset(request: list[str], policy: list[str]) -> None:
    ctx = RequestContext.of({K: request})
    clause = ConditionClause("ForAllValues:StringEquals", K, tuple(policy))
    expected = Tri.of(set(request) <= set(policy))
    assert evaluate_clause(clause, ctx, variables=True) is expected
