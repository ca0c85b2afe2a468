"""Celery tasks of the imports: ids in, one service call, safe to run twice."""

import logging
from functools import partial

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from . import selectors, services

logger = logging.getLogger(__name__)


def activity_uploads_queue(upload_ids):
    """Queue these uploads for reading once the current transaction commits.

    The upload row is the queue entry: if the broker refuses, the upload stays "queued"
    (its file kept) and the sweep queues it again when the broker is back.
    """
    for upload_id in upload_ids:
        transaction.on_commit(partial(_enqueue, upload_id))


def _enqueue(upload_id):
    try:
        import_activity_file.delay(upload_id)
    except BrokerError:
        logger.warning("The broker refused upload %s; the sweep will queue it again", upload_id)


# Parsing a 20 MB file takes a few seconds (a 50,000-point GPX: under one); a minute means
# something is wrong, and the soft limit lets the service record it as failed.
@shared_task(
    soft_time_limit=60,
    time_limit=90,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=10,
    retry_backoff_max=300,
    max_retries=5,
)
def import_activity_file(upload_id):
    """Read one uploaded activity file into runs. Database outages are retried."""
    upload = services.activity_upload_process(upload_id=upload_id, now=timezone.now())
    return upload.state if upload is not None else None


@shared_task
def requeue_stalled_imports():
    """Every few minutes (beat): queue again the uploads whose task was lost."""
    upload_ids = selectors.activity_uploads_stalled(now=timezone.now())
    activity_uploads_queue(upload_ids)
    return len(upload_ids)


@shared_task
def delete_expired_activity_files():
    """Daily (beat): delete raw files past ACTIVITY_FILE_RETENTION_DAYS; the runs stay."""
    return services.activity_files_delete_expired(now=timezone.now())
