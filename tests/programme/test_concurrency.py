"""Races that only a real PostgreSQL shows (plain TestCase would hide the transactions)."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from programme import services
from programme.models import Level, LevelCompletion
from tests.factories import ParticipantFactory, ProgrammeFactory

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
    locked, release, errors = threading.Event(), threading.Event(), []

    def close_entries():
        # What rewards.services.draw_close_entries does under the level's row lock.
        try:
            with transaction.atomic():
                Level.objects.select_for_update().get(pk=level.pk)
                locked.set()
                release.wait(10)
                Level.objects.filter(pk=level.pk).update(completions_locked_at=timezone.now())
        finally:
            connections.close_all()

    def delete_run():
        try:
            locked.wait(10)
            services.run_delete(run=run, now=now)
        except Exception as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connections.close_all()

    closer, deleter = threading.Thread(target=close_entries), threading.Thread(target=delete_run)
    closer.start()
    deleter.start()
    assert someone_waits_for_a_lock(), "the deletion should wait for the closing draw"
    release.set()
    closer.join(15)
    deleter.join(15)
    assert not errors
    # The run is gone, but the completion the snapshot counted stays.
    assert LevelCompletion.objects.filter(participant=alice, level=level).exists()
