"""Memos live on the model objects they describe (core/model/memo.py), never in module state.

The memo is a private slot, not a dataclass field: equality, hashing, ``repr``, ``replace``,
copying and pickling of the model are what they were without it, and a changed copy (a
what-if's new document) starts with an empty memo.
"""

from __future__ import annotations

import copy
import pickle
import re
from dataclasses import fields, replace
from pathlib import Path

from core.escalate.capabilities import doc_caps
from core.evaluate.evaluator import matching
from core.load.policy_parser import parse_policy_strict
from core.model.account import Account, ConditionClause, PolicyDocument, Role, Statement
from core.model.memo import BoundedTable, memo_of

_TEXT = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole",'
    ' "Resource": "*",'
    ' "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}}]}'
)


def _doc() -> PolicyDocument:
    doc = parse_policy_strict(_TEXT)
    assert doc.statements[0].conditions
    return doc


def test_equality_hash_and_repr_ignore_the_memo() -> None:
    a, b = _doc(), _doc()
    memo_of(a)["probe"] = 1
    memo_of(a.statements[0])["probe"] = 2
    memo_of(a.statements[0].conditions[0])["probe"] = 3
    assert a == b and hash(a) == hash(b)
    assert repr(a) == repr(b)
    assert memo_of(b) == {}


def test_the_memo_is_not_a_field_and_not_pickled_or_copied() -> None:
    doc = _doc()
    memo_of(doc)["probe"] = 1
    for cls in (ConditionClause, Statement, PolicyDocument, Role, Account):
        assert "_memo" not in {f.name for f in fields(cls)}
    assert pickle.dumps(doc) == pickle.dumps(_doc())
    assert memo_of(pickle.loads(pickle.dumps(doc))) == {}
    assert memo_of(copy.deepcopy(doc)) == {}
    assert memo_of(copy.copy(doc)) == {}


def test_a_changed_copy_gets_fresh_derived_values() -> None:
    # A what-if replaces the statement's actions: the copy's matches come from its own memo.
    doc = _doc()
    assert matching(doc, "iam:PassRole") == doc.statements
    assert doc_caps(doc)
    st = replace(doc.statements[0], actions=("s3:GetObject",))
    changed = replace(doc, statements=(st,))
    assert memo_of(changed) == {} and memo_of(st) == {}
    assert matching(changed, "iam:PassRole") == ()
    assert matching(doc, "iam:PassRole") == doc.statements  # the original keeps its memo
    assert "evaluate.matching" in memo_of(doc)


def test_no_module_level_cache_in_core_is_keyed_by_object_ids() -> None:
    # Issue 16 item 3: derived values live in the memo of the object they describe (or in an
    # owner passed explicitly), never in a module dict keyed by id() (ints) that must pin
    # its objects and be cleared by hand.
    core = Path(__file__).resolve().parents[2] / "core"
    # A module constant (``_NAME``) indexed, read or written with an id(): ``_X.get(id(o))``,
    # ``_X[(id(o), a)] = ...``.
    keyed_by_id = re.compile(r"\b_[A-Z][A-Z_]*(?:\.get\(|\.setdefault\(|\[)\(?id\(")
    found = [
        f"{p.relative_to(core)}: {m.group(0)}"
        for p in sorted(core.rglob("*.py"))
        for m in keyed_by_id.finditer(p.read_text(encoding="utf-8"))
    ]
    assert found == []
    # The check sees such a cache where one is written.
    assert keyed_by_id.search("    hit = _INDEX.get(id(doc))")
    assert keyed_by_id.search("    _MATCHING[(id(doc), action)] = out")
    assert not keyed_by_id.search("    hit = memo.get(id(d))")  # a memo passed in: allowed


def test_a_bounded_table_drops_the_least_recently_used_past_its_budget() -> None:
    table: BoundedTable[str, str] = BoundedTable(5)
    table.put("a", "A", 2)
    table.put("b", "B", 2)
    assert table.get("a") == "A"  # now the most recently used
    table.put("c", "C", 2)  # 6 > 5: "b", the least recently used, goes
    assert list(table) == ["a", "c"]
    assert table.get("b") is None
    assert table.weight == 4
    table.put("a", "A2", 1)  # replacing a value counts its new weight only
    assert (table.get("a"), table.weight) == ("A2", 3)
    table.put("big", "X", 9)  # alone over budget: kept (the last one put is never dropped)
    assert list(table) == ["big"] and table.weight == 9
