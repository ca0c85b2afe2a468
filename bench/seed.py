"""A campaign at full scale, loaded in bulk into the bench's own database.

Everything is made inside PostgreSQL (``INSERT … SELECT generate_series``), then the
numbers the services keep (weekly tallies, completions, participant totals) are computed
set-based in SQL by the same rules as ``programme.services.progress.level_progress_refresh``,
and a sample is re-checked through that very function (it must change nothing).

The programme is four weeks in: weeks 1-4 are open (week 4 is the current one), 5 and 6
are still locked. A published, drawn prize draw covers weeks 1-3.
"""

from __future__ import annotations

import datetime as dt
import time

from django.db import connection, transaction
from django.utils import timezone

PARTICIPANTS = 100_000
RUNS_EACH = 20  # 2,000,000 runs
SESSIONS_EACH = 6  # 600,000 foot-strength sessions
HEAVY_RUNS = 500  # participant 1 ("heavy") has this many runs
OPEN_WEEKS = 4
DRAW_SLUG = "bench-weeks-1-3"
MARKER_TABLE = "bench_seed_marker"
SEED_VERSION = 3  # bump when the shape of the seed changes: reruns then reseed
# The programme's weeks are relative to the seeding day; after this the "current week" has
# moved on and the pages would show another shape of campaign, so the harness reseeds.
STALE_AFTER = dt.timedelta(days=5)
TYPICAL_EMAIL = "bench2@example.org"
HEAVY_EMAIL = "bench1@example.org"


def _log(message, started):
    print(f"  seed: {message} ({time.perf_counter() - started:.1f} s)", flush=True)


