"""The analysis with every way of sharing work between principals turned off, and the scan
report in a form two analyses can be compared by.

For speed the analysis computes once and relabels for each principal: principals holding the
same documents share one *signature* (their edges, :class:`core.escalate.analysis._Citations`),
views whose statements for the actions decided are the same share edges and launches by
*scope key* (:meth:`core.evaluate.principal.PrincipalView.scope_key`, kept in the account's
bounded tables), views share *decisions* on the same matching statements
(:meth:`PrincipalView._shared_key`), and :class:`core.escalate.analysis._Powers` keeps
escalation labels per (source signature, target signature). :func:`sharing_off` turns each of
them off, so every principal is computed alone (and, within one principal's PassRole edges,
each role: roles its statements treat alike otherwise share a verdict); :func:`comparable` is
the full scan report with statement ids resolved to the statements, and :func:`differences`
says where two differ.
Sharing is correct when the two analyses of one account give the same report.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from core.escalate import analysis as analysis_mod
from core.escalate import method_edges, passrole_edges
from core.escalate.analysis import Analysis, _Powers, analyse
from core.evaluate import principal as principal_mod
from core.evaluate.principal import PrincipalView
from core.model.account import Account, Role, User
from core.model.memo import BoundedTable
from core.report.scan import to_json


@contextmanager
def sharing_off() -> Iterator[None]:
    """Analyses run meanwhile compute every principal alone (see the module docstring)."""
    original_view = principal_mod.principal_view
    original_gain = _Powers.gain

    def alone(
        account: Account,
        principal: User | Role,
        now: float | None = None,
        shared: Any = None,
    ) -> PrincipalView:
        # (1) signatures: a principal's own ARN in it, so no two principals share one.
        view = original_view(account, principal, now, shared)
        view.signature = (*view.signature, "alone", principal.arn)
        return view

    def never_shared(obj: object, name: str, budget: int) -> BoundedTable[Any, Any]:
        # (2) scope keys: every lookup in the shared tables of edges and launches misses.
        return BoundedTable(budget)

    def unshared_key(self: PrincipalView, *args: object) -> tuple[tuple[()], tuple[()]]:
        # (3) shared decisions: no key, so every view evaluates its own requests.
        return (), ()

    def gain_alone(self: _Powers, source: PrincipalView, target: PrincipalView) -> tuple[str, Any]:
        # (4) pair labels: none kept from one (source, target) pair to the next.
        self.gains.clear()
        return original_gain(self, source, target)

    def per_role(*args: object) -> None:
        # (5) roles alike: no PassRole verdict or launch choice reused from one role to the next
        # within a principal's edges (not between principals, but relabelled all the same).
        return None

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(passrole_edges, "_decision_class", per_role)
        mp.setattr(passrole_edges, "_role_keys_read", lambda *args: True)
        mp.setattr(principal_mod, "principal_view", alone)
        mp.setattr(analysis_mod, "principal_view", alone)
        mp.setattr(passrole_edges, "memo_bounded", never_shared)
        mp.setattr(method_edges, "memo_bounded", never_shared)
        mp.setattr(PrincipalView, "_shared_key", unshared_key)
        mp.setattr(_Powers, "gain", gain_alone)
        yield


def comparable(a: Analysis) -> dict[str, Any]:
    """The full scan report (every edge, admin sources included) with each statement id
    replaced by the statement it names (ids are per report)."""
    report: dict[str, Any] = json.loads(
        json.dumps(to_json(a, include_admin_sources=True, all_edges=True))
    )
    rows = report.pop("statements")

    def resolve(reasons: list[dict[str, Any]]) -> None:
        for r in reasons:
            r["statements"] = [rows[s] for s in r["statements"]]

    for f in report["findings"]:
        resolve(f["reasons"])
    for p in report["paths"]:
        for h in p["hops"]:
            resolve(h["reasons"])
    for g in report["edge_groups"]:
        g["statements"] = [rows[s] for s in g["statements"]]
    report.pop("source", None)
    return report


def differences(shared: dict[str, Any], alone: dict[str, Any], limit: int = 20) -> list[str]:
    """Where two :func:`comparable` reports differ: one line per finding, path or other key
    (at most ``limit``), empty when they are the same."""
    out: list[str] = []

    def key(f: dict[str, Any]) -> tuple[object, ...]:
        return (f["kind"], f["source"], f["target"], f["service"], f.get("via"))

    for name, keyed in (
        ("findings", key),
        ("paths", lambda p: (p["source"],)),
        ("edge_groups", lambda g: (g["source"], g["service"], g["via"], repr(g["statements"]))),
    ):
        mine = {keyed(x): x for x in shared[name]}
        theirs = {keyed(x): x for x in alone[name]}
        for k in sorted(mine.keys() | theirs.keys(), key=repr):
            a, b = mine.get(k), theirs.get(k)
            if a == b:
                continue
            if a is None or b is None:
                out.append(f"{name} {k}: {'only alone' if a is None else 'only shared'}")
                continue
            fields = sorted(f for f in a.keys() | b.keys() if a.get(f) != b.get(f))
            for f in fields:
                x, y = a.get(f), b.get(f)
                if isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
                    # Only the items that differ (a finding's reasons are long).
                    x, y = zip(*((i, j) for i, j in zip(x, y, strict=True) if i != j), strict=True)
                out.append(f"{name} {k} {f}:\n  shared: {x}\n  alone:  {y}")
        if [keyed(x) for x in shared[name]] != [keyed(x) for x in alone[name]] and not out:
            out.append(f"{name}: the same items in another order")
    for name in shared.keys() | alone.keys():
        if name not in ("findings", "paths", "edge_groups") and shared.get(name) != alone.get(name):
            out.append(f"{name}:\n  shared: {shared.get(name)}\n  alone:  {alone.get(name)}")
    return out[:limit]


def both_ways(load: Any, at: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The comparable reports of a fresh account from ``load()`` analysed with sharing and of
    another fresh one analysed alone (a fresh account each: the shared tables live in its
    memo)."""
    shared = comparable(analyse(load(), at=at))
    with sharing_off():
        alone = comparable(analyse(load(), at=at))
    return shared, alone
