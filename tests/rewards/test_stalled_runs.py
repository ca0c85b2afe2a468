"""Lost draw runs: told from queued and running, re-queued by the sweep, drawn exactly once.

Time is passed in, so each rule is checked at its boundary: a run silent for exactly
DRAW_RUN_STALL is still waiting, one second more and it has stalled.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from rewards import services, tasks
from rewards.draw_core import draw_result, parse_entries
from rewards.errors import RewardsError
from rewards.models import Draw, DrawEvent, DrawResult, DrawState, Role
from rewards.selectors import (
    DRAW_RUN_REQUEUES,
    DRAW_RUN_STALL,
    draw_run_state,
    draws_run_stalled,
)
from tests.factories import ParticipantFactory
from tests.rewards.factories import (
    BEACON_ENTROPY,
    SIGNATURE,
    DrawFactory,
    closed,
    complete,
    drawn,
    fixture_round,
    run_requested,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2025, 3, 10, 12, 0, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def asked(programme, staff_user):
    """A draw whose run staff asked for at NOW; the task never reached a worker."""
    for index in range(8):
        complete(ParticipantFactory(programme=programme), index % 6 + 1)
    draw = DrawFactory(prize__programme=programme, winners=3, alternates=2)
    return run_requested(draw, staff=staff_user, now=NOW)


def started(draw, at):
    """What ``draw_run`` writes as a worker picks the run up (before its transaction)."""
    Draw.objects.filter(pk=draw.pk).update(run_started_at=at)
    draw.refresh_from_db()
    return draw


def state_at(draw, now):
    draw.refresh_from_db()
    return draw_run_state(draw, now=now)


# Telling a lost run from a slow one ---------------------------------------------------------


def test_a_run_never_picked_up_is_stalled_one_second_after_three_minutes(asked):
    assert dt.timedelta(minutes=3) == DRAW_RUN_STALL
    assert draws_run_stalled(now=NOW + DRAW_RUN_STALL) == []
    assert draws_run_stalled(now=NOW + DRAW_RUN_STALL + SECOND) == [asked.pk]


def test_a_run_picked_up_is_counted_from_its_start_not_from_the_request(asked):
    started(asked, NOW + dt.timedelta(minutes=2))
    assert draws_run_stalled(now=NOW + dt.timedelta(minutes=5)) == []
    assert draws_run_stalled(now=NOW + dt.timedelta(minutes=5) + SECOND) == [asked.pk]


def test_draws_not_asked_for_or_already_drawn_are_never_stalled(programme, staff_user, asked):
    later = NOW + dt.timedelta(days=1)
    not_asked = DrawFactory(prize__programme=programme)
    closed(not_asked, staff=staff_user)
    drawn(DrawFactory(prize__programme=programme, winners=1), staff=staff_user, now=NOW)
    assert draws_run_stalled(now=later) == [asked.pk]


def test_the_worker_marks_the_start_even_when_it_dies_drawing(asked, monkeypatch):
    def worker_killed(**kwargs):
        raise SystemExit("worker lost")

    monkeypatch.setattr(services.draws, "finish_if_done", worker_killed)
    with pytest.raises(SystemExit):
        services.draw_run(draw_id=asked.pk, now=NOW + dt.timedelta(minutes=1))
    asked.refresh_from_db()
    assert asked.state == DrawState.ENTRIES_CLOSED
    assert asked.run_started_at == NOW + dt.timedelta(minutes=1)


# The sweep --------------------------------------------------------------------------------


def test_the_sweep_requeues_a_lost_run_once_with_a_new_task_id_and_notes_it(asked):
    first_task = asked.run_task_id
    now = NOW + DRAW_RUN_STALL + SECOND

    requeued = services.draws_requeue_stalled(now=now)

    asked.refresh_from_db()
    assert requeued == [(asked.pk, asked.run_task_id)]
    assert asked.run_task_id != first_task
    assert (asked.public_entropy, asked.run_requested_at) == (BEACON_ENTROPY, NOW)
    event = DrawEvent.objects.get(draw=asked, action="run_requeued")
    assert (event.actor, event.at) == (None, now)
    assert "queued again" in event.note
    assert services.draws_requeue_stalled(now=now) == []  # twice: nothing more
    assert services.draws_requeue_stalled(now=now + DRAW_RUN_STALL) == []
    assert len(services.draws_requeue_stalled(now=now + DRAW_RUN_STALL + SECOND)) == 1


def test_the_sweep_gives_up_after_five_tries_until_staff_ask_again(asked, staff_user):
    now = NOW
    for _ in range(DRAW_RUN_REQUEUES):
        now += DRAW_RUN_STALL + SECOND
        assert len(services.draws_requeue_stalled(now=now)) == 1
    now += DRAW_RUN_STALL + SECOND
    assert services.draws_requeue_stalled(now=now) == []
    assert state_at(asked, now)["can_run_again"] is True

    services.draw_request_run(draw=asked, actor=staff_user, signature=SIGNATURE, now=now)
    assert services.draws_requeue_stalled(now=now + DRAW_RUN_STALL + SECOND) != []


def test_a_requeued_run_draws_the_committed_result_once(asked):
    services.draws_requeue_stalled(now=NOW + DRAW_RUN_STALL + SECOND)
    later = NOW + dt.timedelta(minutes=5)

    notified = services.draw_run(draw_id=asked.pk, now=later)
    stored = list(asked.results.order_by("rank").values_list("rank", "entrant", "role"))
    assert services.draw_run(draw_id=asked.pk, now=later + SECOND) == []  # the old message

    assert len(notified) == 3
    assert DrawResult.objects.filter(draw=asked, role=Role.WINNER).count() == 3
    assert list(asked.results.order_by("rank").values_list("rank", "entrant", "role")) == stored
    expected = draw_result(
        parse_entries(bytes(asked.snapshot.entries)),
        seed=bytes(asked.seed),
        public_entropy=BEACON_ENTROPY,
        winners=3,
        alternates=2,
    )
    assert [(rank, str(entrant), role) for rank, entrant, role in stored] == expected
    assert services.draws_requeue_stalled(now=later + dt.timedelta(hours=1)) == []


@pytest.mark.parametrize("how", ["run again", "request again"])
def test_asking_again_keeps_the_entropy_and_notes_who_asked(asked, staff_user, how):
    later = NOW + dt.timedelta(minutes=10)
    if how == "run again":
        again = services.draw_run_again(draw=asked, actor=staff_user, now=later)
    else:
        # Another real quicknet signature: asking again ignores whatever is pasted.
        again = services.draw_request_run(
            draw=asked,
            actor=staff_user,
            signature=fixture_round("quicknet", 2)["signature"],
            now=later,
        )
    assert again.public_entropy == BEACON_ENTROPY
    assert again.beacon_signature == SIGNATURE
    assert again.run_requested_at == later
    assert again.run_task_id != asked.run_task_id
    event = DrawEvent.objects.get(draw=asked, action="run_requeued")
    assert (event.actor, event.at) == (staff_user, later)
    assert BEACON_ENTROPY in event.note
    assert state_at(again, later)["phase"] == "queued"


def test_the_sweep_task_queues_the_runs_only_after_commit(
    asked, monkeypatch, django_capture_on_commit_callbacks
):
    Draw.objects.filter(pk=asked.pk).update(
        run_requested_at=timezone.now() - DRAW_RUN_STALL - SECOND
    )
    sent = []
    monkeypatch.setattr(
        tasks.run_draw, "apply_async", lambda args, **options: sent.append((args, options))
    )

    with django_capture_on_commit_callbacks() as callbacks:
        assert tasks.requeue_stalled_draws() == 1
        assert sent == []
    for callback in callbacks:
        callback()

    asked.refresh_from_db()
    assert sent == [((asked.pk,), {"task_id": asked.run_task_id})]
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["rewards.tasks.requeue_stalled_draws"] <= 120


# What the run page says --------------------------------------------------------------------


def test_the_run_state_in_words_from_queued_to_drawn(asked):
    state = state_at(asked, NOW + dt.timedelta(minutes=1))
    assert (state["phase"], state["can_run_again"]) == ("queued", False)
    assert "Queued 10 Mar, 12:00 UTC, 1\xa0minute ago" in state["message"]
    assert "waiting for a worker" in state["message"]

    state = state_at(asked, NOW + DRAW_RUN_STALL + SECOND)
    assert (state["phase"], state["can_run_again"]) == ("stalled", True)
    assert "No worker has picked this up for 3 minutes" in state["message"]

    started(asked, NOW + dt.timedelta(minutes=4))
    state = state_at(asked, NOW + dt.timedelta(minutes=5))
    assert (state["phase"], state["can_run_again"]) == ("running", False)
    assert "A worker started drawing 10 Mar, 12:04 UTC" in state["message"]

    state = state_at(asked, NOW + dt.timedelta(minutes=7) + SECOND)
    assert (state["phase"], state["can_run_again"]) == ("stalled", True)
    assert "has been silent for 3 minutes" in state["message"]

    services.draw_run(draw_id=asked.pk, now=NOW + dt.timedelta(minutes=8))
    state = state_at(asked, NOW + dt.timedelta(minutes=9))
    assert (state["phase"], state["done"], state["can_run_again"]) == ("done", True, False)
    assert state["message"] == "Drawn. The seed and the result are published."
    assert state["results_url"] == f"/draws/{asked.slug}/"
    assert "task_state" not in state


def test_a_draw_not_asked_for_says_so(programme):
    draw = DrawFactory(prize__programme=programme)
    state = draw_run_state(draw, now=NOW)
    assert (state["phase"], state["can_run_again"]) == ("not_requested", False)
    assert state["message"] == "The run has not been asked for yet."


def test_running_again_is_refused_before_the_run_was_asked_for_and_after_it_was_drawn(
    programme, staff_user, asked
):
    not_asked = DrawFactory(prize__programme=programme)
    with pytest.raises(RewardsError, match="not been asked for"):
        services.draw_run_again(draw=not_asked, actor=staff_user, now=NOW)
    services.draw_run(draw_id=asked.pk, now=NOW)
    with pytest.raises(RewardsError, match="already been drawn"):
        services.draw_run_again(draw=asked, actor=staff_user, now=NOW)
    assert not DrawEvent.objects.filter(action="run_requeued").exists()
