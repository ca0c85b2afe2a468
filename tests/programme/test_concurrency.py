"""Races that only a real PostgreSQL shows (plain TestCase would hide the transactions).

Each attempt runs in a thread with its own connection. Where a race needs one exact
interleaving, a hook on that thread's connection (``connection.execute_wrapper``) stops it
right after a chosen query, so the test forces the interleaving instead of hoping for it.
"""

import collections
import datetime as dt
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from notifications import services as outbox
from notifications.models import Notice
from programme import services
from programme.models import Level, LevelCompletion
from rewards import services as rewards_services
from rewards.models import DrawSnapshot
from tests.factories import ParticipantFactory, ProgrammeFactory
from tests.rewards.factories import DrawFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def someone_waits_for_a_lock(timeout=10):
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


def after_first(kind, model, hook):
    """A connection hook calling ``hook`` once, after the first ``kind`` query on ``model``."""
    table = f'"{model._meta.db_table}"'
    called = False

    def wrapper(execute, sql, params, many, context):
        nonlocal called
        result = execute(sql, params, many, context)
        if not called and sql.startswith(kind) and table in sql.split(" WHERE ")[0]:
            called = True
            hook()
        return result

    return wrapper


def side_by_side(function, *, listed, attempts=2):
    """Call ``function`` from ``attempts`` threads; each waits for the others right after
    its first SELECT on the model ``listed`` (what it found to do), so all of them have
    seen the same work before any of them claims it. Returns results or errors."""
    everyone_listed = threading.Barrier(attempts)

    def attempt(_):
        try:
            hook = after_first("SELECT", listed, lambda: everyone_listed.wait(timeout=10))
            with connection.execute_wrapper(hook):
                return function()
        except Exception as error:  # collected: the test says which errors are expected
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(attempts) as pool:
        return list(pool.map(attempt, range(attempts)))


def test_two_beats_announcing_at_once_announce_a_level_once():
    programme = ProgrammeFactory()  # week 1 unlocked yesterday, nothing announced yet
    ParticipantFactory.create_batch(3, programme=programme)
    now = timezone.now()

    outcomes = side_by_side(lambda: services.levels_announce_due(now=now), listed=Level)

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    # Both saw week 1 due; the claim lets one announce it and leaves the other nothing.
    assert sorted(outcomes, key=len) == [
        [],
        list(Notice.objects.order_by("pk").values_list("pk", flat=True)),
    ]
    assert Notice.objects.count() == 3
    assert Level.objects.get(programme=programme, number=1).announced_at == now


def test_two_tasks_sending_the_same_batch_at_once_send_each_email_once():
    programme = ProgrammeFactory()
    runners = ParticipantFactory.create_batch(3, programme=programme)
    now = timezone.now()
    batch = services.levels_announce_due(now=now)

    outcomes = side_by_side(
        lambda: outbox.notice_emails_send(notice_ids=batch, now=now), listed=Notice
    )

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    # Both loaded the same three unsent notices; each email was claimed by one of them.
    assert sum(outcomes) == 3
    recipients = collections.Counter(message.to[0] for message in mail.outbox)
    assert recipients == {runner.user.email: 1 for runner in runners}
    assert not Notice.objects.filter(emailed_at__isnull=True).exists()


def test_a_completion_counted_by_closing_entries_is_not_withdrawn_meanwhile():
    programme = ProgrammeFactory()
    Level.objects.filter(programme=programme, number=1).update(goal_runs=1, goal_distance_m=1_000)
    alice = ParticipantFactory(programme=programme)
    now = timezone.now()
    run = services.run_log(
        participant=alice,
        started_at=now - dt.timedelta(hours=1),
        distance_m=5_000,
        duration_s=1_800,
        now=now,
    )
    assert LevelCompletion.objects.filter(participant=alice).exists()
    level = Level.objects.get(programme=programme, number=1)
    draw = DrawFactory(prize__programme=programme)
    rewards_services.draw_schedule(
        draw=draw, actor=None, entries_close_by=now + dt.timedelta(hours=1), now=now
    )
    locked, release, errors = threading.Event(), threading.Event(), []

    def hold_the_levels():
        locked.set()
        release.wait(10)

    def close_entries():
        # The real service, stopped right after it locked the counted levels' completions
        # and before its snapshot counts them.
        try:
            with connection.execute_wrapper(after_first("UPDATE", Level, hold_the_levels)):
                rewards_services.draw_close_entries(draw=draw, actor=None, now=now)
        except Exception as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            locked.set()
            connections.close_all()

    def delete_run():
        try:
            locked.wait(10)
            services.run_delete(run=run, now=now)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    closer, deleter = threading.Thread(target=close_entries), threading.Thread(target=delete_run)
    closer.start()
    deleter.start()
    assert locked.wait(10), "the closing draw should lock the levels"
    try:
        assert someone_waits_for_a_lock(), "the deletion should wait for the closing draw"
    finally:
        release.set()
        closer.join(15)
        deleter.join(15)
    assert not errors
    snapshot = DrawSnapshot.objects.get(draw=draw)
    assert (snapshot.entrant_count, snapshot.ticket_count) == (1, level.tickets)
    # The run is gone, but the completion the snapshot counted stays.
    assert LevelCompletion.objects.filter(participant=alice, level=level).exists()
