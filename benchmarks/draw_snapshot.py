"""Draw snapshot and ranking on PostgreSQL: 1,000,000 participants holding 1-6 tickets each.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/virtualrun \\
        python -m benchmarks.draw_snapshot [--participants N] [--keep] [--reuse]

Works in a throwaway database named after DATABASE_URL's with ``_draw_bench`` appended:
creates and migrates it, fills it set-based in SQL (``INSERT … SELECT generate_series``:
N eligible participants with 1-6 completed one-ticket levels, plus 1% who do not enter),
then times, in a fresh child process, the real services:

- ``draw_close_entries``: the set-based snapshot (entries rows, canonical file, digest);
- ``draw_run``: parse the stored file, rank every entrant, write the results.

Budget for both together: under 10 s and under 500 MB peak memory (the child's peak RSS).
Exit status 1 when over budget, 2 when DATABASE_URL is not PostgreSQL. The database is
dropped afterwards unless ``--keep``; ``--reuse`` skips the load when it already exists.
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

from benchmarks import past_beacon_round, peak_rss_mb

TIME_BUDGET_S = 10.0
MEMORY_BUDGET_MB = 500.0
WINNERS, ALTERNATES = 300, 300


def _bench_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_draw_bench"
    return urlunsplit(parts._replace(path="/" + name)), name


def _admin_connection(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    )


def _database_exists(url: str, name: str) -> bool:
    with _admin_connection(url) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def _recreate_database(url: str, name: str, *, drop_only: bool = False) -> None:
    from psycopg import sql

    with _admin_connection(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()


def _load(participants: int) -> None:
    """Migrate and fill the bench database; every row is made inside PostgreSQL."""
    _django_setup()
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from programme.models import Level, LevelCompletion, Participant, Programme
    from rewards.models import Prize

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    programme = Programme.objects.create(
        name="Bench",
        slug="bench",
        starts_on=datetime.date(2025, 1, 6),
        unlock_time=datetime.time(6),
        is_active=True,
    )
    for number in range(1, 7):
        Level.objects.create(
            programme=programme,
            number=number,
            title=f"Level {number}",
            unlocks_at=programme.week_start(number),
            goal_runs=1,
            tickets=1,
        )
    Prize.objects.create(programme=programme, name="Shoes", quantity=WINNERS)
    extra = participants // 100  # staff or missing a confirmation: must not enter
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {User._meta.db_table}
                (password, is_superuser, email, is_staff, is_active, date_joined, name)
            SELECT '!', false, 'bench' || g || '@example.org', g > %s, true, now(), ''
            FROM generate_series(1, %s) g
            """,  # noqa: S608 - table names from model metadata
            [participants + extra // 2, participants + extra],
        )
        cursor.execute(
            f"""
            INSERT INTO {Participant._meta.db_table}
                (created_at, updated_at, user_id, programme_id, display_name, time_zone, units,
                 country, confirmed_age_at, confirmed_residence_at, consented_rules_at,
                 leaderboard_opt_in, reminder_emails, draw_id, total_distance_m, tickets)
            SELECT now(), now(), u.id, %s, 'Runner', 'Europe/London', 'km', 'GB', now(),
                   CASE WHEN u.id > %s AND NOT u.is_staff THEN NULL ELSE now() END,
                   now(), false, true, gen_random_uuid(), 0, 1 + floor(random() * 6)::int
            FROM {User._meta.db_table} u
            """,  # noqa: S608
            [programme.pk, participants],
        )
        cursor.execute(
            f"""
            INSERT INTO {LevelCompletion._meta.db_table}
                (participant_id, level_id, completed_at, tickets)
            SELECT p.id, l.id, now(), l.tickets
            FROM {Participant._meta.db_table} p
            JOIN {Level._meta.db_table} l ON l.programme_id = %s AND l.number <= p.tickets
            """,  # noqa: S608 - levels give one ticket each: p.tickets is their sum
            [programme.pk],
        )
        cursor.execute("ANALYZE")
    print(
        f"loaded {participants:,} participants (+{extra:,} who do not enter), "
        f"{LevelCompletion.objects.count():,} completions in {time.perf_counter() - started:.1f} s"
    )


