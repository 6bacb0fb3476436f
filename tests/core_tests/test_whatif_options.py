"""What-if options for a selection (core.explain.whatif_options): the changes offered and their
templates, with trusted services taken from the analysis, not from the trust policy's text."""

from __future__ import annotations

import json
from dataclasses import replace

from core.escalate.analysis import analyse
from core.explain.denial_fix import fix_document
from core.explain.whatif_options import options_for, passrole_template, trusted_service
from core.load.samples import sample_path
from core.load.snapshot import load_account

USER = "arn:aws:iam::111122223333:user/test-user"
ROLE = "arn:aws:iam::111122223333:role/EC2-roles-for-XYZ"


def test_the_passrole_template_is_the_least_privilege_fix_of_a_denied_passrole() -> None:
    account = load_account(sample_path("classic-story"))
    role = account.role(ROLE)
    assert passrole_template(role, "ec2.amazonaws.com") == fix_document(
        "iam:PassRole", ROLE, "ec2.amazonaws.com"
    )


def test_add_inline_policy_starts_as_passrole_to_the_service_the_analysis_says_it_trusts() -> None:
    account = load_account(sample_path("classic-story"))
    analysis = analyse(account)
    user, role = account.user(USER), account.role(ROLE)
    assert user is not None and role is not None
    assert trusted_service(analysis, role) == "ec2.amazonaws.com"
    option = next(o for o in options_for(analysis, account, user, role=role) if o.edit)
    statement = json.loads(option.edit.text)["Statement"][0]  # type: ignore[union-attr]
    assert statement["Resource"] == ROLE
    assert statement["Condition"] == {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}
    # The service comes from the analysis: with no trusted roles in it, no PassedToService
    # condition, although ec2.amazonaws.com is still in the role's trust policy text.
    untrusting = replace(analysis, trusted={})
    option = next(o for o in options_for(untrusting, account, user, role=role) if o.edit)
    assert "Condition" not in json.loads(option.edit.text)["Statement"][0]  # type: ignore[union-attr]


def test_each_change_is_offered_once_and_builds_a_change() -> None:
    account = load_account(sample_path("midsize-company"))
    analysis = analyse(account)
    user = next(u for u in account.users if u.groups and u.attached_policies)
    options = options_for(analysis, account, user)
    sames = [o.same for o in options if o.same]
    assert len(sames) == len(set(sames))
    made = [o.make() for o in options if o.make is not None]
    assert made and all(c.description for c in made)
    assert any(c.description.startswith("remove ") for c in made)
    assert any(c.description.startswith("detach ") for c in made)
