"""Invariants the database keeps, the prize image check, and the beat schedule."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from config.celery_app import app
from rewards.models import DrawResult, ResultStatus, Role
from rewards.validators import validate_prize_image
from tests.factories import ParticipantFactory
from tests.rewards.factories import DrawFactory, complete, drawn

NOW = dt.datetime(2025, 3, 10, 12, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
@pytest.mark.parametrize("duplicate", ["rank", "entrant", "participant"])
def test_a_draw_never_holds_two_results_for_one_rank_entrant_or_participant(programme, duplicate):
    participant = ParticipantFactory(programme=programme)
    complete(participant, 1)
    draw = DrawFactory(prize__programme=programme, winners=1, alternates=0)
    drawn(draw, staff=None, now=NOW)
    first = draw.results.get()
    other = ParticipantFactory(programme=programme)
    fields = {"rank": 2, "entrant": other.draw_id, "participant": other}
    fields[duplicate] = getattr(first, duplicate)
    with pytest.raises(IntegrityError), transaction.atomic():
        DrawResult.objects.create(
            draw=draw,
            role=Role.ALTERNATE,
            status=ResultStatus.WAITING,
            status_changed_at=NOW,
            **fields,
        )


@pytest.mark.parametrize(
    ("content", "ok"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 20, True),
        (b"\xff\xd8\xff\xe0" + b"\0" * 20, True),
        (b"RIFF\0\0\0\0WEBPVP8 ", True),
        (b"<svg onload=alert(1)>", False),
        (b"GIF89a", False),
    ],
)
def test_prize_images_are_checked_by_content(content, ok):
    upload = SimpleUploadedFile("prize.png", content)
    if ok:
        validate_prize_image(upload)
    else:
        with pytest.raises(ValidationError):
            validate_prize_image(upload)


def test_prize_images_over_2_mb_are_refused():
    upload = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024))
    with pytest.raises(ValidationError, match="2 MB"):
        validate_prize_image(upload)


@pytest.mark.django_db
def test_beat_forfeits_and_reminds_every_day_with_registered_tasks():
    schedule = settings.CELERY_BEAT_SCHEDULE
    app.loader.import_default_modules()
    for name, task in (
        ("forfeit-expired-claims", "rewards.tasks.forfeit_expired_claims"),
        ("send-claim-reminders", "rewards.tasks.send_claim_reminders"),
    ):
        entry = schedule[name]
        assert entry["task"] == task and task in app.tasks
        assert entry["schedule"].remaining_estimate(NOW) <= dt.timedelta(days=1)
