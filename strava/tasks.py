"""Thin Celery tasks: the Strava work queue is rows (``StravaJob``); these only drain it."""

import logging

from celery import shared_task
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

from . import services

logger = logging.getLogger(__name__)


def strava_jobs_queue():
    """Drain the queue after the current transaction commits (beat does it each minute too)."""
    transaction.on_commit(_enqueue)


def _enqueue():
    try:
        run_strava_jobs.delay()
    except BrokerError:
        logger.warning("The broker refused the Strava queue run; beat will run it within a minute")


# One drain at a time per worker is enough: each job is claimed by a conditional update,
# so two drains at once share the work rather than repeat it.
@shared_task
def run_strava_jobs():
    outcome = services.jobs_run()
    if outcome["waiting"]:
        logger.info("Strava jobs waiting (%s) until %s", outcome["waiting"], outcome["resume_at"])
    return outcome["done"]