def seed_marker():
    """The recorded seed (version, participants, seeded at), or None when not seeded."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [MARKER_TABLE])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(
            f"SELECT version, participants, seeded_at FROM {MARKER_TABLE}"  # noqa: S608
        )
        row = cursor.fetchone()
    return row


def seed(participants=PARTICIPANTS):
    """Fill the (empty, migrated) database; returns a dict of counts."""
    from accounts.models import User
    from exercises.models import StrengthSession
    from programme import services as programme_services
    from programme.models import (
        Level,
        LevelCompletion,
        Participant,
        Programme,
        ReviewStatus,
        Run,
        WeeklyTally,
    )

    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate(now)
    programme = Programme.objects.create(
        name="Bench Campaign",
        slug="bench-campaign",
        tagline="A six-week campaign at full scale",
        description="Run, strengthen your feet, win prizes.",
        rules="Official rules of the bench campaign.",
        starts_on=today - dt.timedelta(days=7 * (OPEN_WEEKS - 1) + 2),
        time_zone="Europe/London",
        unlock_time=dt.time(6),
        is_active=True,
    )
    programme_services.programme_levels_ensure(
        programme=programme,
        levels={
            n: {
                "title": f"Week {n}",
                "focus": f"Focus of week {n}",
                "description": f"What week {n} is about.",
                "goal_runs": 3,
                "goal_distance_m": 30_000,
                "goal_sessions": 1,
                "tickets": 1 if n < 6 else 2,
            }
            for n in range(1, 7)
        },
    )
    levels = list(Level.objects.filter(programme=programme).order_by("number"))
    open_levels = [level for level in levels if level.unlocks_at <= now]
    assert len(open_levels) == OPEN_WEEKS, [lv.unlocks_at for lv in levels]
    # (level id, week start, seconds of the week that have passed) for the open weeks.
    windows = []
    for index, level in enumerate(open_levels):
        end = levels[index + 1].unlocks_at if index + 1 < len(levels) else now
        span = int((min(end, now) - level.unlocks_at).total_seconds()) - 120
        windows.append((index, level.pk, level.unlocks_at, span))
    window_values = ",".join(
        f"({index}, {level_id}, '{starts.isoformat()}'::timestamptz, {span})"
        for index, level_id, starts, span in windows
    )
    user_table = User._meta.db_table
    participant_table = Participant._meta.db_table
    run_table = Run._meta.db_table
    session_table = StrengthSession._meta.db_table
    tally_table = WeeklyTally._meta.db_table
    completion_table = LevelCompletion._meta.db_table
    level_table = Level._meta.db_table

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {user_table}
                (password, is_superuser, email, name, is_staff, is_active, date_joined)
            SELECT '!', false, 'bench' || g || '@example.org', 'Runner ' || g, false, true, %s
            FROM generate_series(1, %s) g
            """,  # noqa: S608 - table names from model metadata
            [now, participants],
        )
        cursor.execute(
            f"""
            INSERT INTO account_emailaddress (user_id, email, verified, "primary")
            SELECT id, email, true, true FROM {user_table} WHERE email LIKE 'bench%%@example.org'
            """  # noqa: S608
        )
        cursor.execute(
            f"""
            INSERT INTO {participant_table}
                (created_at, updated_at, user_id, programme_id, display_name, time_zone, units,
                 country, confirmed_age_at, confirmed_residence_at, consented_rules_at,
                 leaderboard_opt_in, reminder_emails, closing_reminder_emails, draw_id,
                 total_distance_m, tickets)
            SELECT %s, %s, u.id, %s, 'Runner ' || u.id, 'Europe/London', 'km', 'GB', %s, %s, %s,
                   u.id %% 3 <> 0, true, true, gen_random_uuid(), 0, 0
            FROM {user_table} u
            WHERE u.email LIKE 'bench%%@example.org'
            """,  # noqa: S608
            [now, now, programme.pk, now, now, now],
        )
        _log(f"{participants:,} users and participants", started)
        # Runs: RUNS_EACH per participant spread over the open weeks, 2-12 km at about
        # 5-7 min/km; 1 in 100 held for review. The heavy participant gets HEAVY_RUNS.
        cursor.execute(
            f"""
            WITH w(idx, level_id, starts, span) AS (VALUES {window_values}),
            p AS (
                SELECT p.id, CASE WHEN u.email = %s THEN %s ELSE %s END AS n
                FROM {participant_table} p JOIN {user_table} u ON u.id = p.user_id
                WHERE p.programme_id = %s
            ),
            r AS (
                SELECT p.id AS participant_id, g,
                       (p.id * 7919 + g * 104729) %% 1000003 AS h
                FROM p, generate_series(1, p.n) g
            )
            INSERT INTO {run_table}
                (created_at, updated_at, participant_id, level_id, started_at, distance_m,
                 duration_s, source, notes, effort, status, review_reason, submission_token)
            SELECT w.starts + make_interval(secs => r.h %% w.span),
                   w.starts + make_interval(secs => r.h %% w.span),
                   r.participant_id, w.level_id,
                   w.starts + make_interval(secs => r.h %% w.span),
                   2000 + r.h %% 10000,
                   (2000 + r.h %% 10000) * (300 + r.h %% 120) / 1000,
                   'manual', '', 1 + r.h %% 10,
                   CASE WHEN r.h %% 100 = 0 THEN %s ELSE %s END,
                   CASE WHEN r.h %% 100 = 0 THEN 'Bench: held for review' ELSE '' END,
                   NULL
            FROM r JOIN w ON w.idx = r.g %% {OPEN_WEEKS}
            """,  # noqa: S608
            [
                HEAVY_EMAIL,
                HEAVY_RUNS,
                RUNS_EACH,
                programme.pk,
                ReviewStatus.HELD,
                ReviewStatus.COUNTED,
            ],
        )
        _log(f"{cursor.rowcount:,} runs", started)
        cursor.execute(
            f"""
            WITH w(idx, level_id, starts, span) AS (VALUES {window_values})
            INSERT INTO {session_table}
                (created_at, updated_at, participant_id, level_id, performed_at, from_routine,
                 difficulty, notes, submission_token)
            SELECT w.starts + make_interval(secs => (p.id * 31 + g * 7) %% w.span),
                   w.starts + make_interval(secs => (p.id * 31 + g * 7) %% w.span),
                   p.id, w.level_id,
                   w.starts + make_interval(secs => (p.id * 31 + g * 7) %% w.span),
                   g %% 2 = 0, 1 + (p.id + g) %% 10, '', NULL
            FROM {participant_table} p, generate_series(1, %s) g
            JOIN w ON w.idx = (g + 0) %% {OPEN_WEEKS}
            WHERE p.programme_id = %s AND (p.id + g) %% 7 <> 0
            """,  # noqa: S608
            [SESSIONS_EACH + 1, programme.pk],  # one of each 7 left out: exactly 6,
        )
        _log(f"{cursor.rowcount:,} foot-strength sessions", started)
        # The tallies, by level_progress_refresh's rules: a row for every week with any
        # activity; counted runs and their distance; every session of the week.
        cursor.execute(
            f"""
            INSERT INTO {tally_table}
                (participant_id, level_id, run_count, distance_m, session_count,
                 leaderboard_opt_in)
            SELECT k.participant_id, k.level_id,
                   COALESCE(r.run_count, 0), COALESCE(r.distance_m, 0),
                   COALESCE(s.session_count, 0), p.leaderboard_opt_in
            FROM (
                SELECT participant_id, level_id FROM {run_table} WHERE level_id IS NOT NULL
                UNION
                SELECT participant_id, level_id FROM {session_table} WHERE level_id IS NOT NULL
            ) k
            JOIN {participant_table} p ON p.id = k.participant_id
            LEFT JOIN (
                SELECT participant_id, level_id, count(*) AS run_count,
                       sum(distance_m) AS distance_m
                FROM {run_table} WHERE status = %s GROUP BY participant_id, level_id
            ) r ON r.participant_id = k.participant_id AND r.level_id = k.level_id
            LEFT JOIN (
                SELECT participant_id, level_id, count(*) AS session_count
                FROM {session_table} GROUP BY participant_id, level_id
            ) s ON s.participant_id = k.participant_id AND s.level_id = k.level_id
            """,  # noqa: S608
            [ReviewStatus.COUNTED],
        )
        _log(f"{cursor.rowcount:,} weekly tallies", started)
        # Level.goals_met: the level has goals and the week meets every one it sets.
        cursor.execute(
            f"""
            INSERT INTO {completion_table} (participant_id, level_id, completed_at, tickets)
            SELECT t.participant_id, t.level_id, %s, l.tickets
            FROM {tally_table} t JOIN {level_table} l ON l.id = t.level_id
            WHERE (COALESCE(l.goal_runs, 0) > 0 OR COALESCE(l.goal_distance_m, 0) > 0
                   OR COALESCE(l.goal_sessions, 0) > 0)
              AND t.run_count >= COALESCE(l.goal_runs, 0)
              AND t.distance_m >= COALESCE(l.goal_distance_m, 0)
              AND t.session_count >= COALESCE(l.goal_sessions, 0)
            """,  # noqa: S608
            [now],
        )
        _log(f"{cursor.rowcount:,} level completions", started)
        # participant_totals_refresh, for everyone at once.
        cursor.execute(
            f"""
            UPDATE {participant_table} p
            SET total_distance_m = COALESCE(t.distance, 0), tickets = COALESCE(c.tickets, 0)
            FROM {participant_table} p2
            LEFT JOIN (SELECT participant_id, sum(distance_m) AS distance
                       FROM {tally_table} GROUP BY participant_id) t
                   ON t.participant_id = p2.id
            LEFT JOIN (SELECT participant_id, sum(tickets) AS tickets
                       FROM {completion_table} GROUP BY participant_id) c
                   ON c.participant_id = p2.id
            WHERE p.id = p2.id AND p.programme_id = %s
            """,  # noqa: S608
            [programme.pk],
        )
        _log("participant totals", started)
    # The unlock fan-out the beat would have run: one notice per participant per open week.
    notices = len(programme_services.levels_announce_due(now=now))
    _log(f"{notices:,} unlock notices (levels_announce_due)", started)
    with connection.cursor() as cursor:
        # The steady state autovacuum keeps: statistics, and visibility maps so counts can
        # be index-only scans.
        cursor.execute("VACUUM (ANALYZE)")
    _log("VACUUM (ANALYZE)", started)
    draw_entrants = _draw_publish(programme, levels[:3], now)
    _log(f"published draw /draws/{DRAW_SLUG}/ over {draw_entrants:,} entrants", started)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} "
            "(version int, participants int, seeded_at timestamptz)"
        )
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} VALUES (%s, %s, %s)",  # noqa: S608
            [SEED_VERSION, participants, now],
        )
    return counts()


