"""The unlock task through a real Celery worker and a real Redis broker."""

import time

import pytest
from django.core import mail
from django.db import transaction

from notifications.models import Notice
from notifications.tasks import send_notice_emails
from programme import tasks
from programme.models import Level
from tests.celery_worker import queued_messages, wait_for
from tests.factories import ParticipantFactory, ProgrammeFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_the_worker_announces_a_due_level_once_even_when_two_beats_fire(worker):
    programme = ProgrammeFactory()
    ParticipantFactory.create_batch(3, programme=programme)
    week1 = Level.objects.get(programme=programme, number=1)

    first, second = tasks.unlock_due_levels.delay(), tasks.unlock_due_levels.delay()
    assert sorted([first.get(timeout=20), second.get(timeout=20)]) == [0, 3]  # notices to email
    assert wait_for(lambda: len(mail.outbox) == 3)

    assert Notice.objects.filter(key=f"level-unlocked:{week1.pk}").count() == 3
    assert tasks.unlock_due_levels.delay().get(timeout=20) == 0
    time.sleep(1)  # give a stray duplicate email batch the time to show itself
    assert len(mail.outbox) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        p.user.email for p in programme.participants.all()
    )


def test_a_task_enqueued_in_a_rolled_back_transaction_is_never_sent():
    before = queued_messages()
    with pytest.raises(RuntimeError), transaction.atomic():
        send_notice_emails.delay_on_commit([1, 2, 3])
        raise RuntimeError("the request failed")
    assert queued_messages() == before
    with transaction.atomic():
        send_notice_emails.delay_on_commit([1, 2, 3])
    assert queued_messages() == before + 1
