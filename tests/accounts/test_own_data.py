import json

import pytest
from django.test import Client

from programme.models import Participant, Run
from tests.factories import ParticipantFactory, RunFactory


@pytest.fixture
def alice(programme):
    alice = ParticipantFactory(programme=programme, display_name="Alice", leaderboard_opt_in=True)
    RunFactory(participant=alice, notes="Felt great", level=programme.levels.get(number=1))
    return alice


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_it_downloads_all_of_my_data_as_json(alice, other_participant):
    RunFactory(participant=other_participant, notes="Bob's secret")
    response = signed_in(alice.user).get("/account/data/")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["email"] == alice.user.email
    (participation,) = data["participations"]
    assert participation["display_name"] == "Alice"
    assert participation["draw_id"] == str(alice.draw_id)
    assert [run["notes"] for run in participation["runs"]] == ["Felt great"]
    assert participation["prizes"] == []
    assert "Bob's secret" not in response.content.decode()


def test_deleting_needs_my_password_and_the_confirmation(alice):
    client = signed_in(alice.user)
    response = client.post("/account/delete/", {"password": "wrong", "confirm": "on"})
    assert "That is not your password." in response.content.decode()
    response = client.post("/account/delete/", {"password": "correct horse battery staple"})
    assert "This field is required." in response.content.decode()
    alice.user.refresh_from_db()
    assert alice.user.is_active


def test_deleting_removes_personal_data_and_keeps_anonymous_totals(alice):
    client = signed_in(alice.user)
    response = client.post(
        "/account/delete/", {"password": "correct horse battery staple", "confirm": "on"}
    )
    assert response["Location"] == "/"
    alice.refresh_from_db()
    alice.user.refresh_from_db()
    assert alice.user.email == f"deleted-{alice.user.pk}@invalid"
    assert not alice.user.is_active and not alice.user.has_usable_password()
    assert alice.display_name == "—" and not alice.leaderboard_opt_in
    assert Run.objects.get(participant=alice).notes == ""
    assert Run.objects.filter(participant=alice).count() == 1  # the distance still counts in totals
    assert Participant.objects.filter(pk=alice.pk).exists()
    assert client.get("/dashboard/").status_code == 302  # signed out
