"""``iam-explore diff`` and ``export``, and SARIF that validates against the SARIF 2.1.0 schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from core.load.samples import sample_path
from tests.core_tests.snapshot_edit import generated
from tui.cli import main

SCHEMAS = Path(__file__).parents[1] / "data" / "schemas"
OLD = str(sample_path("classic-story"))
NEW = str(sample_path("classic-story-fixed"))


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


def _out(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def test_diff_table_on_the_classic_story(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _out(capsys, "diff", OLD, NEW)
    assert code == 0
    assert "1 new (1 admin, 0 gain)" in out
    assert "NEW     ADMIN  passrole  user/test-user → role/EC2-roles-for-XYZ" in out
    assert "AllowPassEC2Role (inline on user test-user) Statement[0]  ← new policy" in out
    assert "\x1b" not in out  # plain text when not on a terminal


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ((OLD, NEW, "--fail-on", "new-admin"), 1),
        ((OLD, NEW, "--fail-on", "new-any"), 1),
        ((NEW, OLD, "--fail-on", "new-admin"), 0),
        ((NEW, NEW, "--fail-on", "new-any"), 0),
    ],
)
def test_diff_exit_codes(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], code: int
) -> None:
    assert _out(capsys, "diff", *args)[0] == code


def test_diff_of_two_accounts_is_exit_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _out(capsys, "diff", OLD, str(sample_path("midsize-company")))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "one account" in err and "444455556666" in err


def test_diff_of_a_missing_file_is_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = _out(capsys, "diff", OLD, str(tmp_path / "nope.json"))
    assert code == 2 and "nope.json" in err and "Traceback" not in err


def test_diff_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _out(capsys, "diff", OLD, NEW, "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["schema_version"] == 1 and data["account_id"] == "111122223333"
    assert set(data) >= {
        "summary",
        "findings",
        "paths",
        "users",
        "groups",
        "roles",
        "policies",
        "attachments",
        "memberships",
        "old",
        "new",
    }
    (f,) = data["findings"]
    assert f["status"] == "added" and f["worse"] is True and f["escalation"] == "admin"
    assert f["id"].startswith("passrole|arn:aws:iam::111122223333:user/test-user|")
    changed = [s for s in f["statements"] if s["changed"]]
    assert [(s["step"], s["policy"], s["changed"]) for s in changed] == [
        ("passrole", "AllowPassEC2Role", "new policy")
    ]
    (p,) = data["paths"]
    assert p["status"] == "changed" and p["after"]["hops"][0]["finding"] == f["id"]
    assert p["before"]["conditional"] is True and p["after"]["conditional"] is False


def test_diff_sarif_validates_and_lists_the_new_finding(
    capsys: pytest.CaptureFixture[str], sarif_validator: jsonschema.protocols.Validator
) -> None:
    _, out, _ = _out(capsys, "diff", OLD, NEW, "--format", "sarif")
    log = json.loads(out)
    sarif_validator.validate(log)
    (r,) = log["runs"][0]["results"]
    assert r["ruleId"] == "passrole/ec2" and r["level"] == "error"
    assert r["baselineState"] == "new"
    # sample_path is absolute: a file: URI (relative paths stay relative, see below).
    assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == Path(NEW).as_uri()
    assert "changed: AllowPassEC2Role" in r["message"]["text"]


@pytest.mark.parametrize("name", ["classic-story-fixed", "edge-cases", "midsize-company"])
def test_scan_sarif_validates_with_stable_rules_and_fingerprints(
    capsys: pytest.CaptureFixture[str], sarif_validator: jsonschema.protocols.Validator, name: str
) -> None:
    path = str(sample_path(name))
    logs = []
    for _ in range(2):
        main(["scan", path, "--format", "sarif"])
        logs.append(json.loads(capsys.readouterr().out))
    sarif_validator.validate(logs[0])
    run = logs[0]["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    assert {"passrole/ec2", "create-policy-version", "assume-role"} <= set(rule_ids)
    results = run["results"]
    assert results
    prints = [r["partialFingerprints"]["iamExploreFinding/v1"] for r in results]
    assert len(set(prints)) == len(prints)  # one identity per finding
    assert prints == [
        r["partialFingerprints"]["iamExploreFinding/v1"] for r in logs[1]["runs"][0]["results"]
    ]
    text = Path(path).read_text(encoding="utf-8").splitlines()
    for r in results:
        assert r["ruleId"] in rule_ids
        loc = r["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == Path(path).as_uri()
        # The region points at the line of the snapshot that names the acting principal.
        principal = r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
        assert f'"{principal}"' in text[loc["region"]["startLine"] - 1]


def test_scan_and_diff_give_a_finding_the_same_fingerprint(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["scan", NEW, "--format", "sarif"])
    scan = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    main(["diff", OLD, NEW, "--format", "sarif"])
    diff = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    key = "iamExploreFinding/v1"
    assert {r["partialFingerprints"][key] for r in diff} <= {
        r["partialFingerprints"][key] for r in scan
    }


def test_diff_on_generated_snapshots_fails_on_the_planted_admin_edges(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(generated()))
    new.write_text(json.dumps(generated(passrole_admin=((2, 1),))))
    code, out, _ = _out(
        capsys, "diff", str(old), str(new), "--format", "json", "--fail-on", "new-admin"
    )
    data = json.loads(out)
    assert code == 1
    assert [
        (f["status"], f["kind"], f["source"].rsplit("/", 1)[-1], f["target"].rsplit("/", 1)[-1])
        for f in data["findings"]
    ] == [("added", "passrole", "dev-002", "admin-1")]


def test_export_mermaid_defaults_to_paths_only(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(sample_path("midsize-company"))
    code, paths, _ = _out(capsys, "export", path, "--format", "mermaid")
    assert code == 0 and paths.startswith("flowchart LR\n")
    _, everything, _ = _out(capsys, "export", path, "--format", "mermaid", "--no-paths-only")
    assert paths.count("\n") < everything.count("\n")
    _, explicit, _ = _out(capsys, "export", path, "--format", "mermaid", "--paths-only")
    assert explicit == paths


def test_export_writes_files_and_csv_needs_a_directory(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = str(sample_path("classic-story-fixed"))
    assert main(["export", path, "--format", "graphml", "-o", str(tmp_path / "g.graphml")]) == 0
    assert (tmp_path / "g.graphml").read_text().startswith("<?xml")
    code, _, err = _out(capsys, "export", path, "--format", "csv")
    assert code == 2 and "-o DIR" in err
    assert main(["export", path, "--format", "csv", "-o", str(tmp_path / "neo")]) == 0
    assert sorted(p.name for p in (tmp_path / "neo").iterdir()) == [
        "nodes.csv",
        "relationships.csv",
    ]


def test_export_min_escalation_and_bad_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = str(sample_path("midsize-company"))
    _, out, _ = _out(capsys, "export", path, "--format", "opengraph", "--min-escalation", "admin")
    edges = json.loads(out)["graph"]["edges"]
    assert edges and {e["properties"].get("escalation", "none") for e in edges} <= {"admin", "none"}
    assert all(
        e["kind"] == "AWSTrustsService" for e in edges if e["properties"]["escalation"] != "admin"
    )
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    code, _, err = _out(capsys, "export", str(bad), "--format", "dot")
    assert code == 2 and "bad.json" in err and "Traceback" not in err


def test_sarif_artifact_is_the_snapshot_path_as_given(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "snaps").mkdir()
    (tmp_path / "snaps" / "current.json").write_text(Path(NEW).read_text())
    monkeypatch.chdir(tmp_path)
    main(["scan", "snaps/current.json", "--format", "sarif"])
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert results
    for r in results:
        uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri == "snaps/current.json"


def test_explorer_compare_option_opens_new_with_old_as_baseline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tui.app

    seen: dict[str, object] = {}

    class FakeApp:
        def __init__(self, snapshot: object, **kw: object) -> None:
            seen.update(kw, snapshot=snapshot)

        def run(self) -> int:
            return 0

    monkeypatch.setattr(tui.app, "IamExploreApp", FakeApp)
    monkeypatch.setattr("tui.commands.explore.has_terminal", lambda: True)
    assert main([OLD, "--compare", NEW]) == 0
    assert seen["snapshot"] == NEW and str(seen["baseline"]) == OLD


def test_readme_diff_example_is_the_real_output(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = Path(__file__).parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## `diff`") :]
    shown = section[
        section.index("```text\n") + 8 : section.index("```\n", section.index("```text"))
    ]
    monkeypatch.chdir(root)
    main(["diff", "sample_accounts/classic-story.json", "sample_accounts/classic-story-fixed.json"])
    assert capsys.readouterr().out == shown


def test_explorer_compare_without_old_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _out(capsys, "--compare", NEW)
    assert code == 2 and "iam-explore OLD --compare NEW" in err


def test_diff_at_records_one_analysis_time(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _out(capsys, "diff", OLD, NEW, "--format", "json", "--at", "2026-12-01")
    assert code == 0 and json.loads(out)["analysed_at"] == "2026-12-01T00:00:00Z"
    _, out, _ = _out(capsys, "diff", OLD, NEW, "--format", "sarif", "--at", "2026-12-01T08:00:00Z")
    assert json.loads(out)["runs"][0]["properties"]["analysed_at"] == "2026-12-01T08:00:00Z"


def test_diff_sarif_reports_a_principal_made_admin(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    sarif_validator: jsonschema.protocols.Validator,
) -> None:
    old_raw = generated()
    new_raw = json.loads(json.dumps(old_raw))
    new_raw["UserDetailList"][0]["AttachedManagedPolicies"].append(
        {
            "PolicyName": "AdministratorAccess",
            "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess",
        }
    )
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(old_raw))
    new.write_text(json.dumps(new_raw, indent=2))
    code, out, _ = _out(
        capsys, "diff", str(old), str(new), "--format", "sarif", "--fail-on", "new-admin"
    )
    log = json.loads(out)
    sarif_validator.validate(log)
    assert code == 1
    (r,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "admin-equivalent"]
    assert r["properties"]["principal"].endswith(":user/dev-000")
    assert "admin-equivalent" in {x["id"] for x in log["runs"][0]["tool"]["driver"]["rules"]}
    line = new.read_text().splitlines()[
        r["locations"][0]["physicalLocation"]["region"]["startLine"] - 1
    ]
    assert r["properties"]["principal"] in line


def test_unwritable_output_is_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = str(tmp_path / "missing-dir" / "out.json")
    for args in (
        ["diff", OLD, NEW, "-o", target],
        ["export", NEW, "--format", "dot", "-o", target],
    ):
        code, _, err = _out(capsys, *args)
        assert code == 2 and err.count("\n") == 1 and "cannot write" in err
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = _out(capsys, "export", NEW, "--format", "csv", "-o", str(blocker))
    assert code == 2 and "cannot write" in err
