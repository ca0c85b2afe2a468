"""Connect Strava in a real browser against the local fake, then a run arrives by webhook.

The browser goes through allauth's OAuth flow to the fake Strava's consent page and back;
Strava's webhook event is posted to the live server, which queues it; the real Celery
worker fetches the activity and its streams from the fake and the dashboard counts the run.
"""

import json
import urllib.request

import pytest

from programme.models import Run, Source
from tests.celery_worker import wait_for
from tests.e2e.test_programme import sign_in
from tests.strava.fixtures import ATHLETE_ID, strava_event

pytestmark = [pytest.mark.browser, pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_runner_connects_strava_and_a_new_run_arrives_by_itself(
    page, live_server, runner, fake_strava, worker
):
    sign_in(page, runner.user.email)
    page.goto("/profile/")
    page.get_by_role("link", name="Connect Strava").click()
    page.get_by_role("button", name="Connect with Strava").click()

    # Strava's consent page (the fake's), then back to the app.
    page.get_by_role("link", name="Authorize").click()
    page.get_by_text("Connected as Marianne Teutenberg.").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    activity_id = fake_strava.activity_add(ATHLETE_ID, metres=5000, seconds=1800)
    event = strava_event(activity_id)
    request = urllib.request.Request(
        f"{live_server.url}/strava/webhook/",
        data=json.dumps(event).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 - loopback
        assert answer.status == 200

    assert wait_for(lambda: Run.objects.filter(source=Source.STRAVA).exists())
    page.goto("/dashboard/")
    assert page.locator('progress[data-goal="Distance"]').first.get_attribute("value") == "100"
    page.goto("/strava/")
    page.get_by_text("1 imported, 0 skipped.").wait_for()
