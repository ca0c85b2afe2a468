"""A prize won stays on the winner's dashboard, with its claim deadline, until it is claimed."""

import pytest
from django.test import Client

from rewards.models import DrawResult
from tests.factories import ParticipantFactory, ProgrammeFactory
from tests.notifications.test_emails import CLAIM
from tests.rewards.factories import DrawFactory, complete, drawn

pytestmark = pytest.mark.django_db


def test_a_prize_won_is_on_the_dashboard_until_it_is_claimed():
    programme = ProgrammeFactory()
    winner = ParticipantFactory(programme=programme, country="GB")
    loser = ParticipantFactory(programme=programme)
    complete(winner, 1)
    draw = DrawFactory(prize__programme=programme, prize__name="Harbour shoes", winners=1)
    drawn(draw, staff=None)
    result = DrawResult.objects.get(draw=draw, participant=winner)

    client = Client()
    client.force_login(winner.user)
    page = client.get("/dashboard/").content.decode()
    assert "You won!" in page
    assert "<strong>Harbour shoes</strong>: claim it by" in page
    assert f'href="/prizes/{result.pk}/claim/"' in page

    other = Client()
    other.force_login(loser.user)
    assert "You won!" not in other.get("/dashboard/").content.decode()

    assert client.post(f"/prizes/{result.pk}/claim/", CLAIM).status_code == 302
    assert "You won!" not in client.get("/dashboard/").content.decode()
