"""Tasks and exactly-once on real services.

The concurrency tests start several attempts in threads, each with its own PostgreSQL
connection (closed when the thread ends). The worker tests run a real Celery worker
inside the test process — ``celery.contrib.testing.worker.start_worker`` in a thread,
``solo`` pool — consuming from the app's real Redis broker (``REDIS_URL``) and writing to
the test's PostgreSQL database, so tasks go through the broker exactly as in production.
"""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.db import connections, transaction
from django.utils import timezone

from notifications.models import Notice
from notifications.tasks import notice_emails_queue, send_notice_emails
from rewards import services, tasks
from rewards.errors import RewardsError
from rewards.models import Draw, DrawEvent, DrawResult, DrawState, ResultStatus, Role
from tests.celery_worker import wait_for
from tests.factories import ParticipantFactory, StaffFactory
from tests.rewards.factories import (
    CLOSED_AT,
    DrawFactory,
    complete,
    drawn,
    run_requested,
    scheduled,
)

ATTEMPTS = 6


def at_once(function, attempts=ATTEMPTS):
    """Call ``function`` from ``attempts`` threads released together; results or errors."""
    barrier = threading.Barrier(attempts)

    def attempt(_):
        try:
            barrier.wait(timeout=30)
            return function()
        except Exception as error:  # collected: the test says which errors are expected
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(attempts) as pool:
        return list(pool.map(attempt, range(attempts)))


def entrants(programme, count):
    for index in range(count):
        complete(ParticipantFactory(programme=programme), index % 6 + 1)


@pytest.fixture
def ready_to_run(programme):
    entrants(programme, 12)
    staff = StaffFactory()
    draw = DrawFactory(prize__programme=programme, winners=3, alternates=2)
    return run_requested(draw, staff=staff)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_several_simultaneous_runs_of_one_draw_draw_it_exactly_once(ready_to_run):
    outcomes = at_once(lambda: services.draw_run(draw_id=ready_to_run.pk))

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert sorted(len(notice_ids) for notice_ids in outcomes) == [0] * (ATTEMPTS - 1) + [3]
    ready_to_run.refresh_from_db()
    assert ready_to_run.state == DrawState.DRAWN
    assert DrawResult.objects.filter(draw=ready_to_run, role=Role.WINNER).count() == 3
    assert DrawResult.objects.filter(draw=ready_to_run).count() == 5
    assert DrawEvent.objects.filter(draw=ready_to_run, action="drawn").count() == 1
    assert Notice.objects.filter(key__startswith="draw-won:").count() == 3


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_staff_closing_entries_at_once_take_one_snapshot(programme):
    entrants(programme, 4)
    staff = StaffFactory()
    draw = DrawFactory(prize__programme=programme)
    scheduled(draw, staff=staff)

    outcomes = at_once(
        lambda: services.draw_close_entries(draw=draw, actor=staff, now=CLOSED_AT), attempts=4
    )

    refused = [outcome for outcome in outcomes if isinstance(outcome, RewardsError)]
    assert len(refused) == 3 and all("already closed" in error.message for error in refused)
    assert DrawEvent.objects.filter(draw=draw, action="entries_closed").count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_beats_forfeiting_at_once_promote_each_alternate_once(programme):
    entrants(programme, 8)
    draw = DrawFactory(prize__programme=programme, winners=2, alternates=3, claim_window_days=1)
    drawn(draw, staff=StaffFactory(), now=timezone.now() - dt.timedelta(days=2))

    outcomes = at_once(lambda: services.results_forfeit_due(now=timezone.now()), attempts=3)

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert sum(len(notice_ids) for notice_ids in outcomes) == 2
    statuses = dict(draw.results.values_list("rank", "status"))
    assert statuses == {
        1: ResultStatus.FORFEITED,
        2: ResultStatus.FORFEITED,
        3: ResultStatus.NOTIFIED,
        4: ResultStatus.NOTIFIED,
        5: ResultStatus.WAITING,
    }


@pytest.mark.django_db(transaction=True)
def test_nothing_is_enqueued_when_the_transaction_rolls_back(monkeypatch):
    sent = []
    monkeypatch.setattr(send_notice_emails, "delay", lambda *a, **k: sent.append(a))
    with pytest.raises(RuntimeError), transaction.atomic():
        notice_emails_queue([1, 2, 3])
        raise RuntimeError("rolled back")
    assert sent == []
    notice_emails_queue([1, 2, 3])  # outside a transaction: sent at once
    assert sent == [([1, 2, 3],)]


