"""Reads of notices and of the email outbox."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q

from .models import EmailPolicy, Notice

EMAIL_BATCH_SIZE = 500
# An owed email this old had its batch task lost (a worker died between a commit and the
# enqueue, or the broker refused it): the sweep queues it again. Sending twice is safe.
STRANDED_AFTER = timedelta(seconds=settings.NOTICE_EMAIL_STRANDED_AFTER_SECONDS)  # 15 min
# After two days a reminder is stale news and only the in-app notice remains; a prize won
# is always emailed.
REMINDER_STALE_AFTER = timedelta(days=2)


def notices_for(participant, limit=50):
    return list(Notice.objects.filter(participant=participant).order_by("-created_at")[:limit])


def unread_count(participant):
    return Notice.objects.filter(participant=participant, read_at__isnull=True).count()


def email_batches(notice_ids):
    """``notice_ids`` in lists of at most EMAIL_BATCH_SIZE: one email task each."""
    notice_ids = list(notice_ids)
    return [
        notice_ids[start : start + EMAIL_BATCH_SIZE]
        for start in range(0, len(notice_ids), EMAIL_BATCH_SIZE)
    ]


def notice_emails_stranded(*, now):
    """Ids of the owed emails whose task was lost, oldest first."""
    return list(
        Notice.objects.to_email()
        .filter(created_at__lte=now - STRANDED_AFTER)
        .filter(
            Q(email=EmailPolicy.ALWAYS) | Q(created_at__gt=now - REMINDER_STALE_AFTER),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def notice_emails_owed(*, participant, keys):
    """Ids of this person's notices with these keys whose email is still owed."""
    return list(
        Notice.objects.to_email()
        .filter(participant=participant, key__in=keys)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
