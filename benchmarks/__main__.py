"""Every benchmark, one after another: ``python -m benchmarks`` (``make bench``).

Each runs in a process of its own (its peak memory is its own). A benchmark that needs a
service this machine was not given is skipped, not failed, and the summary says why.
Exit status: 1 when any benchmark failed (over budget or broken), else 0, skips included.

    python -m benchmarks [NAME ...]     # only these, e.g. draw_ranking parse_memory
"""

import os
import subprocess
import sys
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Benchmark:
    name: str
    needs: tuple[str, ...] = ()
    args: tuple[str, ...] = ()

    @property
    def command(self):
        return [sys.executable, "-m", f"benchmarks.{self.name}", *self.args]


# In the order `make bench` runs them: the ones that need nothing first.
BENCHMARKS = [
    Benchmark("draw_ranking"),
    Benchmark("activity_files"),
    Benchmark("parse_memory"),
    Benchmark("programme_scale", needs=("postgresql", "redis")),
    # --keep: draw_verify times the verifier on the draw this one published.
    Benchmark("draw_snapshot", needs=("postgresql",), args=("--keep", "--reuse")),
    Benchmark("draw_verify", needs=("postgresql",)),  # times the verifier on draw_snapshot's file
    Benchmark("signup_timing", needs=("postgresql", "redis")),
]


def missing(needs, environ):
    """Why a benchmark needing ``needs`` cannot run with ``environ``, or ""."""
    reasons = []
    if "postgresql" in needs and not environ.get("DATABASE_URL", "").startswith(
        ("postgres://", "postgresql://")
    ):
        reasons.append("needs DATABASE_URL pointing at PostgreSQL")
    if "redis" in needs and not environ.get("REDIS_URL"):
        reasons.append("needs REDIS_URL")
    return "; ".join(reasons)


def run_all(benchmarks, *, environ, out=sys.stdout):
    """Run ``benchmarks``, print a summary; the exit status (1 if any failed)."""
    passed, failed, skipped = [], [], []
    for benchmark in benchmarks:
        if reason := missing(benchmark.needs, environ):
            skipped.append((benchmark.name, reason))
            print(f"\n== {benchmark.name}: skipped, {reason}", file=out, flush=True)
            continue
        print(f"\n== {benchmark.name}", file=out, flush=True)
        started = time.perf_counter()
        status = subprocess.run(benchmark.command, env=environ, check=False).returncode  # noqa: S603
        seconds = time.perf_counter() - started
        (passed if status == 0 else failed).append((benchmark.name, status, seconds))

    print("\n== Summary", file=out)
    for name, _status, seconds in passed:
        print(f"passed   {name} ({seconds:.0f} s)", file=out)
    for name, status, seconds in failed:
        print(f"FAILED   {name} (exit status {status}, {seconds:.0f} s)", file=out)
    for name, reason in skipped:
        print(f"skipped  {name}: {reason}", file=out)
    return 1 if failed else 0


def main(argv=None):
    names = sys.argv[1:] if argv is None else argv
    unknown = set(names) - {benchmark.name for benchmark in BENCHMARKS}
    if unknown:
        print(f"Unknown benchmark: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    chosen = [benchmark for benchmark in BENCHMARKS if not names or benchmark.name in names]
    return run_all(chosen, environ=dict(os.environ))


if __name__ == "__main__":
    sys.exit(main())
