"""The Strava pages, the webhook endpoint, the subscription command, and who sees what."""

import io
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from imports.models import RunTrack
from programme.models import Run, Source
from programme.services import participant_update
from strava import services
from strava.models import StravaJob, StravaLink
from tests.factories import ParticipantFactory
from tests.rewards.factories import DrawFactory, complete, drawn

from .fixtures import ATHLETE_ID
from .test_sync import arrive

pytestmark = pytest.mark.django_db


def signed_in(participant):
    client = Client()
    client.force_login(participant.user)
    return client


def test_the_webhook_answers_strava_s_challenge_only_with_the_verify_token(client):
    params = {"hub.mode": "subscribe", "hub.challenge": "15f7d1a91c1f40f8a748fd134752feb3"}
    answer = client.get("/strava/webhook/", {**params, "hub.verify_token": "test-verify-token"})
    assert answer.status_code == 200
    assert answer.json() == {"hub.challenge": "15f7d1a91c1f40f8a748fd134752feb3"}
    assert (
        client.get("/strava/webhook/", {**params, "hub.verify_token": "guess"}).status_code == 403
    )


def test_the_webhook_queues_an_event_and_answers_at_once(client, connected, fake_strava):
    body = json.dumps({**json.loads(open_fixture("event_create.json")), "owner_id": ATHLETE_ID})
    answer = client.post("/strava/webhook/", body, content_type="application/json")
    assert answer.status_code == 200
    assert StravaJob.objects.filter(object_id=1360128428, done_at__isnull=True).count() == 1
    assert fake_strava.requests == []  # nothing fetched inside the request


@pytest.mark.parametrize("body", [b"not json", b'{"object_id": "x"}', b"[]", b"x" * 20_000])
def test_the_webhook_refuses_what_is_not_an_event(client, connected, body):
    answer = client.post("/strava/webhook/", body, content_type="application/json")
    assert answer.status_code in (400, 413)
    assert not StravaJob.objects.exists()


def open_fixture(name):
    from .fake_strava import FIXTURES

    return (FIXTURES / name).read_text()


def test_connecting_asks_strava_for_read_access_and_private_only_when_chosen(runner, fake_strava):
    client = signed_in(runner)
    answer = client.post("/strava/connect/")
    target = urlsplit(answer["Location"])
    assert f"{target.scheme}://{target.netloc}" == fake_strava.url
    assert parse_qs(target.query)["scope"] == ["read,activity:read"]

    answer = client.post("/strava/connect/", {"private": "on"})
    assert parse_qs(urlsplit(answer["Location"]).query)["scope"] == [
        "read,activity:read,activity:read_all"
    ]


def test_the_whole_oauth_connect_stores_the_tokens_and_the_athlete(runner, fake_strava):
    client = signed_in(runner)
    consent = urlsplit(client.post("/strava/connect/")["Location"])
    query = {k: v[0] for k, v in parse_qs(consent.query).items()}
    # The person approves on Strava; Strava sends the browser back with a code.
    back = fake_strava.app_redirect(query)
    page = client.get(back, follow=True)

    assert page.status_code == 200
    assert "Connected as Marianne Teutenberg" in page.content.decode()
    token = SocialToken.objects.get(account__user=runner.user)
    assert token.token in fake_strava.tokens and token.token_secret
    assert StravaLink.objects.get(user=runner.user).scope == "read,activity:read"


def test_strava_never_signs_anybody_in(client, runner, fake_strava):
    consent = urlsplit(client.post("/accounts/strava/login/")["Location"])
    query = {k: v[0] for k, v in parse_qs(consent.query).items()}
    client.get(fake_strava.app_redirect(query), follow=True)
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()


def test_the_connection_page_shows_what_was_imported_and_skipped(connected, fake_strava):
    arrive(fake_strava, fake_strava.activity_add(ATHLETE_ID))
    arrive(fake_strava, fake_strava.activity_add(ATHLETE_ID, sport_type="Ride"))
    page = signed_in(connected).get("/strava/").content.decode()
    assert "1 imported, 1 skipped." in page
    assert "A Ride on Strava, not a run." in page
    assert "Powered by Strava" in page


def test_disconnecting_revokes_the_token_and_keeps_the_runs(connected, fake_strava):
    arrive(fake_strava, fake_strava.activity_add(ATHLETE_ID))
    token = SocialToken.objects.get().token

    signed_in(connected).post("/strava/disconnect/")

    assert token not in fake_strava.tokens  # revoked at Strava
    assert not SocialToken.objects.exists() and not StravaLink.objects.exists()
    assert Run.objects.filter(participant=connected, source=Source.STRAVA).count() == 1
    assert not RunTrack.objects.exists()


