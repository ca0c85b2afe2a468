"""Celery tasks of the draws: ids in, one service call, safe to run twice."""

import logging
from functools import partial

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from notifications.tasks import notice_emails_queue

from . import services

logger = logging.getLogger(__name__)


@shared_task
def run_draw(draw_id):
    """Draw winners and alternates from the stored snapshot; a second run changes nothing.

    Returns how many winners were notified, never the seed (task results are stored).
    """
    notice_ids = services.draw_run(draw_id=draw_id, now=timezone.now())
    notice_emails_queue(notice_ids)
    return len(notice_ids)


def draw_runs_queue(runs):
    """Queue these (draw id, task id) runs once the current transaction commits.

    The draw is the queue entry: if the broker refuses, the run stays asked for and the
    sweep queues it again a few minutes later.
    """
    for draw_id, task_id in runs:
        transaction.on_commit(partial(_enqueue_run, draw_id, task_id))


def _enqueue_run(draw_id, task_id):
    try:
        run_draw.apply_async((draw_id,), task_id=task_id)
    except BrokerError:
        logger.warning("The broker refused the run of draw %s; the sweep will try again", draw_id)


@shared_task
def requeue_stalled_draws():
    """Every minute (beat): queue again the draw runs that were lost (a killed worker)."""
    runs = services.draws_requeue_stalled(now=timezone.now())
    draw_runs_queue(runs)
    return len(runs)


@shared_task
def forfeit_expired_claims():
    """Daily (beat): prizes past their claim deadline pass to the next alternate."""
    notice_ids = services.results_forfeit_due(now=timezone.now())
    notice_emails_queue(notice_ids)
    return len(notice_ids)


@shared_task
def send_claim_reminders():
    """Daily (beat): a reminder two days before a claim deadline, once per prize."""
    notice_ids = services.claim_reminders_due(now=timezone.now())
    notice_emails_queue(notice_ids)
    return len(notice_ids)