def _draw_publish(programme, levels, now):
    """A drawn prize draw through the real services, so its public page is realistic."""
    from benchmarks import past_beacon_round
    from rewards import services as reward_services
    from rewards.models import Draw, DrawSnapshot, Prize

    prize = Prize.objects.create(programme=programme, name="Running shoes", quantity=50)
    draw = Draw.objects.create(
        programme=programme,
        prize=prize,
        slug=DRAW_SLUG,
        title="Weeks 1-3 shoe draw",
        winners=50,
        alternates=50,
        level=None,
    )
    beacon = past_beacon_round()
    reward_services.draw_schedule(
        draw=draw,
        actor=None,
        chain=beacon["chain"],
        entries_close_by=beacon["at"] - dt.timedelta(seconds=1),
        now=beacon["at"] - dt.timedelta(days=1),
    )
    reward_services.draw_close_entries(
        draw=draw, actor=None, now=beacon["at"] - dt.timedelta(minutes=5)
    )
    reward_services.draw_request_run(draw=draw, actor=None, signature=beacon["signature"], now=now)
    reward_services.draw_run(draw_id=draw.pk, now=now)
    return DrawSnapshot.objects.get(draw=draw).entrant_count


def counts():
    from exercises.models import StrengthSession
    from notifications.models import Notice
    from programme.models import LevelCompletion, Participant, Run, WeeklyTally

    return {
        "participants": Participant.objects.count(),
        "runs": Run.objects.count(),
        "sessions": StrengthSession.objects.count(),
        "tallies": WeeklyTally.objects.count(),
        "completions": LevelCompletion.objects.count(),
        "notices": Notice.objects.count(),
    }


