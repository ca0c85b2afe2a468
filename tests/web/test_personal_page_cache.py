"""A participant's pages come back from the cache for their own browser, and are fresh after
any change to what they show (core/personal_pages.py)."""

import datetime as dt

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpRequest
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programme import services
from programme.models import ReviewStatus
from programme.services import levels_announce_due
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

CACHED_PAGES = ["/dashboard/", "/levels/1/", "/runs/", "/leaderboard/", "/sessions/"]


def warm(client, url):
    """The first visit sets the CSRF cookie, the second records the session's owner, the
    third stores the page: from the fourth, the page comes from the cache."""
    for _ in range(3):
        assert client.get(url).status_code == 200


def signed_in(participant):
    client = Client()
    client.force_login(participant.user)
    return client


def log_run(participant, *, hours_ago=1, distance_m=4_100, duration_s=1_500):
    return services.run_log(
        participant=participant,
        started_at=timezone.now() - dt.timedelta(hours=hours_ago),
        distance_m=distance_m,
        duration_s=duration_s,
    )


@pytest.mark.parametrize("url", CACHED_PAGES)
def test_a_participant_page_is_served_again_without_a_query(
    participant, django_assert_num_queries, url
):
    client = signed_in(participant)
    warm(client, url)
    rendered = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.status_code == 200
    assert again.content == rendered.content
    assert "Cookie" in again["Vary"]
    # The middleware's security headers are on the cached answer too.
    assert "Content-Security-Policy" in again
    assert again["X-Frame-Options"] == "DENY"


def test_another_participant_never_gets_my_page(participant, other_participant):
    alice, bob = signed_in(participant), signed_in(other_participant)
    warm(alice, "/dashboard/")
    warm(bob, "/dashboard/")
    assert "Hello, Alice" in alice.get("/dashboard/").content.decode()
    page = bob.get("/dashboard/").content.decode()
    assert "Hello, Bob" in page and "Alice" not in page


def test_a_different_csrf_cookie_gets_a_page_rendered_for_it(participant):
    """The page holds a token made from the CSRF cookie: another cookie, another page."""
    client = signed_in(participant)
    warm(client, "/dashboard/")
    client.cookies["csrftoken"] = "x" * 32  # as after the browser dropped its cookie
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/dashboard/").status_code == 200
    assert len(queries) > 0


def test_a_run_logged_through_the_form_shows_at_once(participant):
    client = signed_in(participant)
    warm(client, "/runs/")
    response = client.post(
        "/runs/new/",
        {
            "started_at": timezone.localtime(
                timezone.now() - dt.timedelta(hours=2), participant.tz
            ).strftime("%Y-%m-%dT%H:%M"),
            "distance": "4.1",
            "duration": "00:25:00",
            "submission_token": "5b4c1d7e-8a0b-4c55-9d43-3f7e2f0d9a11",
        },
    )
    assert response.status_code == 302, response.content.decode()
    client.get(response["Location"])  # the run's page shows the saved message
    assert "4.1" in client.get("/runs/").content.decode()


def test_a_run_the_worker_or_staff_adds_shows_on_the_next_visit(participant):
    client = signed_in(participant)
    warm(client, "/dashboard/")
    before = client.get("/dashboard/").content
    log_run(participant)  # as an import or Strava would: no request of the runner's
    assert client.get("/dashboard/").content != before


def test_a_review_by_staff_shows_on_the_runners_pages(participant):
    held = log_run(participant, distance_m=10_000, duration_s=1_740)  # 2:54/km: held
    assert held.status == ReviewStatus.HELD
    client = signed_in(participant)
    warm(client, "/runs/")
    assert "Rejected" not in client.get("/runs/").content.decode()
    services.run_review(run=held, approve=False, reviewer=StaffFactory(), reason="Car ride")
    assert "Rejected" in client.get("/runs/").content.decode()


def test_a_week_that_opens_shows_once_it_is_announced(participant, programme):
    client = signed_in(participant)
    warm(client, "/dashboard/")
    before = client.get("/dashboard/").content
    week_2 = programme.levels.get(number=2)
    week_2.unlocks_at = timezone.now() - dt.timedelta(minutes=1)
    programme.levels.filter(pk=week_2.pk).update(unlocks_at=week_2.unlocks_at)  # no signal
    assert client.get("/dashboard/").content == before  # the clock alone: up to a minute
    levels_announce_due(now=timezone.now())
    assert client.get("/dashboard/").content != before


def test_a_signed_out_session_replayed_is_sent_to_sign_in(participant):
    client = signed_in(participant)
    warm(client, "/dashboard/")
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    assert client.post("/accounts/logout/").status_code == 302
    replay = Client()
    for name, value in cookies.items():
        replay.cookies[name] = value
    response = replay.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_new_password_signs_other_sessions_out_at_once(participant):
    elsewhere = signed_in(participant)
    warm(elsewhere, "/dashboard/")
    user = participant.user
    user.set_password("a new and long passphrase")
    user.save()  # as the password change form does, from another browser
    response = elsewhere.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_deleted_participant_is_not_served_their_old_page(participant):
    client = signed_in(participant)
    warm(client, "/dashboard/")
    participant.delete()
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/join/"


def test_a_message_waiting_in_its_cookie_is_shown_once_on_a_rendered_page(participant):
    client = signed_in(participant)
    warm(client, "/dashboard/")
    storage = CookieStorage(HttpRequest())
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "Saved, thanks")])
    assert "Saved, thanks" in client.get("/dashboard/").content.decode()
    assert "Saved, thanks" not in client.get("/dashboard/").content.decode()


def test_a_query_string_is_rendered_each_time(participant):
    client = signed_in(participant)
    for _ in range(4):
        client.get("/leaderboard/?scope=overall")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/leaderboard/?scope=overall").status_code == 200
    assert len(queries) > 0
