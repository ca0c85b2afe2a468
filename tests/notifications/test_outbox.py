"""The outbox: every owed email sent at most once, batched, and swept when its task is lost."""

import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from notifications import selectors, tasks
from notifications import services as outbox
from notifications.models import EmailPolicy, Notice
from programme import services
from programme.models import Level
from tests.factories import ParticipantFactory, ProgrammeFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 3, 26, 12, tzinfo=LONDON)


@pytest.fixture
def spring(db):
    """Starts Monday 23 March 2026, 06:00 London."""
    programme = ProgrammeFactory(starts_on=dt.date(2026, 3, 23))
    Level.objects.filter(programme=programme, number=1).update(goal_runs=2)
    return programme


def test_emails_go_in_batches_of_at_most_500(spring, monkeypatch):
    monkeypatch.setattr(selectors, "EMAIL_BATCH_SIZE", 2)
    ParticipantFactory.create_batch(5, programme=spring)
    notice_ids = services.levels_announce_due(now=NOW)
    assert [len(batch) for batch in selectors.email_batches(notice_ids)] == [2, 2, 1]


def test_each_unlock_email_is_sent_once_even_when_a_batch_runs_twice(spring):
    ParticipantFactory.create_batch(2, programme=spring)
    ParticipantFactory(programme=spring, reminder_emails=False)
    batch = services.levels_announce_due(now=NOW)
    assert outbox.notice_emails_send(notice_ids=batch, now=NOW) == 2
    assert outbox.notice_emails_send(notice_ids=batch, now=NOW) == 0
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert message.subject.startswith("Week 1 is open")
    assert "/unsubscribe/" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_unlock_emails_whose_batch_was_lost_go_out_later_exactly_once(spring):
    ParticipantFactory.create_batch(2, programme=spring)
    services.levels_announce_due(now=NOW)  # announced, but the batch tasks never ran
    assert selectors.notice_emails_stranded(now=NOW + dt.timedelta(minutes=5)) == []
    # After two days the news is stale: nothing is sent that late.
    assert selectors.notice_emails_stranded(now=NOW + dt.timedelta(days=3)) == []
    batch = selectors.notice_emails_stranded(now=NOW + dt.timedelta(minutes=20))
    assert len(batch) == 2
    outbox.notice_emails_send(notice_ids=batch, now=NOW)
    outbox.notice_emails_send(notice_ids=batch, now=NOW)
    assert len(mail.outbox) == 2
    assert selectors.notice_emails_stranded(now=NOW + dt.timedelta(minutes=40)) == []


def test_a_prize_email_is_owed_until_sent_however_late(spring):
    participant = ParticipantFactory(programme=spring, reminder_emails=False)
    won = Notice.objects.create(
        participant=participant,
        key="draw-won:1",
        title="You won",
        created_at=NOW,
        email=EmailPolicy.ALWAYS,
    )
    Notice.objects.create(participant=participant, key="in-app-only", title="Hi", created_at=NOW)
    assert selectors.notice_emails_stranded(now=NOW + dt.timedelta(days=30)) == [won.pk]
    assert outbox.notice_emails_send(notice_ids=[won.pk], now=NOW) == 1
    assert selectors.notice_emails_stranded(now=NOW + dt.timedelta(days=30)) == []


def test_the_sweep_task_queues_the_stranded_emails_after_commit(
    spring, monkeypatch, django_capture_on_commit_callbacks
):
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    for participant in ParticipantFactory.create_batch(3, programme=spring):
        Notice.objects.create(
            participant=participant,
            key="k",
            title="t",
            created_at=an_hour_ago,
            email=EmailPolicy.IF_SUBSCRIBED,
        )
    queued = []
    monkeypatch.setattr(tasks.send_notice_emails, "delay", lambda ids: queued.append(ids))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_stranded_notice_emails() == 3
        assert queued == []  # not before the commit
    assert [len(ids) for ids in queued] == [3]


def test_a_broker_refusing_the_enqueue_loses_no_email(spring, monkeypatch, caplog):
    participant = ParticipantFactory(programme=spring)
    notice = Notice.objects.create(
        participant=participant, key="k", title="t", email=EmailPolicy.ALWAYS
    )

    def refuse(ids):
        raise BrokerError("connection refused")

    monkeypatch.setattr(tasks.send_notice_emails, "delay", refuse)
    tasks._enqueue([notice.pk])  # what the commit hook runs: logs, does not raise
    assert "sweep will send them" in caplog.text
    later = timezone.now() + dt.timedelta(minutes=20)
    assert selectors.notice_emails_stranded(now=later) == [notice.pk]