def test_backfill_from_the_page_is_queued_and_shown(connected, fake_strava):
    page = signed_in(connected).post("/strava/backfill/", follow=True).content.decode()
    assert "Importing your earlier runs" in page
    assert StravaJob.objects.filter(kind="backfill").exists()


def test_without_a_strava_application_the_features_are_hidden(settings, runner):
    settings.STRAVA_ENABLED = False
    client = signed_in(runner)
    assert client.get("/strava/").status_code == 404
    assert (
        client.post("/strava/webhook/", b"{}", content_type="application/json").status_code == 404
    )
    assert "Connect Strava" not in client.get("/profile/").content.decode()
    assert "Connect Strava" not in client.get("/runs/import/").content.decode()


def test_the_profile_and_import_pages_offer_to_connect(runner):
    client = signed_in(runner)
    assert "Connect Strava" in client.get("/profile/").content.decode()
    assert "Connect Strava" in client.get("/runs/import/").content.decode()


def test_the_subscription_command_creates_shows_and_deletes(fake_strava, settings):
    settings.SITE_URL = "https://run.example.org"
    out = io.StringIO()
    call_command("strava_subscription", "create", stdout=out)
    assert "for https://run.example.org/strava/webhook/" in out.getvalue()
    call_command("strava_subscription", stdout=out)
    assert "https://run.example.org/strava/webhook/" in out.getvalue().splitlines()[-1]
    call_command("strava_subscription", "delete", stdout=out)
    assert fake_strava.subscriptions == {}


# Strava's API Agreement: one person's Strava data is shown to that person only ------------


def test_others_never_see_a_strava_run_s_figures(connected, fake_strava, client):
    participant_update(participant=connected, leaderboard_opt_in=True)
    arrive(fake_strava, fake_strava.activity_add(ATHLETE_ID, metres=7321, seconds=2222))
    run = Run.objects.get(participant=connected)
    other = ParticipantFactory(programme=connected.programme, leaderboard_opt_in=True)

    as_other = signed_in(other)
    assert as_other.get(f"/runs/{run.pk}/").status_code == 404
    for scope in ("week", "overall"):
        board = as_other.get(f"/leaderboard/?scope={scope}").content.decode()
        assert "Marianne" in board
        assert "7.32" not in board and "7,321" not in board and "37:02" not in board
    assert client.get(f"/runs/{run.pk}/").status_code == 302  # anonymous: to sign-in

    # The owner sees it all.
    own = signed_in(connected).get(f"/runs/{run.pk}/").content.decode()
    assert "7.32 km" in own


def test_published_draw_files_hold_tickets_not_figures(connected, fake_strava, client):
    arrive(fake_strava, fake_strava.activity_add(ATHLETE_ID, metres=7321, seconds=2222))
    complete(connected, 1)
    draw = DrawFactory(prize__programme=connected.programme, winners=1, alternates=0)
    drawn(draw, staff=None, now=timezone.now())
    entries = client.get(f"/draws/{draw.slug}/entries.csv").content.decode()
    assert entries.splitlines()[0] == "entrant,tickets"
    assert "7321" not in entries and "2222" not in entries


def test_services_say_when_strava_is_off(settings):
    settings.STRAVA_ENABLED = False
    assert services.strava_enabled() is False


def test_staff_see_the_quota_but_never_a_token(connected, fake_strava, client, django_user_model):
    arrive(fake_strava, fake_strava.activity_add(ATHLETE_ID))
    boss = django_user_model.objects.create_superuser(email="boss@example.org", password="x")
    client.force_login(boss)
    quota_page = client.get("/admin/strava/stravaquota/").content.decode()
    assert "2/100 this quarter hour" in quota_page
    token = SocialToken.objects.get().token
    for path in ("/admin/", "/admin/strava/stravalink/", "/admin/strava/stravaactivity/"):
        assert token not in client.get(path).content.decode()
    assert client.get("/admin/socialaccount/socialtoken/").status_code == 404


def test_deleting_the_account_revokes_strava_and_nothing_arrives_after(connected, fake_strava):
    arrive(fake_strava, fake_strava.activity_add(ATHLETE_ID))
    token = SocialToken.objects.get().token

    response = signed_in(connected).post(
        "/account/delete/", {"password": "correct horse battery staple", "confirm": "on"}
    )
    assert response.status_code == 302

    assert token not in fake_strava.tokens  # revoked at Strava
    assert not SocialToken.objects.exists() and not StravaLink.objects.exists()
    assert not SocialAccount.objects.filter(provider="strava").exists()
    # An activity Strava still announces for that athlete finds nobody to import it for.
    arrive(fake_strava, fake_strava.activity_add(ATHLETE_ID))
    assert Run.objects.filter(participant=connected, source=Source.STRAVA).count() == 1
