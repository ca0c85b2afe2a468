"""The weekly unlock: each level announced exactly once, its notices written in one statement."""

from django.db import connection, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core.public_pages import public_pages_changed
from notifications.models import EmailPolicy, Notice

from ..models import Level, Participant


def level_unlock_notice_key(level):
    return f"level-unlocked:{level.pk}"


def levels_announce_due(*, now):
    """Announce every level whose unlock moment has passed, each exactly once.

    Per level, in one transaction: a conditional update claims it (two beats or a retried
    task find nothing left to claim), then one INSERT … SELECT writes every participant's
    in-app notice, each owing an email. Returns the ids of the notices to email.
    """
    notice_ids = []
    due_ids = list(
        Level.objects.filter(announced_at__isnull=True, unlocks_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    for level_id in due_ids:
        with transaction.atomic():
            claimed = Level.objects.filter(pk=level_id, announced_at__isnull=True).update(
                announced_at=now
            )
            if not claimed:
                continue
            # Every page that says which week is on, public or a runner's, renders anew.
            public_pages_changed()
            level = Level.objects.select_related("programme").get(pk=level_id)
            _unlock_notices_insert(level=level, now=now)
            notice_ids += (
                Notice.objects.to_email()
                .filter(key=level_unlock_notice_key(level))
                .order_by("pk")
                .values_list("pk", flat=True)
            )
    return notice_ids


def _unlock_notices_insert(*, level, now):
    title = _("Week %(number)s is open: %(title)s") % {"number": level.number, "title": level.title}
    body = level.focus or level.description[:300]
    url = reverse("programme:level", args=[level.number])
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Notice._meta.db_table}
                (participant_id, key, title, body, url, created_at, read_at, email, emailed_at)
            SELECT id, %s, %s, %s, %s, %s, NULL, %s, NULL
            FROM {Participant._meta.db_table}
            WHERE programme_id = %s
            ON CONFLICT (participant_id, key) DO NOTHING
            """,  # noqa: S608 - table names come from model metadata, values are parameters
            [
                level_unlock_notice_key(level),
                title,
                body,
                url,
                now,
                EmailPolicy.IF_SUBSCRIBED,
                level.programme_id,
            ],
        )
        return cursor.rowcount