def consistency_check(sample=25):
    """Re-run level_progress_refresh on a sample (plus the heavy participant): it must change
    nothing, which proves the set-based seed followed the services' rules. Rolled back."""
    from programme.models import Level, LevelCompletion, Participant, WeeklyTally
    from programme.services.progress import level_progress_refresh, participant_lock

    def state(participant_ids):
        tallies = sorted(
            WeeklyTally.objects.filter(participant_id__in=participant_ids).values_list(
                "participant_id", "level_id", "run_count", "distance_m", "session_count"
            )
        )
        completions = sorted(
            LevelCompletion.objects.filter(participant_id__in=participant_ids).values_list(
                "participant_id", "level_id", "tickets"
            )
        )
        totals = sorted(
            Participant.objects.filter(pk__in=participant_ids).values_list(
                "pk", "total_distance_m", "tickets"
            )
        )
        return tallies, completions, totals

    ids = list(Participant.objects.order_by("?").values_list("pk", flat=True)[:sample]) + list(
        Participant.objects.filter(user__email=HEAVY_EMAIL).values_list("pk", flat=True)
    )
    before = state(ids)
    now = timezone.now()

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            for participant_id in ids:
                participant = participant_lock(Participant(pk=participant_id))
                for level in Level.objects.filter(programme=participant.programme):
                    if level.unlocks_at <= now:
                        level_progress_refresh(participant=participant, level=level, now=now)
            after = state(ids)
            raise Rollback
    except Rollback:
        pass
    ok = before == after
    return {"sampled_participants": len(ids), "consistent": ok}
