"""Grammar tests for the policy parser (core.load.policy_parser).

Row ids name the rule. References (IAM User Guide, "IAM JSON policy element reference"):
[version]   "IAM JSON policy elements: Version": 2012-10-17 and 2008-10-17 are the only values.
            https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
[statement] "IAM JSON policy elements: Statement": one object or an array of objects.
            https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_statement.html
[sid]       "IAM JSON policy elements: Sid": an optional statement identifier.
            https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html
[effect]    "IAM JSON policy elements: Effect": required, Allow or Deny, case sensitive.
            https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_effect.html
[action]    "IAM JSON policy elements: Action" / "NotAction": a string or an array; one of them.
            https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
            https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
[resource]  "IAM JSON policy elements: Resource" / "NotResource": identity policies need one.
            https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
            https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
[principal] "AWS JSON policy elements: Principal": "*", {"AWS": ...}, {"Service": ...},
            {"Federated": ...}, {"CanonicalUser": ...}; not in identity-based policies; required in
            resource-based policies (role trust policies).
            https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
[condition] "IAM JSON policy elements: Condition" and "Condition operators": a block of
            operator -> {key: value or [values]}; numbers and booleans are valid values.
            https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
[grammar]   "Grammar of the IAM JSON policy language".
            https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import pytest

from core.load.policy_parser import PolicyKind, decode_document, parse_policy, parse_policy_strict
from core.model.account import ConditionClause, PolicyDocument, PrincipalSpec
from core.model.errors import PolicyError, Problem

ALLOW: dict[str, Any] = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
ACCT = "111122223333"


def doc(*statements: Any, version: Any = "2012-10-17", **top: Any) -> dict[str, Any]:
    d: dict[str, Any] = {"Statement": list(statements), **top}
    if version is not None:
        d["Version"] = version
    return d


def st(**fields: Any) -> dict[str, Any]:
    """A valid identity statement with ``fields`` overridden (``None`` deletes a field)."""
    out = {**ALLOW, **fields}
    return {k: v for k, v in out.items() if v is not None}


def trust(**fields: Any) -> dict[str, Any]:
    out = {
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Principal": {"Service": "ec2.amazonaws.com"},
        **fields,
    }
    return {k: v for k, v in out.items() if v is not None}


def errors(d: PolicyDocument) -> list[Problem]:
    return [p for p in d.problems if p.severity == "error"]


# --- valid grammar: what the parsed value keeps ---------------------------------------------

VALID: list[tuple[str, Any, PolicyKind, str, Any]] = [
    ("version-2012", doc(ALLOW), "identity", "version", "2012-10-17"),
    ("version-2008", doc(ALLOW, version="2008-10-17"), "identity", "version", "2008-10-17"),
    ("version-absent-is-none", doc(ALLOW, version=None), "identity", "version", None),
    ("statement-single-object", {"Statement": ALLOW}, "identity", "count", 1),
    ("statement-list", doc(ALLOW, st(Effect="Deny")), "identity", "count", 2),
    ("statement-empty-list", doc(), "identity", "count", 0),
    ("policy-id-allowed", doc(ALLOW, Id="my-policy"), "identity", "count", 1),
    ("sid-kept", doc(st(Sid="ReadObjects")), "identity", "sid", "ReadObjects"),
    ("sid-absent", doc(ALLOW), "identity", "sid", None),
    ("effect-allow", doc(ALLOW), "identity", "effect", "Allow"),
    ("effect-deny", doc(st(Effect="Deny")), "identity", "effect", "Deny"),
    ("action-string", doc(ALLOW), "identity", "actions", ("s3:GetObject",)),
    (
        "action-list",
        doc(st(Action=["s3:GetObject", "s3:Put*"])),
        "identity",
        "actions",
        ("s3:GetObject", "s3:Put*"),
    ),
    ("action-star", doc(st(Action="*")), "identity", "actions", ("*",)),
    ("action-case-kept", doc(st(Action="IAM:passrole")), "identity", "actions", ("IAM:passrole",)),
    ("notaction-flag", doc(st(Action=None, NotAction="iam:*")), "identity", "not_action", True),
    ("action-flag", doc(ALLOW), "identity", "not_action", False),
    ("resource-string", doc(ALLOW), "identity", "resources", ("*",)),
    (
        "resource-list",
        doc(st(Resource=["arn:aws:s3:::a", "arn:aws:s3:::a/*"])),
        "identity",
        "resources",
        ("arn:aws:s3:::a", "arn:aws:s3:::a/*"),
    ),
    (
        "notresource",
        doc(st(Resource=None, NotResource="arn:aws:iam::*:role/admin")),
        "identity",
        "not_resource",
        True,
    ),
    (
        "notresource-values",
        doc(st(Resource=None, NotResource=["arn:aws:iam::*:role/admin"])),
        "identity",
        "resources",
        ("arn:aws:iam::*:role/admin",),
    ),
    ("trust-needs-no-resource", doc(trust()), "trust", "resources", None),
    ("principal-star", doc(trust(Principal="*")), "trust", "principal", PrincipalSpec(True)),
    (
        "principal-aws-star",
        doc(trust(Principal={"AWS": "*"})),
        "trust",
        "principal",
        PrincipalSpec(wildcard=True, aws=("*",)),
    ),
    (
        "principal-aws-list",
        doc(trust(Principal={"AWS": [ACCT, f"arn:aws:iam::{ACCT}:role/r"]})),
        "trust",
        "principal",
        PrincipalSpec(aws=(ACCT, f"arn:aws:iam::{ACCT}:role/r")),
    ),
    (
        "principal-aws-root-arn",
        doc(trust(Principal={"AWS": f"arn:aws:iam::{ACCT}:root"})),
        "trust",
        "principal",
        PrincipalSpec(aws=(f"arn:aws:iam::{ACCT}:root",)),
    ),
    (
        "principal-service",
        doc(trust(Principal={"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]})),
        "trust",
        "principal",
        PrincipalSpec(service=("ec2.amazonaws.com", "lambda.amazonaws.com")),
    ),
    (
        "principal-federated",
        doc(
            trust(
                Action="sts:AssumeRoleWithWebIdentity",
                Principal={"Federated": "cognito-identity.amazonaws.com"},
            )
        ),
        "trust",
        "principal",
        PrincipalSpec(federated=("cognito-identity.amazonaws.com",)),
    ),
    (
        "principal-canonical-user",
        doc(trust(Principal={"CanonicalUser": "79a59df900b949e55d96a1e698fbaced"})),
        "resource",
        "principal",
        PrincipalSpec(canonical_user=("79a59df900b949e55d96a1e698fbaced",)),
    ),
    (
        "principal-mixed-types",
        doc(trust(Principal={"AWS": ACCT, "Service": "ecs-tasks.amazonaws.com"})),
        "trust",
        "principal",
        PrincipalSpec(aws=(ACCT,), service=("ecs-tasks.amazonaws.com",)),
    ),
    (
        "notprincipal",
        doc(trust(Principal=None, NotPrincipal={"AWS": f"arn:aws:iam::{ACCT}:user/bob"})),
        "resource",
        "not_principal",
        True,
    ),
    (
        "condition-string",
        doc(st(Condition={"StringEquals": {"aws:username": "bob"}})),
        "identity",
        "conditions",
        (ConditionClause("StringEquals", "aws:username", ("bob",)),),
    ),
    (
        "condition-list-values-are-alternatives",
        doc(st(Condition={"StringLike": {"s3:prefix": ["home/", "home/${aws:username}/*"]}})),
        "identity",
        "conditions",
        (ConditionClause("StringLike", "s3:prefix", ("home/", "home/${aws:username}/*")),),
    ),
    (
        "condition-json-number-kept",
        doc(st(Condition={"NumericLessThan": {"aws:MultiFactorAuthAge": 3600}})),
        "identity",
        "conditions",
        (ConditionClause("NumericLessThan", "aws:MultiFactorAuthAge", (3600,)),),
    ),
    (
        "condition-json-float-kept",
        doc(st(Condition={"NumericGreaterThan": {"s3:max-keys": 2.5}})),
        "identity",
        "conditions",
        (ConditionClause("NumericGreaterThan", "s3:max-keys", (2.5,)),),
    ),
    (
        "condition-json-boolean-kept",
        doc(st(Condition={"Bool": {"aws:SecureTransport": False}})),
        "identity",
        "conditions",
        (ConditionClause("Bool", "aws:SecureTransport", (False,)),),
    ),
    (
        "condition-several-operators-and-keys",
        doc(
            st(
                Condition={
                    "StringEquals": {"iam:PassedToService": "ec2.amazonaws.com", "aws:a": "b"},
                    "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["team*"]},
                }
            )
        ),
        "identity",
        "conditions",
        (
            ConditionClause("StringEquals", "iam:PassedToService", ("ec2.amazonaws.com",)),
            ConditionClause("StringEquals", "aws:a", ("b",)),
            ConditionClause("ForAnyValue:StringLikeIfExists", "aws:TagKeys", ("team*",)),
        ),
    ),
]


def _field(d: PolicyDocument, name: str) -> Any:
    if name == "version":
        return d.version
    if name == "count":
        return len(d.statements)
    return getattr(d.statements[0], name)


@pytest.mark.parametrize(
    ("raw", "kind", "field", "expected"), [pytest.param(*r[1:], id=r[0]) for r in VALID]
)
def test_valid_grammar(raw: Any, kind: PolicyKind, field: str, expected: Any) -> None:
    d = parse_policy(raw, kind)
    assert errors(d) == [], [p.message for p in d.problems]
    assert _field(d, field) == expected


# --- invalid grammar: one located problem ---------------------------------------------------

INVALID: list[tuple[str, Any, PolicyKind, str, bool]] = [
    # (id, document, kind, words in the problem, statement kept)
    ("version-unknown", doc(ALLOW, version="2012-10-18"), "identity", "Version must be", True),
    ("version-number", doc(ALLOW, version=2012), "identity", "Version must be", True),
    ("statement-missing", {"Version": "2012-10-17"}, "identity", "no Statement", False),
    ("statement-string", doc(ALLOW) | {"Statement": "x"}, "identity", "object or a list", False),
    ("statement-not-object", doc("Allow"), "identity", "must be a JSON object", False),
    ("unknown-policy-element", doc(ALLOW, Extra=1), "identity", "unknown policy element", True),
    ("unknown-statement-element", doc(st(Actions="s3:*")), "identity", '"Actions"', True),
    ("element-names-case-sensitive", doc(st(effect="Allow")), "identity", '"effect"', True),
    ("effect-missing", doc(st(Effect=None)), "identity", "missing Effect", False),
    ("effect-lowercase", doc(st(Effect="allow")), "identity", "Effect must be", False),
    ("effect-uppercase", doc(st(Effect="DENY")), "identity", "Effect must be", False),
    ("effect-list", doc(st(Effect=["Allow"])), "identity", "Effect must be", False),
    ("action-and-notaction", doc(st(NotAction="iam:*")), "identity", "both Action", False),
    ("action-missing", doc(st(Action=None)), "identity", "needs Action", False),
    ("action-empty-list", doc(st(Action=[])), "identity", "list of strings", False),
    ("action-number", doc(st(Action=5)), "identity", "list of strings", False),
    ("action-no-service", doc(st(Action="GetObject")), "identity", "service:Action", True),
    ("resource-missing", doc(st(Resource=None)), "identity", "needs Resource", False),
    ("resource-and-notresource", doc(st(NotResource="*")), "identity", "both Resource", False),
    ("resource-object", doc(st(Resource={"a": 1})), "identity", "list of strings", False),
    ("principal-in-identity", doc(st(Principal="*")), "identity", "not allowed", False),
    ("notprincipal-in-identity", doc(st(NotPrincipal="*")), "identity", "not allowed", False),
    ("principal-in-boundary", doc(st(Principal="*")), "boundary", "not allowed", False),
    ("principal-in-scp", doc(st(Principal="*")), "scp", "not allowed", False),
    ("trust-without-principal", doc(trust(Principal=None)), "trust", "needs Principal", False),
    ("resource-policy-without-principal", doc(ALLOW), "resource", "needs Principal", False),
    (
        "principal-and-notprincipal",
        doc(trust(NotPrincipal="*")),
        "trust",
        "both Principal and NotPrincipal",
        False,
    ),
    ("principal-unknown-type", doc(trust(Principal={"User": "bob"})), "trust", "Principal", False),
    ("principal-bare-string", doc(trust(Principal=ACCT)), "trust", "Principal must be", False),
    ("principal-number", doc(trust(Principal={"AWS": 1})), "trust", "Principal must be", False),
    (
        "condition-unknown-operator",
        doc(st(Condition={"StringEqualz": {"a:b": "c"}})),
        "identity",
        'unknown condition operator "StringEqualz"',
        True,
    ),
    (
        "condition-operator-case-sensitive",
        doc(st(Condition={"stringEquals": {"a:b": "c"}})),
        "identity",
        "unknown condition operator",
        True,
    ),
    (
        "condition-not-object",
        doc(st(Condition=["StringEquals"])),
        "identity",
        "Condition must be an object",
        False,
    ),
    (
        "condition-block-not-object",
        doc(st(Condition={"StringEquals": "aws:username"})),
        "identity",
        'operator "StringEquals" must map',
        False,
    ),
    (
        "condition-value-object",
        doc(st(Condition={"StringEquals": {"a:b": {"c": "d"}}})),
        "identity",
        "needs string, number or boolean",
        False,
    ),
    (
        "condition-value-null",
        doc(st(Condition={"StringEquals": {"a:b": None}})),
        "identity",
        "needs string, number or boolean",
        False,
    ),
    (
        "condition-empty-values",
        doc(st(Condition={"StringEquals": {"a:b": []}})),
        "identity",
        "needs string, number or boolean",
        False,
    ),
]


@pytest.mark.parametrize(
    ("raw", "kind", "words", "kept"), [pytest.param(*r[1:], id=r[0]) for r in INVALID]
)
def test_invalid_grammar_is_one_located_problem(
    raw: Any, kind: PolicyKind, words: str, kept: bool
) -> None:
    d = parse_policy(raw, kind, policy="P", path="X.PolicyDocument", file="f.json")
    errs = errors(d)
    assert errs, "AWS rejects this policy: it must be reported"
    assert any(words in p.message for p in errs), [p.message for p in errs]
    assert all((p.policy, p.path, p.file) == ("P", "X.PolicyDocument", "f.json") for p in errs)
    n = len(raw["Statement"]) if isinstance(raw.get("Statement"), list) else 0
    # Problems about the document as a whole have no statement index; the others name it.
    doc_level = words.startswith(("Version", "no Statement", "object or a list", "unknown policy"))
    assert all(p.statement == (None if doc_level else 0) for p in errs if words in p.message)
    assert len(d.statements) == (n if kept else 0)


def test_bad_version_is_treated_as_missing() -> None:
    assert parse_policy(doc(ALLOW, version="2012-10-18")).version is None


def test_problems_carry_the_statement_index() -> None:
    d = parse_policy(doc(ALLOW, st(Effect="allow"), ALLOW, st(Action=None)))
    assert [p.statement for p in errors(d)] == [1, 3]
    assert [s.index for s in d.statements] == [0, 2]
    assert d.statements[1].label == "Statement[2]"


def test_statement_label_names_the_sid() -> None:
    d = parse_policy(doc(st(Sid="Read")))
    assert d.statements[0].label == 'Statement[0] "Read"'


def test_statement_and_document_text_round_trip_and_pretty_print() -> None:
    d = parse_policy(json.dumps(doc(ALLOW)))
    assert json.loads(d.statements[0].text) == ALLOW
    assert json.loads(d.text) == doc(ALLOW)
    assert "\n" not in d.text  # stored compact: the C encoder keeps big loads fast
    assert "\n" in d.pretty and json.loads(d.pretty) == doc(ALLOW)
    assert json.loads(d.statements[0].pretty) == ALLOW


def test_principal_values_are_stripped() -> None:
    d = parse_policy(doc(trust(Principal={"AWS": f" {ACCT} "})), "trust")
    p = d.statements[0].principal
    assert p is not None and p.aws == (ACCT,)


# --- encodings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(doc(ALLOW), id="object"),
        pytest.param(json.dumps(doc(ALLOW)), id="json"),
        pytest.param("  \n" + json.dumps(doc(ALLOW), indent=2), id="json-leading-space"),
        pytest.param(urllib.parse.quote(json.dumps(doc(ALLOW))), id="url-encoded"),
        pytest.param(urllib.parse.quote(json.dumps(doc(ALLOW), indent=2)), id="url-encoded-pretty"),
    ],
)
def test_decode_document_encodings(raw: Any) -> None:
    assert decode_document(raw) == doc(ALLOW)


def test_json_string_with_percent_is_not_url_decoded() -> None:
    d = doc(st(Resource="arn:aws:s3:::b/%41%42"))
    assert decode_document(json.dumps(d)) == d
    assert decode_document(urllib.parse.quote(json.dumps(d))) == d


@pytest.mark.parametrize("raw", ["", "not json", "%7Bnot json", '{"Statement": [}'])
def test_undecodable_strings(raw: str) -> None:
    with pytest.raises(PolicyError, match="not valid JSON"):
        decode_document(raw)
    d = parse_policy(raw, policy="P")
    (err,) = d.problems
    assert "not valid JSON" in err.message and err.policy == "P" and err.statement is None
    assert d.statements == ()


@pytest.mark.parametrize("raw", [None, 3, [ALLOW], "[1]", "null", '"text"'])
def test_non_object_documents(raw: Any) -> None:
    d = parse_policy(raw)
    assert [p.message for p in d.problems] == ["policy document must be a JSON object"]


def test_parse_policy_strict_raises_the_first_located_error() -> None:
    with pytest.raises(PolicyError, match=r"Statement\[1\] \(cli\): missing Effect"):
        parse_policy_strict(doc(ALLOW, st(Effect=None)), policy="cli")
    assert parse_policy_strict(doc(ALLOW)).statements


def test_deeply_nested_json_string_is_a_problem() -> None:
    d = parse_policy("[" * 5000 + "]" * 5000)
    assert d.problems and d.statements == ()


def test_trust_policy_with_resource_is_a_problem() -> None:
    d = parse_policy(doc(trust(Resource="*")), "trust")
    assert any("Resource" in p.message for p in errors(d))
