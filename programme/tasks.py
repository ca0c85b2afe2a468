"""Celery tasks of the programme: ids in, one service call, safe to run twice."""

from celery import shared_task
from django.utils import timezone

from notifications.tasks import notice_emails_queue

from . import services


@shared_task
def unlock_due_levels():
    """Every minute (beat): announce levels whose unlock moment has passed, and email them."""
    notice_ids = services.levels_announce_due(now=timezone.now())
    notice_emails_queue(notice_ids)
    return len(notice_ids)


@shared_task
def send_closing_reminders():
    """Every hour (beat): remind those with goals left in a week that closes within a day."""
    notice_ids = services.closing_reminders_write(now=timezone.now())
    notice_emails_queue(notice_ids)
    return len(notice_ids)
