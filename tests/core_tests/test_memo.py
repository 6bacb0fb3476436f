"""Memos live on the model objects they describe (core/model/memo.py), never in module state.

The memo is a private slot, not a dataclass field: equality, hashing, ``repr``, ``replace``,
copying and pickling of the model are what they were without it, and a changed copy (a
what-if's new document) starts with an empty memo.
"""

from __future__ import annotations

import copy
import pickle
from dataclasses import fields, replace

from core.escalate.capabilities import doc_caps
from core.evaluate.evaluator import matching
from core.load.policy_parser import parse_policy_strict
from core.model.account import Account, ConditionClause, PolicyDocument, Role, Statement
from core.model.memo import memo_of

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
