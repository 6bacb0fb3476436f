"""Capabilities as bit sets (issue 10): same findings as before, same gains as plain set algebra.

Findings must not change with the representation: each bundled sample's findings and paths
are compared with ``tests/data/scan-baseline.json``, recorded from the scan before bit sets
(``bench/compare_scans.py`` says how to regenerate it when a semantics change is intended).
The bit-set gains are compared with an independent restatement over ``(action, scope)`` pairs.

The baseline was written by ``bench/compare_scans.py --write-baseline`` from ``scan --all
--at 2026-12-01T00:00:00Z --format json --schema 1`` of each sample on ``main`` (a semantics
change that alters findings on purpose regenerates it the same way).
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.escalate.analysis import Analysis, analyse
from core.escalate.capabilities import as_pairs, gain_masks, gains_anything, summarize
from core.evaluate.principal import PrincipalView
from core.load.catalogue import catalogue
from core.load.samples import sample_path
from core.load.snapshot import load_account
from core.model.account import PolicyDocument, Statement
from core.model.patterns import arn_matches
from core.report.scan import to_json

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ("classic-story", "classic-story-fixed", "edge-cases", "midsize-company")

_spec = importlib.util.spec_from_file_location("compare_scans", ROOT / "bench/compare_scans.py")
assert _spec is not None and _spec.loader is not None
compare_scans = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(compare_scans)

_ANALYSES: dict[str, Analysis] = {}


AT = datetime(2026, 12, 1, tzinfo=UTC)
"""The analysis time the baseline was recorded at (``scan --at 2026-12-01T00:00:00Z``)."""


def _analysis(name: str) -> Analysis:
    if name not in _ANALYSES:
        _ANALYSES[name] = analyse(load_account(sample_path(name)), at=AT)
    return _ANALYSES[name]


@pytest.mark.parametrize("name", SAMPLES)
def test_findings_and_paths_match_the_recorded_baseline(name: str) -> None:
    recorded = json.loads((ROOT / "tests/data/scan-baseline.json").read_text())[name]
    report = to_json(_analysis(name), include_admin_sources=True, all_edges=True)
    now = compare_scans.baseline(json.loads(json.dumps(report)))
    assert now["findings"] == recorded["findings"]
    assert now["paths"] == recorded["paths"]


# -- an independent restatement over (action, scope) pairs --------------------------------------

Pair = tuple[str, str]


_NAMES: dict[int, tuple[Statement, frozenset[str]]] = {}


def _names(st: Statement) -> frozenset[str]:
    hit = _NAMES.get(id(st))
    if hit is None or hit[0] is not st:
        cat = catalogue()
        named = {i.full_name.lower() for p in st.actions for i in cat.expand(p)}
        if st.not_action:
            named = {i.full_name.lower() for i in cat.expand("*")} - named
        hit = _NAMES[id(st)] = (st, frozenset(named))
    return hit[1]


Caps = dict[str, set[str]]
"""action -> scopes"""


_DOC: dict[int, tuple[PolicyDocument, Caps]] = {}


def _allows(docs: Iterable[PolicyDocument]) -> Caps:
    """Allow statements' (action, scope), per document, merged (read-only)."""
    each = []
    for doc in docs:
        hit = _DOC.get(id(doc))
        if hit is None or hit[0] is not doc:
            hit = _DOC[id(doc)] = (doc, _doc_allows(doc))
        each.append(hit[1])
    if len(each) == 1:
        return each[0]
    out: Caps = {}
    for caps in each:
        for action, scopes in caps.items():
            out.setdefault(action, set()).update(scopes)
    return out


def _doc_allows(doc: PolicyDocument) -> Caps:
    """Allow statements' (action, scope): scope ``*`` for every resource, else each pattern
    (keeping only its service's actions when the pattern names a service)."""
    out: Caps = {}
    for st in doc.statements:
        if st.effect != "Allow":
            continue
        every = st.resources is None or st.not_resource or "*" in st.resources
        for scope in ("*",) if every else st.resources or ():
            parts = scope.split(":")
            svc = parts[2] if len(parts) > 2 and not set(parts[2]) & set("*?") else None
            for n in _names(st):
                if svc is None or n.split(":")[0] == svc:
                    out.setdefault(n, set()).add(scope)
    return out


def _covers(caps: Caps, pair: Pair) -> bool:
    action, scope = pair
    scopes = caps.get(action, set())
    return (
        "*" in scopes
        or scope in scopes
        or (scope != "*" and any(arn_matches(s, scope) for s in scopes))
    )


def _denied(view: PrincipalView, pair: Pair) -> bool:
    for ref in view.all_refs:
        for st in ref.document.statements:
            if st.effect != "Deny" or st.conditions or not st.resources or st.not_resource:
                continue
            if pair[0] in _names(st) and any(
                p == "*" or (pair[1] != "*" and arn_matches(p, pair[1])) for p in st.resources
            ):
                return True
    return False


def _keeps(view: PrincipalView, pair: Pair, raw: Caps, limits: list[Caps]) -> bool:
    return (
        _covers(raw, pair) and all(_covers(lim, pair) for lim in limits) and not _denied(view, pair)
    )


_PARTS: dict[str, tuple[Caps, list[Caps]]] = {}


