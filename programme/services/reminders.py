"""The "your week closes in 24 hours" reminder: set-based, once per participant and level."""

import json
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext as _

from core.public_pages import public_pages_changed
from notifications.models import EmailPolicy, Notice

from .. import weeks
from ..models import LevelCompletion, Participant, Programme

CLOSING_REMINDER_LEAD = timedelta(hours=24)
# Participants per INSERT: a programme of any size is written in short statements.
CLOSING_REMINDER_BATCH = 1000


def level_closing_notice_key(level):
    return f"week-closing:{level.pk}"


def levels_closing_soon(*, now):
    """[(level, closes_at)]: levels with goals whose logging closes within the next 24 hours.

    Two queries for any number of programmes: their levels come prefetched, and each
    week's end (the next unlock) is worked out in Python.
    """
    due = []
    for programme in Programme.objects.prefetch_related("levels"):
        for level, _starts, ends in weeks.level_windows(programme, programme.levels.all()):
            closes_at = weeks.logging_closes_at(programme, ends)
            if level.has_goals and now < closes_at <= now + CLOSING_REMINDER_LEAD:
                due.append((level, closes_at))
    return due


def closing_reminders_write(*, now):
    """Write the closing reminder of every participant with goals left in a closing level.

    Idempotent: the notice key (one per participant and level) and ON CONFLICT make a
    second beat, a retried task or an overlapping run write nothing new. Participants go
    in batches of CLOSING_REMINDER_BATCH by id, each one INSERT … SELECT. Everyone with
    goals left gets the in-app notice; the email goes to those who did not turn it off
    (EmailPolicy.IF_SUBSCRIBED_CLOSING). Returns the ids of the notices whose email is owed.
    """
    notice_ids = []
    for level, closes_at in levels_closing_soon(now=now):
        # Everyone's nav counts the new notice: no page cached before it is served again.
        public_pages_changed()
        after_id = 0
        while after_id is not None:
            after_id = _closing_notices_insert(
                level=level, closes_at=closes_at, now=now, after_id=after_id
            )
        notice_ids += (
            Notice.objects.to_email()
            .filter(key=level_closing_notice_key(level))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    return notice_ids


def _closing_notices_insert(*, level, closes_at, now, after_id):
    """One batch of participants after ``after_id``; the last id of a full batch, else None."""
    title = _("Week %(number)s closes in 24 hours") % {"number": level.number}
    body = _(
        "You still have goals left in “%(title)s”. Log your activity before the week closes "
        "to earn its draw tickets."
    ) % {"title": level.title}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH batch AS (
                SELECT id FROM {Participant._meta.db_table}
                WHERE programme_id = %s AND id > %s
                ORDER BY id
                LIMIT %s
            ), written AS (
                INSERT INTO {Notice._meta.db_table}
                    (participant_id, key, title, body, url, created_at, read_at, email,
                     emailed_at, data)
                SELECT batch.id, %s, %s, %s, %s, %s, NULL, %s, NULL, %s::jsonb
                FROM batch
                JOIN {Participant._meta.db_table} participant ON participant.id = batch.id
                JOIN {get_user_model()._meta.db_table} account
                    ON account.id = participant.user_id
                WHERE account.is_active
                  AND NOT EXISTS (
                    SELECT 1 FROM {LevelCompletion._meta.db_table} completion
                    WHERE completion.participant_id = batch.id AND completion.level_id = %s
                  )
                ON CONFLICT (participant_id, key) DO NOTHING
            )
            SELECT max(id), count(*) FROM batch
            """,  # noqa: S608 - table names come from model metadata, values are parameters
            [
                level.programme_id,
                after_id,
                CLOSING_REMINDER_BATCH,
                level_closing_notice_key(level),
                title,
                body,
                reverse("programme:level", args=[level.number]),
                now,
                EmailPolicy.IF_SUBSCRIBED_CLOSING,
                json.dumps({"deadline": closes_at.isoformat()}),
                level.pk,
            ],
        )
        last_id, looked_at = cursor.fetchone()
    return last_id if looked_at == CLOSING_REMINDER_BATCH else None
