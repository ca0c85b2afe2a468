"""Strava fixtures for every test folder (registered in tests/conftest.py): a fake Strava, a runner."""

import datetime as dt

import pytest
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.utils import timezone

from strava.models import StravaLink
from tests.factories import ParticipantFactory, ProgrammeFactory

from .fake_strava import FakeStrava

ATHLETE_ID = 134815


@pytest.fixture
def fake_strava(settings):
    """A local Strava on loopback, with the app's base URLs pointed at it."""
    with FakeStrava(
        client_id=settings.STRAVA_CLIENT_ID, client_secret=settings.STRAVA_CLIENT_SECRET
    ) as strava:
        settings.STRAVA_OAUTH_URL = f"{strava.url}/oauth"
        settings.STRAVA_API_URL = f"{strava.url}/api/v3"
        strava.athlete_add(ATHLETE_ID)
        yield strava


@pytest.fixture
def runner(db):
    programme = ProgrammeFactory(starts_on=timezone.localdate() - dt.timedelta(days=3))
    return ParticipantFactory(programme=programme, display_name="Marianne")


def connect(participant, strava, *, scope="read,activity:read", athlete_id=ATHLETE_ID):
    """What allauth and the app keep after a finished OAuth connect."""
    access, refresh, expires_at = strava.token_for(athlete_id, scope=scope)
    account = SocialAccount.objects.create(
        user=participant.user,
        provider="strava",
        uid=str(athlete_id),
        extra_data=strava.athletes[athlete_id],
    )
    SocialToken.objects.create(
        account=account,
        token=access,
        token_secret=refresh,
        expires_at=dt.datetime.fromtimestamp(expires_at, dt.UTC),
    )
    return StravaLink.objects.create(
        user=participant.user, athlete_id=athlete_id, scope=scope, connected_at=timezone.now()
    )


@pytest.fixture
def connected(runner, fake_strava):
    connect(runner, fake_strava)
    return runner


def strava_event(
    object_id, aspect="create", object_type="activity", owner=ATHLETE_ID, updates=None
):
    """A webhook event body, shaped as Strava's webhook guide documents it."""
    return {
        "aspect_type": aspect,
        "event_time": 1516126040,
        "object_id": object_id,
        "object_type": object_type,
        "owner_id": owner,
        "subscription_id": 120475,
        "updates": updates or {},
    }
