"""Programme at scale on PostgreSQL: the unlock fan-out and the leaderboard query.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/virtualrun REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python benchmarks/programme_scale.py [--participants 100000]

Works in a throwaway database (<name>_scale_bench), created and dropped here. Prints each
step's time against its budget and whether the leaderboard plan reads an index.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

BUDGET_FAN_OUT_S = 30.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=100_000)
    args = parser.parse_args()

    import django
    from django.conf import settings

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server (see the docstring).")

    creation = connection.creation
    settings.DATABASES["default"]["TEST"]["NAME"] = (
        settings.DATABASES["default"]["NAME"] + "_scale_bench"
    )
    old_name = creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        return run(args.participants)
    finally:
        creation.destroy_test_db(old_name, verbosity=0)


def timed(label, budget=None):
    class Timer:
        def __enter__(self):
            self.start = time.perf_counter()
            return self

        def __exit__(self, *exc):
            self.seconds = time.perf_counter() - self.start
            verdict = ""
            if budget is not None:
                verdict = f"  budget {budget:.0f} s  {'PASS' if self.seconds < budget else 'FAIL'}"
            print(f"{label:<48} {self.seconds:8.2f} s{verdict}")

    return Timer()


def run(count):
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from config.celery_app import app
    from notifications.models import Notice
    from notifications.selectors import EMAIL_BATCH_SIZE, email_batches
    from notifications.tasks import send_notice_emails
    from programme import services
    from programme.models import Level, Participant, Programme, WeeklyTally

    now = timezone.now()
    programme = Programme.objects.create(
        name="Bench", slug="bench", starts_on=(now - dt.timedelta(days=1)).date(), is_active=True
    )
    services.programme_levels_ensure(
        programme=programme, levels={n: {"title": f"Week {n}", "goal_runs": 2} for n in range(1, 7)}
    )
    with timed(f"insert {count:,} users and participants"), connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {User._meta.db_table}
                (password, is_superuser, email, name, is_staff, is_active, date_joined)
            SELECT '!', false, 'bench' || n || '@example.org', '', false, true, now()
            FROM generate_series(1, %s) AS n
            """,  # noqa: S608
            [count],
        )
        cursor.execute(
            f"""
            INSERT INTO {Participant._meta.db_table}
                (created_at, updated_at, user_id, programme_id, display_name, time_zone, units,
                 country, leaderboard_opt_in, reminder_emails, draw_id, total_distance_m, tickets)
            SELECT now(), now(), u.id, %s, 'Runner ' || u.id, 'Europe/London', 'km', 'GB',
                   u.id %% 3 = 0, true, gen_random_uuid(), (u.id * 7919) %% 100000, 0
            FROM {User._meta.db_table} u
            """,  # noqa: S608
            [programme.pk],
        )
        cursor.execute(f"ANALYZE {Participant._meta.db_table}")

    # Enqueue onto a broker nobody consumes, then drop it: we time the fan-out, not sending.
    app.conf.task_always_eager = False
    with timed("unlock fan-out: claim + notices + enqueue", BUDGET_FAN_OUT_S) as fan_out:
        batches = email_batches(services.levels_announce_due(now=now))
        for notice_ids in batches:
            send_notice_emails.delay(notice_ids)
    notices = Notice.objects.count()
    print(f"  {notices:,} notices in {len(batches)} email batches of at most {EMAIL_BATCH_SIZE}")
    assert notices == count
    with app.connection_for_write() as conn:
        conn.default_channel.client.delete("celery")

    with timed("unlock again (nothing left to do)"):
        assert services.levels_announce_due(now=now) == []

    week1 = Level.objects.get(programme=programme, number=1)
    WeeklyTally.objects.bulk_create(
        WeeklyTally(
            participant_id=pid,
            level=week1,
            distance_m=(pid * 104729) % 50_000,
            leaderboard_opt_in=(pid % 3 == 0),
        )
        for pid in Participant.objects.values_list("pk", flat=True).iterator()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {WeeklyTally._meta.db_table}")

    overall = Participant.objects.filter(programme=programme, leaderboard_opt_in=True).order_by(
        "-total_distance_m", "pk"
    )[:50]
    weekly = WeeklyTally.objects.filter(level=week1, leaderboard_opt_in=True).order_by(
        "-distance_m", "participant_id"
    )[:50]
    for label, queryset, index in (
        ("leaderboard overall", overall, "participant_leaderboard"),
        ("leaderboard this week", weekly, "tally_leaderboard"),
    ):
        plan = queryset.explain()
        with timed(f"{label}: top 50 of {count:,}"):
            list(queryset)
        print(f"  plan uses {index}: {'PASS' if index in plan else 'FAIL'}")
        if index not in plan:
            print(plan)

    me = (
        Participant.objects.filter(programme=programme, leaderboard_opt_in=True)
        .order_by("pk")
        .first()
    )
    from programme.selectors import leaderboard_for

    with timed("leaderboard page data incl. my rank (overall)"):
        leaderboard_for(me, scope="overall", now=now)
    with timed("leaderboard page data incl. my rank (this week)"):
        leaderboard_for(me, scope="week", now=now)
    passed = fan_out.seconds < BUDGET_FAN_OUT_S
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
