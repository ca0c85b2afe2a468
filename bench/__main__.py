"""The bench: a campaign at full scale, its pages under load, and the other budgets.

    make bench          # or: .venv/bin/python -m bench [--label NAME] [--quick] ...

See bench/README.md for what it measures and what was found.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import pages

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

# Targets (issue #13).
SIGNED_IN_RATIO = 0.25  # of /healthz's req/s at 8 users
PUBLIC_RATIO = 0.5
P99_MS_AT_32 = 250.0
MAX_QUERIES = 12

# The existing budgets, each its own program (benchmarks/), and the figure to show.
OTHER_BENCHMARKS = [
    (
        "draw close+run, 1M entrants (PostgreSQL)",
        ["-m", "benchmarks.draw_snapshot", "--keep", "--reuse"],
        r"snapshot\+ranking\s+([\d.]+) s",
        "s",
        5.0,
    ),
    (
        "rewards.verify on the published 1M file",
        ["-m", "benchmarks.draw_verify"],
        r"verify\s+([\d.]+) s",
        "s",
        5.0,
    ),
    (
        "unlock fan-out, 100k participants",
        ["-m", "benchmarks.programme_scale"],
        r"unlock fan-out: claim \+ notices \+ enqueue\s+([\d.]+) s",
        "s",
        30.0,
    ),
    (
        "parse 50k-point GPX",
        ["-m", "benchmarks.activity_files", "--repeat", "3"],
        r"gpx-50k\s+\S+\s+\S+\s+([\d.]+)s",
        "s",
        2.0,
    ),
]


def bench_database_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_bench"
    return urlunsplit(parts._replace(path="/" + name)), name


def database_ensure(url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    with psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def seed_is_current(bench_url: str, participants: int) -> bool:
    """Whether the bench database holds a finished seed of this shape (its marker row)."""
    import psycopg

    from bench.seed import MARKER_TABLE, SEED_VERSION, STALE_AFTER

    try:
        with psycopg.connect(bench_url, autocommit=True) as conn:
            if conn.execute("SELECT to_regclass(%s)", [MARKER_TABLE]).fetchone()[0] is None:
                return False
            row = conn.execute(
                f"SELECT version, participants, now() - seeded_at FROM {MARKER_TABLE}"  # noqa: S608
            ).fetchone()
    except psycopg.OperationalError:  # no such database yet
        return False
    return (
        row is not None
        and row[0] == SEED_VERSION
        and row[1] == participants
        and row[2] < STALE_AFTER
    )


def database_drop(url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    with psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def prepared_bench(env: dict, participants: int) -> dict:
    """Migrate, seed (once) and prepare the bench database ``env`` names, in a process of
    its own with production settings: the counts, the seed's consistency, session cookies
    and each page's queries (bench/pages.py ``prepare``)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-m",
                "bench",
                "--phase",
                "prepare",
                "--out",
                out.name,
                "--participants",
                str(participants),
            ],
            cwd=ROOT,
            # Bulk statements of the seed run for minutes: no statement timeout, and so no
            # client-side wait limit either (core/postgresql/base.py).
            env={**env, "DATABASE_STATEMENT_TIMEOUT": "0"},
            check=True,
        )
        return json.loads(Path(out.name).read_text())