# A real worker ------------------------------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_forfeits_the_unclaimed_prize_and_the_alternate_is_told(
    programme, worker, mailoutbox
):
    entrants(programme, 4)
    draw = DrawFactory(prize__programme=programme, winners=1, alternates=1, claim_window_days=3)
    drawn(draw, staff=StaffFactory(), now=timezone.now() - dt.timedelta(days=4))
    winner, alternate = draw.results.get(rank=1), draw.results.get(rank=2)

    assert tasks.forfeit_expired_claims.delay().get(timeout=30) == 1

    winner.refresh_from_db()
    alternate.refresh_from_db()
    assert winner.status == ResultStatus.FORFEITED
    assert (alternate.status, alternate.replaces_id) == (ResultStatus.NOTIFIED, winner.pk)
    assert alternate.claim_deadline > timezone.now() + dt.timedelta(days=2)
    # The email goes out through programme's batch task, enqueued after commit.
    assert wait_for(lambda: len(mail.outbox) == 1)
    email = mail.outbox[0]
    assert email.to == [alternate.participant.user.email]
    assert "You won" in email.subject
    assert f"/prizes/{alternate.pk}/claim/" in email.body

    assert tasks.forfeit_expired_claims.delay().get(timeout=30) == 0  # twice: nothing more


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_draw_once_even_when_the_task_is_sent_twice(
    ready_to_run, worker, mailoutbox
):
    first = tasks.run_draw.delay(ready_to_run.pk)
    second = tasks.run_draw.delay(ready_to_run.pk)
    assert sorted([first.get(timeout=60), second.get(timeout=60)]) == [0, 3]
    assert Draw.objects.get(pk=ready_to_run.pk).state == DrawState.DRAWN
    assert DrawResult.objects.filter(draw=ready_to_run).count() == 5
    assert wait_for(lambda: len(mail.outbox) == 3)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_winner_who_turned_reminders_off_still_hears_of_the_win(ready_to_run, worker, mailoutbox):
    from programme.models import Participant

    Participant.objects.update(reminder_emails=False)
    assert tasks.run_draw.delay(ready_to_run.pk).get(timeout=60) == 3
    assert wait_for(lambda: len(mail.outbox) == 3)


# Lost runs --------------------------------------------------------------------------------


def asked_long_ago(draw):
    """As if staff asked ten minutes ago and the message never reached a worker."""
    Draw.objects.filter(pk=draw.pk).update(
        run_requested_at=timezone.now() - dt.timedelta(minutes=10)
    )
    draw.refresh_from_db()
    return draw


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_draw_a_worker_is_drawing_is_neither_requeued_nor_called_stalled(ready_to_run):
    from rewards.selectors import draw_run_state

    draw = asked_long_ago(ready_to_run)
    Draw.objects.filter(pk=draw.pk).update(run_started_at=draw.run_requested_at)
    locked, release = threading.Event(), threading.Event()

    def worker_drawing():
        try:
            with transaction.atomic():
                Draw.objects.select_for_update().get(pk=draw.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=worker_drawing)
    thread.start()
    try:
        assert locked.wait(timeout=30)
        assert services.draws_requeue_stalled(now=timezone.now()) == []
        state = draw_run_state(Draw.objects.get(pk=draw.pk), now=timezone.now())
        assert (state["phase"], state["can_run_again"]) == ("running", False)
        assert "A worker is drawing now" in state["message"]
    finally:
        release.set()
        thread.join(timeout=30)
    assert len(services.draws_requeue_stalled(now=timezone.now())) == 1  # the lock is gone


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_draws_a_run_whose_message_was_lost_once_the_sweep_requeues_it(
    ready_to_run, worker, mailoutbox
):
    draw = asked_long_ago(ready_to_run)  # requested, never enqueued: the message is lost
    assert Draw.objects.get(pk=draw.pk).state == DrawState.ENTRIES_CLOSED

    assert tasks.requeue_stalled_draws.delay().get(timeout=30) == 1

    assert wait_for(lambda: Draw.objects.get(pk=draw.pk).state == DrawState.DRAWN, timeout=60)
    assert DrawResult.objects.filter(draw=draw, role=Role.WINNER).count() == 3
    assert DrawResult.objects.filter(draw=draw).count() == 5
    assert DrawEvent.objects.filter(draw=draw, action="drawn").count() == 1
    assert wait_for(lambda: len(mail.outbox) == 3)
    # The lost message turning up after all, and the sweep again, change nothing.
    assert tasks.run_draw.delay(draw.pk).get(timeout=60) == 0
    assert tasks.requeue_stalled_draws.delay().get(timeout=30) == 0
    assert DrawResult.objects.filter(draw=draw).count() == 5
    assert len(mail.outbox) == 3
