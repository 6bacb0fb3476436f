"""Decisions per second of the evaluator on realistic policy sets.

Usage: ``.venv/bin/python bench/eval_bench.py [--seconds 3]``

Two workloads, each on cached principals (views built once, decision caches off):
1. every principal of the mid-size sample against a mix of actions and resources;
2. the largest AWS managed policies in the sample (ReadOnlyAccess and friends) attached to one
   principal, against catalogue actions.
Prints one line per workload: decisions, seconds, decisions per second (median of 5 runs).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from core.evaluate.evaluator import CALLER_CHOSEN, Request, evaluate
from core.evaluate.principal import principal_view
from core.load.catalogue import catalogue
from core.load.samples import sample_path
from core.load.snapshot import load_account


def _rate(work: Callable[[], int], runs: int = 5) -> tuple[int, float, float]:
    rates, total, seconds = [], 0, 0.0
    for _ in range(runs):
        start = time.perf_counter()
        n = work()
        elapsed = time.perf_counter() - start
        rates.append(n / elapsed)
        total, seconds = n, elapsed
    return total, seconds, statistics.median(rates)


def main() -> None:
    argparse.ArgumentParser(description=__doc__).parse_args()
    account = load_account(sample_path("midsize-company"))
    views = [principal_view(account, p) for p in account.principals]
    actions = [
        "iam:PassRole",
        "ec2:RunInstances",
        "s3:GetObject",
        "lambda:CreateFunction",
        "sts:AssumeRole",
        "iam:CreatePolicyVersion",
        "kms:Decrypt",
        "glue:CreateJob",
    ]
    resources = [r.arn for r in account.roles[:10]] + [CALLER_CHOSEN, "*"]
    contexts = [v.context({"iam:PassedToService": "ec2.amazonaws.com"}) for v in views]

    def midsize() -> int:
        n = 0
        for v, ctx in zip(views, contexts, strict=True):
            for a in actions:
                for r in resources:
                    evaluate(Request(v.arn, a, r, ctx), v.policies)
                    n += 1
        return n

    biggest = sorted(account.policies, key=lambda p: -len(p.document.text))[:5]
    names = [p.name for p in biggest]
    heavy = next(v for v in views if v.policies.identity)
    from dataclasses import replace

    from core.evaluate.decision import PolicyRef

    heavy_ps = replace(
        heavy.policies,
        identity=tuple(PolicyRef(p.name, p.document, p.arn, "bench") for p in biggest),
    )
    cat_actions = [a.full_name for a in catalogue().expand("*")][::20]
    ctx = heavy.context()

    def managed() -> int:
        for a in cat_actions:
            evaluate(Request(heavy.arn, a, CALLER_CHOSEN, ctx), heavy_ps)
        return len(cat_actions)

    n, s, rate = _rate(midsize)
    print(f"mid-size sample: {n} decisions in {s:.2f}s, median {rate:,.0f} decisions/s")
    n, s, rate = _rate(managed)
    print(
        f"largest managed policies ({', '.join(names)}): {n} decisions in {s:.2f}s, "
        f"median {rate:,.0f} decisions/s"
    )


if __name__ == "__main__":
    main()
