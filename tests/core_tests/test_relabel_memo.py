"""Relabelled reasons shared between the edges of one relabelling.

A principal that borrows another's edges (the same statements for the actions decided: see
``test_passrole_sharing``) cites its own attachments; the PassRole and launch steps recur on
every role, so each reason is relabelled once per relabelling and shared by the edges.
"""

from __future__ import annotations

from core.escalate.findings import Reason
from core.escalate.passrole_edges import ReasonMemo, relabel_reasons
from core.evaluate.decision import PolicyRef, StatementRef
from core.evaluate.principal import Relabelling, relabelling
from core.load.policy_parser import parse_policy
from tests.core_tests.accounts import doc

DOC = parse_policy(doc({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}), "identity")
THEIRS = PolicyRef("deploy", DOC, "arn:aws:iam::111122223333:policy/deploy", "user alice")
MINE = PolicyRef("deploy", DOC, "arn:aws:iam::111122223333:policy/deploy", "user bob")
OTHER = PolicyRef("trust", DOC, None, "trust policy of role app")


def _swap() -> Relabelling:
    """Cite MINE where THEIRS is cited."""
    swap = relabelling((THEIRS,), (MINE,))
    assert swap
    return swap


def test_a_reason_shared_by_two_edges_is_relabelled_once_and_shared() -> None:
    passrole = Reason("passrole", "may pass", (StatementRef(THEIRS, DOC.statements[0]),))
    trust_a = Reason("trust", "app-a trusts ec2", (StatementRef(OTHER, DOC.statements[0]),))
    trust_b = Reason("trust", "app-b trusts ec2", (StatementRef(OTHER, DOC.statements[0]),))
    swap = _swap()
    memo: ReasonMemo = {}
    a = relabel_reasons((passrole, trust_a), swap, memo)
    b = relabel_reasons((passrole, trust_b), swap, memo)
    assert a[0] is b[0], "the shared PassRole step is relabelled once"
    assert a[0].statements[0].policy is MINE
    assert a[1] is trust_a and b[1] is trust_b, "reasons citing nothing swapped stay as they are"
    assert a == relabel_reasons((passrole, trust_a), swap), "the same as without the memo"


def test_a_tuple_with_nothing_to_relabel_is_returned_as_is() -> None:
    trust = Reason("trust", "app trusts ec2", (StatementRef(OTHER, DOC.statements[0]),))
    reasons = (trust,)
    assert relabel_reasons(reasons, _swap(), {}) is reasons


def test_equal_reasons_with_different_statements_are_not_confused() -> None:
    """The memo is keyed by identity: two equal-looking reasons citing different statements
    (different documents) keep their own citations."""
    other_doc = parse_policy(
        doc({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}), "identity"
    )
    theirs2 = PolicyRef("deploy", other_doc, None, "user alice")
    first = Reason("passrole", "may pass", (StatementRef(THEIRS, DOC.statements[0]),))
    second = Reason("passrole", "may pass", (StatementRef(theirs2, other_doc.statements[0]),))
    memo: ReasonMemo = {}
    swap = _swap()
    assert relabel_reasons((first,), swap, memo)[0].statements[0].policy is MINE
    assert relabel_reasons((second,), swap, memo)[0] is second
