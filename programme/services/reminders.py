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
    """One batch of participants after ``after_id``; the last id of a full batch, else None.

    Two statements that run on PostgreSQL and on SQLite (the embedded default's beat sends
    these reminders too): the batch's id range, then one INSERT … SELECT over it.
    """
    title = _("Week %(number)s closes in 24 hours") % {"number": level.number}
    body = _(
        "You still have goals left in “%(title)s”. Log your activity before the week closes "
        "to earn its draw tickets."
    ) % {"title": level.title}
    participants = Participant._meta.db_table
    # A text parameter goes into PostgreSQL's jsonb column only when cast; SQLite keeps text.
    data = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT max(id), count(*) FROM (
                SELECT id FROM {participants}
                WHERE programme_id = %s AND id > %s
                ORDER BY id
                LIMIT %s
            ) batch
            """,  # noqa: S608 - the table name comes from model metadata
            [level.programme_id, after_id, CLOSING_REMINDER_BATCH],
        )
        last_id, looked_at = cursor.fetchone()
        if not looked_at:
            return None
        cursor.execute(
            f"""
            INSERT INTO {Notice._meta.db_table}
                (participant_id, key, title, body, url, created_at, read_at, email,
                 emailed_at, data)
            SELECT participant.id, %s, %s, %s, %s, %s, NULL, %s, NULL, {data}
            FROM {participants} participant
            JOIN {get_user_model()._meta.db_table} account ON account.id = participant.user_id
            WHERE participant.programme_id = %s
              AND participant.id > %s AND participant.id <= %s
              AND account.is_active
              AND NOT EXISTS (
                SELECT 1 FROM {LevelCompletion._meta.db_table} completion
                WHERE completion.participant_id = participant.id AND completion.level_id = %s
              )
            ON CONFLICT (participant_id, key) DO NOTHING
            """,  # noqa: S608 - table names come from model metadata, values are parameters
            [
                level_closing_notice_key(level),
                title,
                body,
                reverse("programme:level", args=[level.number]),
                connection.ops.adapt_datetimefield_value(now),
                EmailPolicy.IF_SUBSCRIBED_CLOSING,
                json.dumps({"deadline": closes_at.isoformat()}),
                level.programme_id,
                after_id,
                last_id,
                level.pk,
            ],
        )
    return last_id if looked_at == CLOSING_REMINDER_BATCH else None
