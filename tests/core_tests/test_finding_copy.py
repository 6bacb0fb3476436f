"""``with_reaches_admin`` is ``dataclasses.replace(f, reaches_admin=...)``: every field kept."""

from __future__ import annotations

from dataclasses import fields, replace

from core.escalate.findings import Finding, Reason, with_reaches_admin


def test_with_reaches_admin_keeps_every_other_field() -> None:
    # A value unlike each field's default, so a field dropped or swapped shows.
    f = Finding(
        kind="passrole",
        source="arn:aws:iam::111122223333:user/a",
        target="arn:aws:iam::111122223333:role/r",
        title="t",
        role="arn:aws:iam::111122223333:role/r",
        service="lambda.amazonaws.com",
        service_id="lambda",
        escalation="admin",
        conditional=True,
        conditions=("c",),
        constraints=("k",),
        reasons=(Reason("passrole", "may pass"),),
        gained=("iam: 1 Write",),
        references=(),
        source_is_admin=True,
        resources=("arn:aws:lambda:us-east-1:111122223333:function:f",),
        reaches_admin=(3, False),
    )
    assert {x.name for x in fields(Finding)} == {
        "kind", "source", "target", "title", "role", "service", "service_id", "escalation",
        "conditional", "conditions", "constraints", "reasons", "gained", "references",
        "source_is_admin", "resources", "reaches_admin",
    }  # fmt: skip
    for reaches in ((1, True), None):
        assert with_reaches_admin(f, reaches) == replace(f, reaches_admin=reaches)
