"""What changes notices: sending their emails at most once, marking them read."""

from django.core.mail import mailers
from django.utils import timezone

from .emails import notice_email
from .models import Notice


def notice_emails_send(*, notice_ids, now=None):
    """Email each of these notices that is still owed, at most once each.

    Each is claimed with a conditional update before it is sent: two workers given the same
    batch (a retry, a sweep) never send the same email twice. A worker that dies mid-batch
    leaves the claimed ones claimed, so a retry sends only the rest. Returns how many went.
    """
    now = now or timezone.now()
    sent = 0
    notices = (
        Notice.objects.to_email()
        .filter(pk__in=notice_ids)
        .select_related("participant__user", "participant__programme")
        .order_by("pk")
    )
    with mailers.default as mailer:
        for notice in notices:
            if not Notice.objects.filter(pk=notice.pk, emailed_at__isnull=True).update(
                emailed_at=now
            ):
                continue
            try:
                mailer.send_messages([notice_email(notice)])
            except Exception:
                # Not sent after all: release the claim so a retry sends it.
                Notice.objects.filter(pk=notice.pk).update(emailed_at=None)
                raise
            sent += 1
    return sent


def notices_mark_read(*, participant, now=None):
    return Notice.objects.filter(participant=participant, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
