"""What a resource inventory costs the analysis.

Usage: ``.venv/bin/python bench/inventory_bench.py [--copies 100] [--runs 5]``

Analyses the mid-size sample three ways, interleaved so shared caches favour none: without its
inventory, with it (28 resources), and with the inventory copied ``--copies`` times under new
names (every resource checked on its own ARN). Prints the median wall time of each and the
ratios to the run without an inventory.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace

from core.escalate.analysis import analyse
from core.load.inventory import Inventory, RegionInventory
from core.load.samples import sample_path
from core.load.snapshot import load_account
from core.model.account import Account


def copied(inventory: Inventory, copies: int) -> Inventory:
    """The inventory with every resource repeated ``copies`` times under new names and ARNs."""
    regions = []
    for region in inventory.regions:
        resources = tuple(
            replace(r, name=f"{r.name}-{n}", arn=f"{r.arn}-{n}")
            for n in range(copies)
            for r in region.resources
        )
        regions.append(RegionInventory(region.region, region.status, resources, region.notes))
    return Inventory(tuple(regions), inventory.all_regions)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=100)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    account = load_account(sample_path("midsize-company"))
    assert account.inventory is not None
    variants: dict[str, Account] = {
        "no inventory": replace(account, inventory=None),
        "inventory": account,
        f"inventory x{args.copies}": replace(
            account, inventory=copied(account.inventory, args.copies)
        ),
    }
    times: dict[str, list[float]] = {k: [] for k in variants}
    sizes = {k: sum(1 for _ in (a.inventory.resources() if a.inventory else ())) for k, a in
             variants.items()}  # fmt: skip
    for _ in range(args.runs):
        for name, acc in variants.items():
            fresh = replace(acc)  # a new Account: no per-account caches carried over
            start = time.perf_counter()
            analyse(fresh)
            times[name].append(time.perf_counter() - start)
    base = statistics.median(times["no inventory"])
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"{name:>16}: {sizes[name]:>5} resources  median {med:.3f}s  ×{med / base:.2f}")


if __name__ == "__main__":
    main()
