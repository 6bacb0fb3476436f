"""Lint the actions named in an account's policies against the AWS action catalogue.

AWS accepts a policy that names an unknown action (it simply never matches), so a typo such as
``iam:PassRoles`` silently grants nothing. Such names are reported as warnings, located by
policy and statement. AWS managed policies are not linted: AWS owns them, and they may name
actions newer or older than the catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from core.load.catalogue import catalogue
from core.model.account import Account, PolicyDocument
from core.model.errors import IamExploreError, Problem


def _check(pattern: str) -> str | None:
    try:
        return _checked(pattern)
    except IamExploreError:
        return None  # no catalogue: nothing to say (not kept: a later load may work)


@lru_cache(maxsize=65536)
def _checked(pattern: str) -> str | None:
    """The catalogue's verdict on an action pattern (kept per pattern; a failed catalogue
    load raises, and ``lru_cache`` keeps no exception)."""
    return catalogue().check_action_pattern(pattern)


def lint_document(
    doc: PolicyDocument, *, policy: str, path: str = "", file: str = ""
) -> list[Problem]:
    """Warnings for unknown or malformed action names in one document."""
    out = []
    for st in doc.statements:
        for action in st.actions:
            message = _check(action)
            if message is not None:
                out.append(
                    Problem(
                        message,
                        policy=policy,
                        path=path,
                        statement=st.index,
                        file=file,
                        severity="warning",
                    )
                )
    return out


def lint_account(account: Account) -> list[Problem]:
    """Warnings for every customer-written policy of the account."""
    out: list[Problem] = []
    docs: list[tuple[PolicyDocument, str]] = []
    for e in account.entities:
        docs.extend((p.document, f"{e.kind} {e.name} inline {p.name}") for p in e.inline_policies)
    for mp in account.policies:
        if not mp.is_aws_managed:
            docs.extend((v.document, f"{mp.arn} ({v.version_id})") for v in mp.versions)
    for level in account.scp_levels:
        docs.extend((sp.document, f"SCP {sp.name} at {level.target}") for sp in level.policies)
    for doc, label in docs:
        out.extend(lint_document(doc, policy=label, file=account.source))
    return out


def unique(problems: Iterable[Problem]) -> list[Problem]:
    """Problems without duplicates, in order."""
    return list(dict.fromkeys(problems))
