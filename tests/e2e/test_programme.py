import datetime as dt

import pytest
from django.utils import timezone

from programme.models import Level
from tests.factories import ParticipantFactory, ProgrammeFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def log_run(page, *, when, km, duration):
    page.goto("/runs/new/")
    page.get_by_label("Start date and time").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Distance (km)").fill(km)
    page.get_by_label("Duration").fill(duration)
    page.get_by_role("button", name="Save run").click()
    # The message says what the run changed in its week ("2.5 km added: …").
    page.get_by_text(f"{float(km):.1f} km added:").wait_for()


def distance_bar(page):
    return page.locator('progress[data-goal="Distance"]').first


def test_a_runner_joins_logs_a_run_and_sees_the_progress_bar_move(page):
    ProgrammeFactory(name="Harbour Six", time_zone="Europe/London")
    UserFactory(email="nia@example.org")
    sign_in(page, "nia@example.org")

    page.get_by_label("Display name:").fill("Nia")
    page.get_by_label("Time zone").select_option("Europe/London")
    page.get_by_label("Units").select_option("km")
    page.get_by_label("Country of residence").select_option("IE")
    page.get_by_label("I am 18 or older.").check()
    page.get_by_label("I live in the country I selected").check()
    page.get_by_label("I have read and accept the official rules.").check()
    page.get_by_role("button", name="Join the programme").click()

    page.get_by_role("heading", name="Hello, Nia").wait_for()
    assert distance_bar(page).get_attribute("value") == "0"

    earlier = timezone.localtime(
        timezone.now() - dt.timedelta(hours=1), timezone.get_fixed_timezone(0)
    )
    log_run(page, when=earlier, km="2.5", duration="0:15:00")
    page.goto("/dashboard/")
    assert distance_bar(page).get_attribute("value") == "50"
    assert page.get_by_role("cell", name="2.50 km").first.is_visible()
    # The dashboard fits a 360 px phone: nothing but the runs table scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_completing_level_one_shows_the_tickets_earned(page):
    programme = ProgrammeFactory()
    Level.objects.filter(programme=programme, number=1).update(
        goal_runs=1, goal_distance_m=3_000, tickets=3
    )
    ParticipantFactory(programme=programme, user__email="ola@example.org", time_zone="UTC")
    sign_in(page, "ola@example.org")
    page.get_by_role("heading", name="Hello").wait_for()
    assert page.get_by_test_id("tickets").inner_text() == "0"

    earlier = timezone.now() - dt.timedelta(hours=1)
    log_run(page, when=earlier, km="3.2", duration="0:20:00")
    page.goto("/dashboard/")
    assert page.get_by_test_id("tickets").inner_text() == "3"
    assert page.get_by_text("Completed: 3 tickets earned").is_visible()


def test_a_locked_level_shows_its_unlock_time_in_the_runners_zone(page):
    programme = ProgrammeFactory(time_zone="Europe/London")
    ParticipantFactory(programme=programme, user__email="kenji@example.org", time_zone="Asia/Tokyo")
    week2 = Level.objects.get(programme=programme, number=2)
    sign_in(page, "kenji@example.org")
    page.goto("/levels/2/")
    text = page.get_by_test_id("unlocks-at").inner_text()
    local = week2.unlocks_at.astimezone(dt.timezone(dt.timedelta(hours=9)))
    assert f"{local:%H:%M} JST" in text
    assert "Asia/Tokyo" in text
    # The page fits a 360 px screen: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
