"""The bundled copy of AWS managed policies, for exports that attach one but leave it out.

Exports made with ``--filter`` (or by other tools) may list an attachment to
``arn:aws:iam::aws:policy/AdministratorAccess`` without its document in ``Policies``. The
package ships the default versions of every AWS managed policy (``core/data``, dated
:data:`BUNDLE_DATE`); the loader takes such a policy from there and warns that it did. The file
is read on first use only (no I/O at import time).
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from collections.abc import Iterable

    from core.model.errors import Problem

BUNDLE_FILE: Final = "aws-managed-policies.json.gz"
BUNDLE_DATE: Final = "2026-03"
"""When the bundled copy was taken (also recorded inside the file as ``SnapshotDate``)."""
BUNDLED_COPY: Final = "iam-explore's bundled copy of AWS managed policies"
"""How the loader's warning names the bundle; :func:`bundled_in` finds the policies by it."""


def is_aws_managed(arn: str) -> bool:
    """Whether the ARN names an AWS managed policy (``arn:<partition>:iam::aws:policy/...``)."""
    parts = arn.split(":", 5)
    return (
        len(parts) == 6
        and parts[2] == "iam"
        and parts[4] == "aws"
        and parts[5].startswith("policy/")
    )


@cache
def _bundle() -> tuple[str, dict[str, dict[str, Any]]]:
    path = resources.files("core").joinpath("data", BUNDLE_FILE)
    data = json.loads(gzip.decompress(path.read_bytes()))
    by_path = {
        str(p["Arn"]).split(":", 5)[5]: p
        for p in data.get("Policies", [])
        if isinstance(p, dict) and isinstance(p.get("Arn"), str)
    }
    return str(data.get("SnapshotDate", BUNDLE_DATE)), by_path


def bundle_date() -> str:
    """The date of the bundled copy, as recorded in the file."""
    return _bundle()[0]


def bundled_policy(arn: str) -> dict[str, Any] | None:
    """The bundled ``Policies`` entry for an AWS managed policy ARN (any partition), or ``None``.

    The entry's ``Arn`` is the one asked for, so a China or GovCloud ARN keeps its partition.
    """
    if not is_aws_managed(arn):
        return None
    found = _bundle()[1].get(arn.split(":", 5)[5])
    if found is None:
        return None
    return {**found, "Arn": arn}


def bundled_in(problems: Iterable[Problem]) -> frozenset[str]:
    """ARNs of the policies an account took from the bundled copy (the loader warns for each)."""
    return frozenset(p.policy for p in problems if p.policy and BUNDLED_COPY in p.message)
