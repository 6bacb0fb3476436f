"""``core.report.diff``: findings and paths matched by stable keys between two snapshots of one
account."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from core.escalate.analysis import Analysis, analyse
from core.explain.whatif import Change, Session, add_inline_policy, disable_statement
from core.load.samples import sample_path
from core.load.snapshot import load_account, load_data
from core.model.errors import IamExploreError
from core.report.diff import diff_analyses, finding_id, fingerprint, to_json
from tests.core_tests.snapshot_edit import ACCT, _arn, apply_export, generated

SAMPLES = ("classic-story", "classic-story-fixed", "edge-cases", "midsize-company")
USER = "arn:aws:iam::111122223333:user/test-user"
ROLE = "arn:aws:iam::111122223333:role/EC2-roles-for-XYZ"


def _analysis(name: str) -> Analysis:
    return analyse(load_account(sample_path(name)))


def test_classic_story_fix_adds_one_admin_passrole_finding_and_path() -> None:
    d = diff_analyses(_analysis("classic-story"), _analysis("classic-story-fixed"))
    (c,) = d.findings
    assert c.status == "added" and c.worse
    f = c.finding
    assert (f.kind, f.source, f.target, f.service) == ("passrole", USER, ROLE, "ec2.amazonaws.com")
    assert f.escalation == "admin"
    # The statement that changed is the new inline policy's PassRole statement; the role's
    # trust policy and the AWS managed EC2 policy behind the launch step did not change.
    marked = {(s.step, s.ref.policy.name): s.changed for s in c.statements}
    assert marked[("passrole", "AllowPassEC2Role")] == "new policy"
    assert marked[("launch", "AmazonEC2FullAccess")] == ""
    # test-user already had a conditional path (taking over an instance that may run as the
    # role); the fix adds an unconditional one: the path changes and is worse.
    (p,) = d.paths
    assert (p.status, p.source, p.worse) == ("changed", USER, True)
    assert p.before is not None and p.after is not None
    assert p.before.conditional and not p.after.conditional
    assert p.after.hops[0].finding.kind == "passrole"
    assert d.policies.added == (f"{USER}#AllowPassEC2Role",)
    assert not d.users.added and not d.roles.added
    assert d.failing("new-admin") and d.failing("new-any") and not d.failing("never")


def test_reverse_diff_reports_the_finding_and_path_gone_and_does_not_fail() -> None:
    d = diff_analyses(_analysis("classic-story-fixed"), _analysis("classic-story"))
    assert [c.status for c in d.findings] == ["removed"]
    assert [(c.status, c.worse) for c in d.paths] == [("changed", False)]
    assert d.policies.removed == (f"{USER}#AllowPassEC2Role",)
    assert not d.failing("new-admin") and not d.failing("new-any")


def test_two_accounts_are_bad_input() -> None:
    with pytest.raises(IamExploreError, match="one account"):
        diff_analyses(_analysis("classic-story"), _analysis("midsize-company"))


@pytest.mark.parametrize("name", SAMPLES)
def test_each_sample_against_itself_is_empty(name: str) -> None:
    d = diff_analyses(_analysis(name), _analysis(name))
    assert d.empty and not d.failing("new-any")
    assert to_json(d)["summary"]["findings_added"] == 0


def _change_for(analysis: Analysis) -> tuple[Change, str]:
    """Disable the identity statement behind the first escalating finding (inline or customer
    managed policy); in an account without one, add the classic PassRole grant."""
    for f in analysis.findings:
        if f.escalation == "none" or f.source_is_admin:
            continue
        for r in f.reasons:
            for s in r.statements:
                p = s.policy
                if p.layer != "identity" or (p.arn and ":aws:policy/" in p.arn):
                    continue
                owner = p.arn or p.owner
                key = p.arn or f"{p.owner}#{p.name}"
                return disable_statement(owner, p.name, s.statement.index), key
    account = analysis.account
    user = account.users[0].arn
    role = account.roles[0].arn
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": role},
            {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"},
        ],
    }
    return add_inline_policy(user, "what-if-grant", json.dumps(doc)), f"{user}#what-if-grant"


@pytest.mark.parametrize("name", SAMPLES)
def test_each_sample_against_a_whatif_export_of_itself(name: str, tmp_path: Path) -> None:
    """A what-if change, exported with ``:export DIR`` and put into the snapshot file, gives the
    same finding changes from ``diff`` as the what-if view showed."""
    path = sample_path(name)
    old = _analysis(name)
    session = Session(load_account(path))
    change, key = _change_for(session.analysis)
    wdiff = session.apply(change)
    assert session.export(tmp_path / "export"), "the what-if exported no document"
    raw = json.loads(Path(path).read_text())
    new_path = tmp_path / f"{name}-whatif.json"
    new_path.write_text(json.dumps(apply_export(raw, tmp_path / "export", session.current)))
    d = diff_analyses(old, analyse(load_account(new_path)))

    added = {f.key for f in wdiff.added if not f.source_is_admin}
    removed = {f.key for f in wdiff.removed if not f.source_is_admin}
    assert {c.finding.key for c in d.findings if c.status != "removed"} == added
    assert {c.finding.key for c in d.findings if c.status != "added"} == removed
    assert added or removed, "the change should move at least one finding"
    assert key in d.policies.changed + d.policies.added


def _generated(**plant: object) -> Analysis:
    return analyse(load_data(generated(**plant), source="generated.json"))  # type: ignore[arg-type]


def test_generated_snapshots_with_planted_escalations() -> None:
    old = _generated()
    new = _generated(passrole_admin=((3, 0), (7, 1)), create_policy_version=(5,))
    d = diff_analyses(old, new)
    added = {(c.finding.kind, c.finding.source, c.finding.target) for c in d.of("added")}
    assert added == {
        ("passrole", _arn("user", "dev-003"), _arn("role", "admin-0")),
        ("passrole", _arn("user", "dev-007"), _arn("role", "admin-1")),
        ("create-policy-version", _arn("user", "dev-005"), _arn("policy", "self-service-005")),
    }
    assert all(c.finding.escalation == "admin" for c in d.of("added"))
    assert not d.of("removed") and not d.of("changed")
    assert {p.source for p in d.paths_of("added")} == {
        _arn("user", f"dev-{i:03d}") for i in (3, 5, 7)
    }
    assert d.summary()["new_admin"] == 3
    for c in d.of("added"):
        assert any(s.changed for s in c.statements), finding_id(c.finding)
    assert d.failing("new-admin")


def test_a_role_made_admin_changes_the_label_of_existing_edges() -> None:
    new_raw = generated(passrole_admin=((1, 0),))
    # dev-001 may pass admin-0 and admin-1 to EC2 ...
    grant = new_raw["UserDetailList"][1]["UserPolicyList"][1]["PolicyDocument"]["Statement"][0]
    grant["Resource"] = [_arn("role", "admin-0"), _arn("role", "admin-1")]
    # ... and before the change admin-1 could only read a DynamoDB table: a privilege gain.
    old_raw = copy.deepcopy(new_raw)
    admin1 = old_raw["RoleDetailList"][-1]
    assert admin1["RoleName"] == "admin-1"
    admin1["RolePolicyList"][0]["PolicyDocument"]["Statement"][0].update(
        Action="dynamodb:GetItem", Resource=f"arn:aws:dynamodb:us-east-1:{ACCT}:table/reports"
    )
    old = analyse(load_data(old_raw, source="old.json"))
    d = diff_analyses(old, analyse(load_data(new_raw, source="new.json")))
    (c,) = d.findings
    assert c.status == "changed" and c.worse
    assert c.before is not None and c.after is not None
    assert (c.before.escalation, c.after.escalation) == ("privilege-gain", "admin")
    assert c.finding.target == _arn("role", "admin-1")
    assert d.policies.changed == (f"{_arn('role', 'admin-1')}#everything",)
    assert d.failing("new-admin")
    assert not d.paths_of("added")  # dev-001 already had a path to admin through admin-0


def test_fingerprint_is_stable_across_runs_and_snapshots() -> None:
    a = _analysis("classic-story-fixed").passrole_edges()[0]
    b = _analysis("classic-story-fixed").passrole_edges()[0]
    assert a is not b and fingerprint(a) == fingerprint(b)
    assert finding_id(a) == f"passrole|{USER}|{ROLE}|ec2.amazonaws.com"


def test_group_membership_attachment_and_new_user_are_marked() -> None:
    old_raw = generated(users=6)
    launch = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": _arn("role", "admin-0")},
            {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"},
        ],
    }
    old_raw["GroupDetailList"].append(
        {
            "GroupName": "launchers",
            "Arn": _arn("group", "launchers"),
            "Path": "/",
            "GroupPolicyList": [{"PolicyName": "launch", "PolicyDocument": launch}],
            "AttachedManagedPolicies": [],
        }
    )
    parn = _arn("policy", "launch-admin")
    old_raw["Policies"].append(
        {
            "PolicyName": "launch-admin",
            "Arn": parn,
            "Path": "/",
            "DefaultVersionId": "v1",
            "PolicyVersionList": [
                {"VersionId": "v1", "IsDefaultVersion": True, "Document": launch}
            ],
        }
    )
    new_raw = copy.deepcopy(old_raw)
    users = new_raw["UserDetailList"]
    users[1]["GroupList"].append("launchers")  # joins the group
    users[2]["AttachedManagedPolicies"].append({"PolicyName": "launch-admin", "PolicyArn": parn})
    newcomer = copy.deepcopy(users[3])
    newcomer.update(UserName="dev-new", Arn=_arn("user", "dev-new"), GroupList=["launchers"])
    users.append(newcomer)
    d = diff_analyses(
        analyse(load_data(old_raw, source="old.json")),
        analyse(load_data(new_raw, source="new.json")),
    )
    assert d.users.added == (_arn("user", "dev-new"),) and not d.users.removed
    assert ("added", _arn("user", "dev-002"), parn, "attached") in d.attachments
    assert ("added", _arn("user", "dev-001"), "launchers") in d.memberships
    marks = {
        c.finding.source.rsplit("/", 1)[-1]: {
            s.changed for s in c.statements if s.step == "passrole"
        }
        for c in d.of("added")
        if c.finding.kind == "passrole"
    }
    assert marks == {
        "dev-001": {"new member of group launchers"},
        "dev-002": {"newly attached"},
        "dev-new": {"new member of group launchers"},
    }


def test_a_user_made_admin_is_a_new_admin_not_a_closed_edge() -> None:
    """The source of a finding becoming admin-equivalent removes its findings (they are not
    listed for admins): the diff says why and still fails on new admin."""
    old_raw = generated(passrole_admin=((4, 0),))
    new_raw = copy.deepcopy(old_raw)
    new_raw["UserDetailList"][4]["UserPolicyList"].append(
        {
            "PolicyName": "break-glass",
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
            },
        }
    )
    d = diff_analyses(
        analyse(load_data(old_raw, source="old.json")),
        analyse(load_data(new_raw, source="new.json")),
    )
    dev4 = _arn("user", "dev-004")
    assert d.admins.added == (dev4,) and d.new_admin_principals == [dev4]
    gone = d.of("removed")
    assert gone and all(c.finding.source == dev4 and "now admin" in c.note for c in gone)
    assert [(p.status, p.source) for p in d.paths] == [("removed", dev4)]
    assert "now admin" in d.paths[0].note
    assert d.failing("new-admin") and d.failing("new-any")
    data = to_json(d)
    assert data["admins"]["added"][0]["principal"] == dev4
    assert data["summary"]["admins_added"] == 1


def test_a_removed_user_is_listed_and_its_findings_say_so() -> None:
    old_raw = generated(passrole_admin=((4, 0),))
    new_raw = copy.deepcopy(old_raw)
    del new_raw["UserDetailList"][4]
    d = diff_analyses(
        analyse(load_data(old_raw, source="old.json")),
        analyse(load_data(new_raw, source="new.json")),
    )
    dev4 = _arn("user", "dev-004")
    assert d.users.removed == (dev4,)
    assert [(c.status, c.finding.source, c.note) for c in d.findings] == [
        ("removed", dev4, "source principal removed")
    ]
    assert [(p.status, p.note) for p in d.paths] == [("removed", "source principal removed")]
    assert not d.failing("new-any")


@pytest.mark.parametrize(
    ("before", "after", "worse"),
    [
        (("privilege-gain", False), ("admin", True), True),  # more escalation, even if cond
        (("admin", True), ("admin", False), True),  # same, no longer conditional
        (("admin", True), ("privilege-gain", False), False),  # less escalation
        (("admin", False), ("admin", True), False),  # now needs conditions
    ],
)
def test_worse_means_more_escalation_or_as_much_without_conditions(
    before: tuple[str, bool], after: tuple[str, bool], worse: bool
) -> None:
    from core.escalate.findings import Finding
    from core.report.diff import FindingChange

    def f(esc: str, cond: bool) -> Finding:
        return Finding("k", "s", "t", "x", escalation=esc, conditional=cond)  # type: ignore[arg-type]

    assert FindingChange("changed", f(*before), f(*after)).worse is worse
