"""Celery tasks: thin wrappers that load ids and call a service. Each is safe to run twice."""

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from . import services


@shared_task
def unlock_due_levels():
    """Every minute (beat): announce levels whose unlock moment has passed."""
    batches = services.levels_announce_due(now=timezone.now())
    for notice_ids in batches:
        send_notice_emails.delay_on_commit(notice_ids)
    return len(batches)


@shared_task
def send_stranded_unlock_emails():
    """Every 15 minutes (beat): unlock emails whose batch task was lost go out after all."""
    batches = services.level_unlock_emails_stranded(now=timezone.now())
    for notice_ids in batches:
        send_notice_emails.delay_on_commit(notice_ids)
    return len(batches)


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=600, max_retries=5)
def send_notice_emails(notice_ids, essential=False):
    """One batch of at most 500 emails; OSError (SMTP unreachable) is worth a retry."""
    return services.notice_emails_send(notice_ids=notice_ids, essential=essential)


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
    upload_ids = services.activity_uploads_stalled(now=timezone.now())
    for upload_id in upload_ids:
        import_activity_file.delay_on_commit(upload_id)
    return len(upload_ids)


@shared_task
def delete_expired_activity_files():
    """Daily (beat): delete raw files past ACTIVITY_FILE_RETENTION_DAYS; the runs stay."""
    return services.activity_files_delete_expired(now=timezone.now())
