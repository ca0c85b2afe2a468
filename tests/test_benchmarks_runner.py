"""`make bench` (python -m benchmarks): runs every benchmark, skips what this machine cannot
run with the reason, and fails only on a real failure."""

import io
import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks.__main__ import BENCHMARKS, Benchmark, run_all


@dataclass(frozen=True)
class Script(Benchmark):
    code: str = "pass"

    @property
    def command(self):
        return [sys.executable, "-c", self.code]


NO_SERVICES = {"PATH": "/usr/bin:/bin"}
SERVICES = {
    **NO_SERVICES,
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def _run(benchmarks, environ):
    out = io.StringIO()
    return run_all(benchmarks, environ=environ, out=out), out.getvalue()


def test_it_runs_the_rest_after_one_needing_postgresql_and_lists_it_as_skipped(tmp_path):
    ran = tmp_path / "ran"
    status, output = _run(
        [
            Script("needs_database", needs=("postgresql",), code="raise SystemExit(3)"),
            Script("after", code=f"open({str(ran)!r}, 'w').close()"),
        ],
        NO_SERVICES,
    )
    assert status == 0
    assert ran.exists()
    assert "skipped  needs_database: needs DATABASE_URL pointing at PostgreSQL" in output
    assert "passed   after" in output


def test_a_real_failure_fails_the_run_and_the_others_still_run():
    status, output = _run(
        [
            Script("broken", code="raise SystemExit(1)"),
            Script("fine"),
            Script("needs_redis", needs=("redis",)),
        ],
        SERVICES,
    )
    assert status == 1
    assert "FAILED   broken (exit status 1" in output
    assert "passed   fine" in output
    assert "passed   needs_redis" in output


def test_every_benchmark_module_is_in_the_list():
    folder = Path(__file__).resolve().parent.parent / "benchmarks"
    modules = {path.stem for path in folder.glob("*.py") if not path.stem.startswith("__")}
    assert {benchmark.name for benchmark in BENCHMARKS} == modules
