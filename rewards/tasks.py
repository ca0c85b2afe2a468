"""Celery tasks of the draws: ids in, one service call, safe to run twice."""

from celery import shared_task
from django.utils import timezone

from notifications.tasks import notice_emails_queue

from . import services


@shared_task
def run_draw(draw_id):
    """Draw winners and alternates from the stored snapshot; a second run changes nothing.

    Returns how many winners were notified, never the seed (task results are stored).
    """
    notice_ids = services.draw_run(draw_id=draw_id, now=timezone.now())
    notice_emails_queue(notice_ids)
    return len(notice_ids)


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