def load_pages(env, prepared, args):
    """wrk each page at each concurrency; returns rows and the workers' peak memory."""
    rows = []
    cookie_file = tempfile.NamedTemporaryFile("w", suffix=".cookies", delete=False)  # noqa: SIM115
    cookie_file.write("\n".join(prepared["cookies"]) + "\n")
    cookie_file.close()
    post_cookie_file = tempfile.NamedTemporaryFile("w", suffix=".cookies", delete=False)  # noqa: SIM115
    post_cookie_file.write("\n".join(prepared["post_cookies"]) + "\n")
    post_cookie_file.close()
    try:
        with pages.Gunicorn(env, args.workers) as server:
            wrk_env = {
                "BENCH_CSRF_TOKEN": prepared["csrf_token"],
                "BENCH_ORIGIN": f"https://127.0.0.1:{server.port}",
            }
            targets = [("/healthz", "/healthz", "health")]
            targets += [
                (p, prepared["draw_path"] if p == "DRAW" else p, "public")
                for p in pages.PUBLIC_PAGES
            ]
            targets += [
                (p, "/runs/new/" if p == "RUN_POST" else p, "signed-in")
                for p in pages.SIGNED_IN_PAGES
            ]
            if args.pages:
                wanted = set(args.pages.split(","))
                targets = [t for t in targets if t[0] in wanted or t[0] == "/healthz"]
            # Warm every worker on every page before measuring.
            for _label, path, kind in targets:
                if path != "/runs/new/":
                    pages.wrk(
                        server.url + path,
                        connections=args.workers,
                        duration=1,
                        env={
                            **wrk_env,
                            "BENCH_COOKIES": cookie_file.name if kind == "signed-in" else "",
                        },
                    )
            for users in args.users:
                for label, path, kind in targets:
                    env_for = {
                        **wrk_env,
                        "BENCH_COOKIES": cookie_file.name if kind == "signed-in" else "",
                        "BENCH_POST": "0",
                    }
                    if label == "RUN_POST":
                        base, offset = pages.post_base(env["DATABASE_URL"])
                        env_for.update(
                            BENCH_POST="1",
                            BENCH_COOKIES=post_cookie_file.name,
                            BENCH_POST_BASE=str(base),
                            BENCH_UTC_OFFSET=str(offset),
                        )
                    result = pages.wrk(
                        server.url + path, connections=users, duration=args.duration, env=env_for
                    )
                    result.update({"page": label, "kind": kind, "users": users})
                    rows.append(result)
                    print(
                        f"  {users:>2} users {label:<14} {result['rps']:8.1f} req/s "
                        f"p50 {result['p50_ms']:7.1f} p99 {result['p99_ms']:7.1f} ms"
                        + (
                            f"  runs made {result['redirects']}, refused {result['other_status']}"
                            if label == "RUN_POST"
                            else ""
                        )
                        + (
                            f"  {result['status_errors']} non-2xx/3xx"
                            if result["status_errors"]
                            else ""
                        ),
                        flush=True,
                    )
            memory = server.worker_peak_mb()
    finally:
        os.unlink(cookie_file.name)
        os.unlink(post_cookie_file.name)
    return rows, memory


def summarise(rows, prepared):
    """One row per page: req/s and latencies at each concurrency, ratio, queries, verdicts."""
    health = {r["users"]: r["rps"] for r in rows if r["page"] == "/healthz"}
    table = []
    for page in dict.fromkeys(r["page"] for r in rows):
        by_users = {r["users"]: r for r in rows if r["page"] == page}
        kind = next(iter(by_users.values()))["kind"]
        for r in by_users.values():
            r["ratio"] = r["rps"] / health[r["users"]] if health.get(r["users"]) else None
        q = prepared["queries"].get(page, {})
        counts = [
            c for c in (q.get("anonymous"), q.get("typical"), q.get("heavy")) if c is not None
        ]
        checks = []
        at8 = by_users.get(8)
        if at8 and kind != "health":
            need = PUBLIC_RATIO if kind == "public" else SIGNED_IN_RATIO
            checks.append(at8["ratio"] >= need)
        at32 = by_users.get(32)
        if at32 and kind != "health":
            checks.append(at32["p99_ms"] < P99_MS_AT_32)
        if counts and kind != "health":
            checks.append(max(counts) <= MAX_QUERIES)
            if q.get("typical") is not None and q.get("heavy") is not None:
                checks.append(q["typical"] == q["heavy"])
        table.append(
            {
                "page": page,
                "kind": kind,
                "by_users": {str(u): r for u, r in sorted(by_users.items())},
                "queries": q,
                "pass": all(checks) if checks else None,
            }
        )
    return table