def _parts(view: PrincipalView) -> tuple[Caps, list[Caps]]:
    if view.arn not in _PARTS:
        raw = _allows(r.document for r in view.policies.identity)
        limits = [_allows([view.policies.boundary.document])] if view.policies.boundary else []
        limits += [_allows(r.document for r in lvl) for lvl in view.policies.scp_levels]
        _PARTS[view.arn] = (raw, limits)
    return _PARTS[view.arn]


_TARGET: dict[str, set[Pair]] = {}


def _reference_gain(source: PrincipalView, target: PrincipalView) -> set[Pair]:
    caps = _TARGET.get(target.arn)
    if caps is None:
        t_raw, t_limits = _parts(target)
        pairs = {(a, s) for a, scopes in t_raw.items() for s in scopes}
        caps = _TARGET[target.arn] = {c for c in pairs if _keeps(target, c, t_raw, t_limits)}
    s_raw, s_limits = _parts(source)
    return {c for c in caps if not _keeps(source, c, s_raw, s_limits)}


def _edge_pairs(name: str) -> list[tuple[PrincipalView, PrincipalView]]:
    """(source, target) views of edges between two principals, one per signature pair (at most
    40, spread over the findings)."""
    a = _analysis(name)
    out: dict[tuple[object, object], tuple[PrincipalView, PrincipalView]] = {}
    for f in a.findings:
        if f.target in a.views and f.source != f.target and not f.source_is_admin:
            s, t = a.views[f.source], a.views[f.target]
            out.setdefault((s.signature, t.signature), (s, t))
    pairs = list(out.values())
    return pairs[:: max(1, len(pairs) // 40)]


@pytest.mark.parametrize("name", ["edge-cases", "midsize-company"])
def test_bit_set_gains_equal_the_pair_restatement(name: str) -> None:
    """ "privilege-gain: the role can do something the principal cannot" (README, Escalation
    labels): the bit sets give the same (action, scope) pairs as plain set algebra."""
    pairs = _edge_pairs(name)
    assert len(pairs) >= 5, "the sample has edges between principals"
    for source, target in pairs:
        expected = _reference_gain(source, target)
        assert as_pairs(gain_masks(source, target)) == expected, (source.arn, target.arn)
        assert gains_anything(source, target) == bool(expected)


@pytest.mark.parametrize("name", ["edge-cases", "midsize-company"])
def test_gains_are_the_same_whichever_source_came_before(name: str) -> None:
    """``gain_masks`` keeps what the last source allows per scope: every source paired with
    every target, sources alternating, still gives the pair restatement's gains."""
    views = list(_analysis(name).views.values())[:12]
    pairs = [(s, t) for t in views for s in views if s is not t]  # the source changes each time
    assert len({s.arn for s, _ in pairs}) >= 5
    for source, target in pairs + pairs[::-1]:
        expected = _reference_gain(source, target)
        assert as_pairs(gain_masks(source, target)) == expected, (source.arn, target.arn)


@pytest.mark.parametrize("name", ["edge-cases", "midsize-company"])
def test_gains_with_a_kept_source_memo_equal_fresh_ones(name: str) -> None:
    """The analysis keeps what a source allows per scope while it labels that source's edges
    (``gains_anything(..., allowed)``): every label must equal one decided from scratch, for
    targets in any order (the memo is keyed by scope and by whether SCPs are re-applied)."""
    pairs = _edge_pairs(name)
    by_source: dict[str, list[PrincipalView]] = {}
    for source, target in pairs:
        by_source.setdefault(source.arn, []).append(target)
    views = {s.arn: s for s, _ in pairs}
    every = [t for _, t in pairs]
    checked = 0
    for arn, source in views.items():
        memo: dict[tuple[str, bool], int] = {}
        for target in [*every, *reversed(every)]:
            if target.arn == arn:
                continue
            assert gains_anything(source, target, memo) == gains_anything(source, target)
            checked += 1
        assert memo, "the memo was used"
    assert checked >= 10


def test_summary_counts_each_action_once_per_service_and_level() -> None:
    cat = catalogue()
    n = cat.numbering()
    caps: dict[str, int] = {
        "*": cat.action_mask("iam:PassRole") | cat.action_mask("iam:GetRole"),
        "arn:aws:s3:::b/*": cat.action_mask("s3:GetObject") | cat.action_mask("s3:PutObject"),
        "arn:aws:s3:::c/*": cat.action_mask("s3:GetObject"),
    }
    lines = summarize(caps)
    assert lines[0] == "iam: 1 Write, 1 Read"
    assert lines[1] == "s3: 1 Write, 1 Read on arn:aws:s3:::b/*, arn:aws:s3:::c/*"
    assert n.names[n.bit["iam:passrole"]] == "iam:passrole"


def test_numbering_keeps_each_service_and_level_contiguous() -> None:
    cat = catalogue()
    n = cat.numbering()
    for svc, start, end, levels in n.spans:
        assert all(name.startswith(svc + ":") for name in n.names[start:end])
        assert levels[0][1] == start and levels[-1][2] == end
        for level, a, b in levels:
            info = cat.action(n.names[a])
            assert info is not None and info.access_level == level
            info = cat.action(n.names[b - 1])
            assert info is not None and info.access_level == level
    assert n.everything.bit_count() == len(n.names) == len(set(n.names))
    assert cat.action_mask("iam:Pass*") == 1 << n.bit["iam:passrole"]
