"""The "your week closes in 24 hours" reminder: who gets it, once, in constant queries."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications import services as outbox
from notifications.models import EmailPolicy, Notice
from programme import services, tasks
from programme.models import Level
from programme.services import reminders
from tests.factories import ParticipantFactory, ProgrammeFactory
from tests.rewards.factories import complete

pytestmark = pytest.mark.django_db

# Week 1 of a programme starting Monday 23 March 2026 ends at the week 2 unlock (30 March,
# 06:00 London); its logging closes three days later: 2 April 2026, 06:00 BST = 05:00 UTC.
CLOSES = dt.datetime(2026, 4, 2, 5, tzinfo=dt.UTC)
NOW = CLOSES - dt.timedelta(hours=23, minutes=30)


@pytest.fixture
def spring(db):
    return ProgrammeFactory(starts_on=dt.date(2026, 3, 23), logging_close_days=3)


@pytest.fixture
def week1(spring):
    return Level.objects.get(programme=spring, number=1)


def reminded(level):
    return set(
        Notice.objects.filter(key=services.level_closing_notice_key(level)).values_list(
            "participant_id", flat=True
        )
    )


def test_those_with_goals_left_are_reminded_and_emailed_unless_they_opted_out(spring, week1):
    behind = ParticipantFactory(programme=spring)
    done = ParticipantFactory(programme=spring)
    complete(done, 1)
    opted_out = ParticipantFactory(programme=spring, closing_reminder_emails=False)
    gone = ParticipantFactory(programme=spring)
    gone.user.is_active = False
    gone.user.save()

    notice_ids = services.closing_reminders_write(now=NOW)

    assert reminded(week1) == {behind.pk, opted_out.pk}  # in the app: all with goals left
    emailed = Notice.objects.filter(pk__in=notice_ids)
    assert [n.participant_id for n in emailed] == [behind.pk]
    notice = emailed.get()
    assert notice.email == EmailPolicy.IF_SUBSCRIBED_CLOSING
    assert notice.title == "Week 1 closes in 24 hours"
    assert notice.url == "/levels/1/"


def test_it_is_written_once_and_not_emailed_again(spring, week1):
    ParticipantFactory.create_batch(2, programme=spring)
    first = services.closing_reminders_write(now=NOW)
    assert len(first) == 2
    assert outbox.notice_emails_send(notice_ids=first) == 2
    later = NOW + dt.timedelta(hours=1)
    assert services.closing_reminders_write(now=later) == []  # already sent
    assert Notice.objects.count() == 2
    assert len(mail.outbox) == 2


def test_only_levels_closing_within_a_day_with_goals_count(spring, week1):
    ParticipantFactory(programme=spring)
    assert services.closing_reminders_write(now=CLOSES - dt.timedelta(hours=25)) == []
    assert services.closing_reminders_write(now=CLOSES) == []  # closed already
    Level.objects.filter(pk=week1.pk).update(goal_runs=None, goal_distance_m=None)
    assert services.closing_reminders_write(now=NOW) == []
    assert not Notice.objects.exists()


def test_the_query_count_does_not_grow_with_participants(spring, week1):
    ParticipantFactory.create_batch(3, programme=spring)
    with CaptureQueriesContext(connection) as few:
        assert len(services.closing_reminders_write(now=NOW)) == 3
    ParticipantFactory.create_batch(40, programme=spring)
    with CaptureQueriesContext(connection) as many:
        assert len(services.closing_reminders_write(now=NOW)) == 43
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(reminded(week1)) == 43


def test_participants_go_in_batches_and_every_one_is_written(spring, week1, monkeypatch):
    monkeypatch.setattr(reminders, "CLOSING_REMINDER_BATCH", 2)
    participants = ParticipantFactory.create_batch(5, programme=spring)
    assert len(services.closing_reminders_write(now=NOW)) == 5
    assert reminded(week1) == {p.pk for p in participants}


def test_the_email_gives_the_closing_moment_in_their_zone(spring, week1, settings):
    settings.SITE_URL = "https://run.example.net"
    ParticipantFactory(programme=spring, time_zone="America/Los_Angeles")
    notice_ids = services.closing_reminders_write(now=NOW)
    outbox.notice_emails_send(notice_ids=notice_ids)
    message = mail.outbox[0]
    assert message.subject == "Week 1 closes in 24 hours"
    # 05:00 UTC on 2 April is 22:00 the evening before in Los Angeles.
    assert "Logging closes: Wednesday 1 April 2026, 22:00 (America/Los Angeles)" in message.body
    assert "Log your activity: https://run.example.net/levels/1/" in message.body
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in message.body


def test_the_beat_task_writes_them_and_queues_the_emails_after_commit(
    spring, week1, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(
        tasks.timezone, "now", lambda: NOW
    )  # the task reads the clock; the window is fixed
    ParticipantFactory.create_batch(2, programme=spring)
    with django_capture_on_commit_callbacks() as queued:
        assert tasks.send_closing_reminders() == 2
    assert [getattr(callback, "func", callback).__name__ for callback in queued].count(
        "_enqueue"
    ) == 1
    assert tasks.send_closing_reminders() == 2  # still owed (unsent): queued again, sent once
