"""Celery tasks: thin wrappers that load ids and call a service. Each is safe to run twice."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def unlock_due_levels():
    """Every minute (beat): announce levels whose unlock moment has passed."""
    batches = services.levels_announce_due(now=timezone.now())
    for notice_ids in batches:
        send_notice_emails.delay_on_commit(notice_ids)
    return len(batches)


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=600, max_retries=5)
def send_notice_emails(notice_ids, essential=False):
    """One batch of at most 500 emails; OSError (SMTP unreachable) is worth a retry."""
    return services.notice_emails_send(notice_ids=notice_ids, essential=essential)
