"""SARIF 2.1.0 for ``scan`` and ``diff``: what code-scanning views (GitHub, GitLab, VS Code) show.

* one rule per PassRole service (``passrole/ec2``) and per escalation method
  (``create-policy-version``): stable ids, listed whether or not a finding uses them;
* ``partialFingerprints["iamExploreFinding/v1"]``: a hash of the finding's key (kind, source,
  target, service), so that a finding keeps its identity across runs and snapshots;
* the snapshot file as the artifact location, with the line where the acting principal's ARN
  first appears when the snapshot is one readable file.

The output validates against the OASIS SARIF 2.1.0 JSON schema (a test checks it).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path as FsPath
from typing import Any
from urllib.parse import quote

from core.escalate.findings import Finding
from core.escalate.tables.methods import METHODS
from core.escalate.tables.services import SERVICES
from core.report.diff import fingerprint
from core.report.json_text import Rendered, opt_string, string

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/iam-explore/iam-explore"
FINGERPRINT = "iamExploreFinding/v1"
_FINGERPRINT = string(FINGERPRINT)
_ARN = re.compile(r'"(arn:[^"]*)"')
ADMIN_RULE: dict[str, Any] = {
    "id": "admin-equivalent",
    "name": "AdminEquivalentPrincipal",
    "shortDescription": {"text": "A principal became admin-equivalent"},
    "fullDescription": {
        "text": "The principal can perform every sensitive action probed, or can rewrite its "
        "own permissions (diff only)."
    },
}
LEVEL = {"admin": "error", "privilege-gain": "warning", "none": "note"}


def rule_id(f: Finding) -> str:
    """``passrole/<service id>`` for PassRole findings, otherwise the method id."""
    if f.kind == "passrole":
        return f"passrole/{f.service_id or 'unknown'}"
    return f.kind


def _pascal(text: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in text.replace("/", "-").split("-") if w)


def rules(extra: Iterable[Finding] = ()) -> list[dict[str, Any]]:
    """Every rule: services and methods from the catalogues, then any other kind found."""
    out: list[dict[str, Any]] = []
    for s in SERVICES:
        out.append(
            {
                "id": f"passrole/{s.id}",
                "name": f"PassRoleTo{_pascal(s.id)}",
                "shortDescription": {"text": f"iam:PassRole to {s.name}"},
                "fullDescription": {"text": s.credential_access or s.name},
                "helpUri": s.references[0].url if s.references else None,
            }
        )
    for m in METHODS:
        out.append(
            {
                "id": m.id,
                "name": _pascal(m.id),
                "shortDescription": {"text": m.title},
                "fullDescription": {"text": m.description},
                "helpUri": m.references[0].url if m.references else None,
            }
        )
    known = {r["id"] for r in out}
    for f in extra:
        rid = rule_id(f)
        if rid not in known:
            known.add(rid)
            out.append(
                {
                    "id": rid,
                    "name": _pascal("".join(c if c.isalnum() else "-" for c in rid)),
                    "shortDescription": {"text": rid},
                    "helpUri": None,
                }
            )
    for r in out:
        if r["helpUri"] is None:
            del r["helpUri"]
    return out


@functools.lru_cache(maxsize=64)  # pure; asked once per result of a large log
def artifact_uri(source: str) -> str:
    """The snapshot as a SARIF URI: relative paths as they are, absolute ones as ``file:``."""
    if not source:
        return "."
    path = FsPath(source)
    if path.is_absolute():
        return path.as_uri()
    return quote(path.as_posix(), safe="/")


def arn_lines(source: str, arns: Iterable[str]) -> dict[str, int]:
    """1-based line where each ARN first appears (as a JSON string) in the snapshot file."""
    wanted = set(arns)
    found: dict[str, int] = {}
    if not source or not os.path.isfile(source) or not wanted:
        return found
    try:
        with open(source, encoding="utf-8", errors="replace") as fh:
            for n, line in enumerate(fh, 1):
                if '"arn:' not in line:
                    continue
                for arn in _ARN.findall(line):
                    if arn in wanted and arn not in found:
                        found[arn] = n
                if len(found) == len(wanted):
                    break
    except OSError:
        return {}
    return found


def result(
    f: Finding, source: str, lines: Mapping[str, int], extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """One SARIF result for a finding."""
    msg = f"{f.title} [{f.escalation}]"
    if f.conditional:
        msg += " if " + "; ".join(f.conditions)
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(source)}}
    if f.source in lines:
        physical["region"] = {"startLine": lines[f.source]}
    out: dict[str, Any] = {
        "ruleId": rule_id(f),
        "level": LEVEL[f.escalation],
        "message": {"text": msg},
        "locations": [
            {
                "physicalLocation": physical,
                "logicalLocations": [{"fullyQualifiedName": f.source, "kind": "principal"}],
            }
        ],
        "partialFingerprints": {FINGERPRINT: fingerprint(f)},
        "properties": {
            "kind": f.kind,
            "source": f.source,
            "target": f.target,
            "role": f.role,
            "service": f.service,
            "escalation": f.escalation,
            "conditional": f.conditional,
            "conditions": list(f.conditions),
            "constraints": list(f.constraints),
        },
    }
    if extra:
        out.update(extra)
    return out


class ResultText(Rendered):
    """:func:`result` of a finding (no ``extra``), written as indented text directly."""

    __slots__ = ("finding", "lines", "source")

    def __init__(self, finding: Finding, source: str, lines: Mapping[str, int]) -> None:
        self.finding = finding
        self.source = source
        self.lines = lines

    def render(self, newline: str, step: str) -> str:
        f = self.finding
        i1 = newline + step
        i2 = i1 + step
        i3 = i2 + step
        i4 = i3 + step
        i5 = i4 + step
        msg = f"{f.title} [{f.escalation}]"
        if f.conditional:
            msg += " if " + "; ".join(f.conditions)
        line = self.lines.get(f.source)
        region = (
            ""
            if line is None
            else f',{i4}"region": {{{i5}"startLine": {int(line)}{i4}}}'  # int: as json writes
        )
        source = string(f.source)
        return (
            f'{{{i1}"ruleId": {string(rule_id(f))},{i1}"level": {string(LEVEL[f.escalation])},'
            f'{i1}"message": {{{i2}"text": {string(msg)}{i1}}},'
            f'{i1}"locations": [{i2}{{{i3}"physicalLocation": {{'
            f'{i4}"artifactLocation": {{{i5}"uri": {string(artifact_uri(self.source))}{i4}}}'
            f"{region}{i3}}},"
            f'{i3}"logicalLocations": [{i4}{{{i5}"fullyQualifiedName": {source},'
            f'{i5}"kind": "principal"{i4}}}{i3}]{i2}}}{i1}],'
            f'{i1}"partialFingerprints": {{{i2}{_FINGERPRINT}: {string(fingerprint(f))}{i1}}},'
            f'{i1}"properties": {{{i2}"kind": {string(f.kind)},{i2}"source": {source},'
            f'{i2}"target": {string(f.target)},{i2}"role": {opt_string(f.role)},'
            f'{i2}"service": {opt_string(f.service)},'
            f'{i2}"escalation": {string(f.escalation)},'
            f'{i2}"conditional": {"true" if f.conditional else "false"},'
            f'{i2}"conditions": {_strings(f.conditions, i2, step)},'
            f'{i2}"constraints": {_strings(f.constraints, i2, step)}{i1}}}{newline}}}'
        )


def _strings(values: Iterable[str], newline: str, step: str) -> str:
    """An indented list of strings (``[]`` when empty)."""
    inner = newline + step
    body = ("," + inner).join(map(string, values))
    return f"[{inner}{body}{newline}]" if body else "[]"


def log(
    results: list[dict[str, Any]],
    findings: Iterable[Finding],
    properties: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A SARIF log with one run of iam-explore holding ``results``."""
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "iam-explore",
                "informationUri": INFORMATION_URI,
                "rules": rules(findings),
            }
        },
        "results": results,
    }
    if properties:
        run["properties"] = dict(properties)
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def scan_log(analysis: Any, *, stream: bool = False) -> dict[str, Any]:
    """SARIF of a scan: every finding whose source is not already admin-equivalent.

    With ``stream``, the results are an iterator, made as they are written
    (:func:`core.report.json_text.write_indented`): a large account's log is never held whole.
    """
    findings = [f for f in analysis.findings if not f.source_is_admin]
    source = analysis.account.source
    lines = arn_lines(source, {f.source for f in findings})
    results = (
        (ResultText(f, source, lines) for f in findings)
        if stream
        else (result(f, source, lines) for f in findings)
    )
    return log(
        results if stream else list(results),  # type: ignore[arg-type]  # written as a list
        findings,
        {"analysed_at": analysis.analysed_at},
    )