def _measure() -> int:
    """Time the real services in this (fresh) process; returns the exit status."""
    _django_setup()
    from config.celery_app import urlconf_load

    urlconf_load()  # as a worker does when it starts, before it takes any task
    from django.db import connection

    from notifications.models import Notice
    from programme.models import Level, Programme
    from rewards import services
    from rewards.models import Draw, DrawSnapshot, Prize

    # A clean slate when --reuse runs again on the same data.
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE rewards_drawevent, rewards_drawresult, "
            "rewards_drawsnapshot, rewards_claim, rewards_draw CASCADE"
        )
    Notice.objects.all().delete()
    Level.objects.update(completions_locked_at=None)
    programme = Programme.objects.get(slug="bench")
    draw = Draw.objects.create(
        programme=programme,
        prize=Prize.objects.get(programme=programme),
        slug="bench",
        title="Bench draw",
        winners=WINNERS,
        alternates=ALTERNATES,
    )
    beacon = past_beacon_round()
    round_at = beacon["at"]
    services.draw_schedule(
        draw=draw,
        actor=None,
        chain=beacon["chain"],
        entries_close_by=round_at - datetime.timedelta(seconds=1),
        now=round_at - datetime.timedelta(days=1),
    )
    print(f"rss before the snapshot: {peak_rss_mb():.0f} MB")

    started = time.perf_counter()
    services.draw_close_entries(draw=draw, actor=None, now=round_at - datetime.timedelta(hours=1))
    snapshot_s = time.perf_counter() - started
    services.draw_request_run(draw=draw, actor=None, signature=beacon["signature"])
    started = time.perf_counter()
    notices = services.draw_run(draw_id=draw.pk)
    ranking_s = time.perf_counter() - started

    snapshot = DrawSnapshot.objects.defer("entries").get(draw=draw)
    total = snapshot_s + ranking_s
    peak = peak_rss_mb()
    time_ok, memory_ok = total < TIME_BUDGET_S, peak < MEMORY_BUDGET_MB
    print(
        f"entrants={snapshot.entrant_count:,} tickets={snapshot.ticket_count:,} "
        f"k={WINNERS} m={ALTERNATES} notified={len(notices)}"
    )
    print(f"close entries (snapshot)  {snapshot_s:7.2f} s")
    print(f"run draw (ranking)        {ranking_s:7.2f} s")
    print(
        f"snapshot+ranking          {total:7.2f} s   budget < {TIME_BUDGET_S:.0f} s    "
        f"{'PASS' if time_ok else 'FAIL'}"
    )
    per_ticket_us, cores = _hmac_cost()
    print(
        f"  the tickets' HMACs alone, in Python: {snapshot.ticket_count:,} x "
        f"{per_ticket_us:.2f} us / {cores} cores = "
        f"{snapshot.ticket_count * per_ticket_us / 1e6 / cores:.2f} s"
    )
    print(
        f"peak RSS                  {peak:7.0f} MB  budget < {MEMORY_BUDGET_MB:.0f} MB "
        f"{'PASS' if memory_ok else 'FAIL'}"
    )
    return 0 if time_ok and memory_ok else 1


def _hmac_cost(tickets: int = 300_000) -> tuple[float, int]:
    """(microseconds per ticket, cores the draw uses): the spec's HMAC-SHA256 per ticket,
    as the draw computes it, timed on this machine; the floor of any ranking in Python."""
    import uuid

    from rewards import draw_core

    entries = sorted((str(uuid.uuid4()), 3) for _ in range(tickets // 3))
    started = time.perf_counter()
    draw_core.draw_result(entries, seed=bytes(32), public_entropy="bench", winners=1, alternates=0)
    per_ticket_us = (time.perf_counter() - started) / tickets * 1e6
    return per_ticket_us, 2 if draw_core._fork_is_safe() else 1  # noqa: SLF001 - its own rule


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.draw_snapshot")
    parser.add_argument("--participants", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept bench database")
    parser.add_argument("--phase", choices=["load", "measure"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase == "load":
        _load(args.participants)
        return 0
    if args.phase == "measure":
        return _measure()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must point at PostgreSQL (the bench database is made beside it).")
        return 2
    bench_url, name = _bench_url(url)
    # The draw runs in the worker, whose statement timeout is 300 s (docker-compose.yml);
    # the bulk load, like a migration, has none.
    env = {**os.environ, "DATABASE_URL": bench_url, "DATABASE_STATEMENT_TIMEOUT": "300"}
    child = [sys.executable, "-m", "benchmarks.draw_snapshot"]
    try:
        if not (args.reuse and _database_exists(url, name)):
            _recreate_database(url, name)
            subprocess.run(  # noqa: S603 - this module, fixed arguments
                [*child, "--phase", "load", "--participants", str(args.participants)],
                env={**env, "DATABASE_STATEMENT_TIMEOUT": "0"},
                check=True,
            )
        # A fresh process, so its peak memory is the snapshot's and the ranking's alone.
        measure = [*child, "--phase", "measure"]
        return subprocess.run(measure, env=env, check=False).returncode  # noqa: S603
    finally:
        if not args.keep:
            _recreate_database(url, name, drop_only=True)


if __name__ == "__main__":
    sys.exit(main())