def other_benchmarks(env):
    results = []
    for label, argv, pattern, unit, budget in OTHER_BENCHMARKS:
        started = time.perf_counter()
        completed = subprocess.run(  # noqa: S603 - our interpreter, fixed arguments
            [sys.executable, *argv], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        output = completed.stdout + completed.stderr
        match = re.search(pattern, output)
        value = float(match.group(1)) if match else None
        results.append(
            {
                "label": label,
                "command": "python " + " ".join(argv),
                "value": value,
                "unit": unit,
                "budget": budget,
                "pass": value is not None and value < budget and completed.returncode == 0,
                "exit_status": completed.returncode,
                "wall_s": round(time.perf_counter() - started, 1),
                "output": output[-4000:],
            }
        )
        print(
            f"  {label:<44} {value if value is not None else '?':>8} {unit} (budget < {budget} {unit})",
            flush=True,
        )
    return results


def render_markdown(report):
    lines = [f"# Bench: {report['label']}", ""]
    lines.append(f"Run at {report['started_at']} on {report['host']}. {report['note']}")
    lines.append("")
    c = report["prepared"]["counts"]
    lines.append(
        f"Data: {c['participants']:,} participants, {c['runs']:,} runs, "
        f"{c['sessions']:,} foot-strength sessions, {c['tallies']:,} weekly tallies, "
        f"{c['completions']:,} completions, {c['notices']:,} notices. "
        f"Seed consistent with the services on a sample: "
        f"{report['prepared']['consistency']['consistent']}."
    )
    lines.append("")
    users = report["users"]
    head = (
        "| page | "
        + " | ".join(f"{u} users req/s (ratio) | p50/p95/p99 ms" for u in users)
        + " | queries (anon/typical/heavy) | targets |"
    )
    lines.append(head)
    lines.append("|" + "---|" * (2 + 2 * len(users) + 1))
    for row in report["pages"]:
        cells = [row["page"]]
        for u in users:
            r = row["by_users"].get(str(u))
            if r is None:
                cells += ["", ""]
                continue
            ratio = f" ({r['ratio']:.2f})" if r.get("ratio") is not None else ""
            cells.append(f"{r['rps']:.1f}{ratio}")
            cells.append(f"{r['p50_ms']:.0f}/{r['p95_ms']:.0f}/{r['p99_ms']:.0f}")
        q = row["queries"]
        cells.append(
            "/".join(
                "–" if q.get(k) is None else str(q[k]) for k in ("anonymous", "typical", "heavy")
            )
        )
        cells.append({True: "PASS", False: "FAIL", None: ""}[row["pass"]])
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    if report.get("worker_peak_mb"):
        lines.append(
            "Peak memory of the gunicorn workers (VmHWM): "
            + ", ".join(f"{m:.0f} MB" for m in report["worker_peak_mb"])
        )
        lines.append("")
    if report.get("other"):
        lines.append("| other budget | value | budget | verdict |")
        lines.append("|---|---|---|---|")
        for o in report["other"]:
            value = "?" if o["value"] is None else f"{o['value']:.2f} {o['unit']}"
            lines.append(
                f"| {o['label']} | {value} | < {o['budget']} {o['unit']} | "
                f"{'PASS' if o['pass'] else 'FAIL'} |"
            )
        lines.append("")
    return "\n".join(lines)


def print_table(report):
    users = report["users"]
    header = (
        f"{'page':<15}"
        + "".join(
            f" {str(u) + 'u req/s':>10} {'ratio':>5} {'p50':>6} {'p95':>6} {'p99':>6}"
            for u in users
        )
        + f" {'queries':>9}  verdict"
    )
    print()
    print(header)
    print("-" * len(header))
    for row in report["pages"]:
        line = f"{row['page']:<15}"
        for u in users:
            r = row["by_users"].get(str(u))
            if r is None:
                line += " " * 37
                continue
            ratio = f"{r['ratio']:.2f}" if r.get("ratio") is not None else ""
            line += f" {r['rps']:>10.1f} {ratio:>5} {r['p50_ms']:>6.0f} {r['p95_ms']:>6.0f} {r['p99_ms']:>6.0f}"
        q = row["queries"]
        qs = "/".join(
            "-" if q.get(k) is None else str(q[k]) for k in ("anonymous", "typical", "heavy")
        )
        line += f" {qs:>9}  {({True: 'PASS', False: 'FAIL', None: ''})[row['pass']]}"
        print(line)
    if report.get("worker_peak_mb"):
        print(
            "gunicorn worker peak RSS: "
            + ", ".join(f"{m:.0f} MB" for m in report["worker_peak_mb"])
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--label", default=None, help="name of the results files")
    parser.add_argument("--note", default="", help="what changed, for the results file")
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--users", default="1,8,32")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument(
        "--workers", type=int, default=3, help="gunicorn workers (as in Dockerfile)"
    )
    parser.add_argument("--pages", default="", help="only these pages (comma-separated)")
    parser.add_argument("--reseed", action="store_true", help="drop and seed the database again")
    parser.add_argument("--no-other", action="store_true", help="skip the benchmarks/ budgets")
    parser.add_argument("--only-other", action="store_true", help="only the benchmarks/ budgets")
    parser.add_argument("--phase", choices=["prepare"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.users = [int(u) for u in args.users.split(",")]

    if args.phase == "prepare":
        pages.prepare(args.out, args.participants, args.reseed)
        return 0

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must point at PostgreSQL (the bench database is made beside it).")
        return 2
    started_at = dt.datetime.now(dt.UTC)
    label = args.label or started_at.strftime("%Y%m%d-%H%M%S")
    RESULTS.mkdir(parents=True, exist_ok=True)
    bench_url, name = bench_database_url(url)
    env = pages.production_env(bench_url)
    report = {
        "label": label,
        "note": args.note,
        "started_at": started_at.isoformat(timespec="seconds"),
        "host": f"{os.cpu_count()} CPUs",
        "users": args.users,
        "duration_s": args.duration,
        "workers": args.workers,
    }
    if not args.only_other:
        if args.reseed or not seed_is_current(bench_url, args.participants):
            database_drop(url, name)  # a half-made or outdated seed: start again
        database_ensure(url, name)
        print(f"preparing {name} (seeded once, then reused)", flush=True)
        prepared = prepared_bench(env, args.participants)
        c = prepared["counts"]
        print(
            f"  {c['participants']:,} participants, {c['runs']:,} runs, {c['sessions']:,} sessions; "
            f"seed consistent with the services: {prepared['consistency']['consistent']}",
            flush=True,
        )
        rows, memory = load_pages(env, prepared, args)
        report["prepared"] = {
            k: v for k, v in prepared.items() if k not in ("cookies", "csrf_token")
        }
        report["pages"] = summarise(rows, prepared)
        report["worker_peak_mb"] = memory
    if not args.no_other:
        print("the other budgets (benchmarks/):", flush=True)
        report["other"] = other_benchmarks({**os.environ, "DATABASE_URL": url})
    if "pages" in report:
        print_table(report)
    (RESULTS / f"{label}.json").write_text(json.dumps(report, indent=2) + "\n")
    if "prepared" in report:
        (RESULTS / f"{label}.md").write_text(render_markdown(report) + "\n")
    print(f"\nwrote bench/results/{label}.json" + (" and .md" if "prepared" in report else ""))
    verdicts = [row["pass"] for row in report.get("pages", []) if row["pass"] is not None]
    verdicts += [o["pass"] for o in report.get("other", [])]
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
