"""Prize draw at scale: 1,000,000 entrants with 1-6 tickets each.

    python -m benchmarks.draw_ranking [--entrants N] [--winners K] [--alternates M]

Budget: snapshot (canonical_entries + entries_digest) plus ranking (draw_result) under 10 s,
peak process memory under 500 MB. parse_entries is timed too (the verifier's cost) but is
not part of the budget. Exit status 1 when over budget.
"""

from __future__ import annotations

import argparse
import random
import secrets
import sys
import time
import uuid

from benchmarks import peak_rss_mb
from rewards.draw_core import canonical_entries, draw_result, entries_digest, parse_entries

TIME_BUDGET_S = 10.0
MEMORY_BUDGET_MB = 500.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.draw_ranking")
    parser.add_argument("--entrants", type=int, default=1_000_000)
    parser.add_argument("--winners", type=int, default=300)
    parser.add_argument("--alternates", type=int, default=300)
    args = parser.parse_args(argv)

    rng = random.Random(20240601)  # fixed, so runs are comparable
    rows = [
        (str(uuid.UUID(int=rng.getrandbits(128), version=4)), rng.randint(1, 6))
        for _ in range(args.entrants)
    ]
    total_tickets = sum(t for _, t in rows)
    seed = secrets.token_bytes(32)
    print(f"entrants={len(rows):,} tickets={total_tickets:,} k={args.winners} m={args.alternates}")
    print(f"rss after generating input: {peak_rss_mb():.0f} MB")

    timings: dict[str, float] = {}

    def timed(name, fn):
        start = time.perf_counter()
        value = fn()
        timings[name] = time.perf_counter() - start
        print(f"{name:<18} {timings[name]:7.2f} s")
        return value

    data = timed("canonical_entries", lambda: canonical_entries(rows))
    digest = timed("entries_digest", lambda: entries_digest(data))
    entries = timed("parse_entries", lambda: parse_entries(data))
    result = timed(
        "draw_result",
        lambda: draw_result(
            entries,
            seed=seed,
            public_entropy="benchmark beacon",
            winners=args.winners,
            alternates=args.alternates,
        ),
    )
    assert len(result) == min(args.winners + args.alternates, len(rows))

    budgeted = timings["canonical_entries"] + timings["entries_digest"] + timings["draw_result"]
    peak = peak_rss_mb()
    time_ok = budgeted < TIME_BUDGET_S
    memory_ok = peak < MEMORY_BUDGET_MB
    print(f"file size          {len(data) / 1e6:7.1f} MB  digest {digest[:16]}...")
    print(
        f"snapshot+ranking   {budgeted:7.2f} s   budget < {TIME_BUDGET_S:.0f} s    "
        f"{'PASS' if time_ok else 'FAIL'}"
    )
    print(
        f"peak RSS           {peak:7.0f} MB  budget < {MEMORY_BUDGET_MB:.0f} MB "
        f"{'PASS' if memory_ok else 'FAIL'}"
    )
    return 0 if time_ok and memory_ok else 1


if __name__ == "__main__":
    sys.exit(main())