def diff_log(d: Any) -> dict[str, Any]:
    """SARIF of a diff: new findings (``baselineState: new``) and worse ones (``updated``),
    located in the NEW snapshot; removed findings are counted in the run's properties."""
    shown = [c for c in d.findings if c.worse]
    source = d.new.account.source
    lines = arn_lines(source, {c.finding.source for c in shown})
    results = [
        result(
            c.finding,
            source,
            lines,
            {"baselineState": "new" if c.status == "added" else "updated"},
        )
        for c in shown
    ]
    for r, c in zip(results, shown, strict=True):
        changed = sorted({s.ref.policy.name for s in c.statements if s.changed})
        if changed:
            r["message"]["text"] += " (changed: " + ", ".join(changed) + ")"
    admins = d.new_admin_principals
    lines = arn_lines(source, admins)
    for arn in admins:
        reason = d.new.admins[arn]
        physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(source)}}
        if arn in lines:
            physical["region"] = {"startLine": lines[arn]}
        results.append(
            {
                "ruleId": ADMIN_RULE["id"],
                "level": "error",
                "message": {"text": f"{arn} is now admin-equivalent: {reason.detail}"},
                "locations": [
                    {
                        "physicalLocation": physical,
                        "logicalLocations": [{"fullyQualifiedName": arn, "kind": "principal"}],
                    }
                ],
                "partialFingerprints": {
                    FINGERPRINT: hashlib.sha256(f"admin-equivalent|{arn}".encode()).hexdigest()[:32]
                },
                "baselineState": "new",
                "properties": {"principal": arn, "how": reason.kind, "detail": reason.detail},
            }
        )
    out = log(
        results,
        [c.finding for c in shown],
        {
            "baseline": d.old.account.source,
            "analysed_at": d.new.analysed_at,
            "summary": d.summary(),
        },
    )
    out["runs"][0]["tool"]["driver"]["rules"].append(dict(ADMIN_RULE))
    return out
