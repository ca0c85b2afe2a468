"""Celery tasks of the outbox: ids in, one service call, safe to run twice."""

import logging
from functools import partial

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from . import selectors, services

logger = logging.getLogger(__name__)


def notice_emails_queue(notice_ids):
    """Queue the emails of these notices after the current transaction commits.

    The notices are already the outbox: if the broker refuses the enqueue, they stay owed
    and the sweep sends them, so a refusal is logged, not raised into the caller's page.
    """
    for batch in selectors.email_batches(notice_ids):
        transaction.on_commit(partial(_enqueue, batch))


def _enqueue(notice_ids):
    try:
        send_notice_emails.delay(notice_ids)
    except BrokerError:
        logger.warning(
            "The broker refused %s notice emails; the sweep will send them", len(notice_ids)
        )


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=600, max_retries=5)
def send_notice_emails(notice_ids):
    """One batch of at most 500 emails; OSError (SMTP unreachable) is worth a retry."""
    return services.notice_emails_send(notice_ids=notice_ids)


@shared_task
def send_stranded_notice_emails():
    """Every five minutes (beat): owed emails whose task was lost go out after all."""
    notice_ids = selectors.notice_emails_stranded(now=timezone.now())
    notice_emails_queue(notice_ids)
    return len(notice_ids)
