"""Staff pages on a laptop screen (1280 px): the run review list, the programme with its
levels, the draw's steps. Nothing makes the page scroll sideways."""

import datetime as dt
from datetime import timedelta

import pytest
from django.utils import timezone

from programme import services
from rewards import services as services_rewards
from rewards.models import DrawState
from tests.e2e.sessions import sign_in
from tests.factories import ParticipantFactory, ProgrammeFactory, StaffFactory
from tests.rewards.factories import DrawFactory, complete

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def wide_page(page):
    page.set_viewport_size(LAPTOP)
    return page


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_review_list_fits_a_laptop_screen_and_says_why_runs_were_held(wide_page, live_server):
    programme = ProgrammeFactory(name="Harbour Six")
    alice = ParticipantFactory(programme=programme, display_name="Alice Longname-Smithson")
    now = timezone.now()
    for hours in range(1, 6):
        services.run_log(
            participant=alice,
            started_at=now - timedelta(hours=hours),
            distance_m=9_000,
            duration_s=1_500,
        )  # 2:47/km: held for review
    sign_in(wide_page, live_server, StaffFactory(is_superuser=True))

    wide_page.goto("/admin/programme/run/?status__exact=held")

    wide_page.get_by_role("columnheader", name="Why held or rejected").wait_for()
    assert wide_page.get_by_role("cell", name="Pace faster than").count() == 5
    assert page_width(wide_page) <= 1280


def test_the_programme_page_shows_its_levels_goals_and_tickets_on_a_laptop_screen(
    wide_page, live_server
):
    programme = ProgrammeFactory(name="Harbour Six")
    sign_in(wide_page, live_server, StaffFactory(is_superuser=True))

    wide_page.goto(f"/admin/programme/programme/{programme.pk}/change/")

    for header in ["Minimum runs", "Tickets"]:
        wide_page.get_by_role("columnheader", name=header).first.wait_for()
    for name in ["goal_runs", "goal_distance_m", "goal_sessions", "tickets"]:
        field = wide_page.locator(f"input[name='levels-5-{name}']")
        assert field.is_visible(), name
        box = field.bounding_box()
        assert box["x"] + box["width"] <= 1280, name  # on screen, not in a scrolled-off column
    assert page_width(wide_page) <= 1280


def test_staff_find_eligible_countries_by_typing_and_can_choose_them_all(wide_page, live_server):
    draw = DrawFactory(prize__programme=ProgrammeFactory(), title="Harbour shoes")
    sign_in(wide_page, live_server, StaffFactory(is_superuser=True))
    change = f"/admin/rewards/draw/{draw.pk}/change/"

    wide_page.goto(change)
    wide_page.locator("#id_eligible_countries_input").fill("irel")
    wide_page.locator("#id_eligible_countries_from option", has_text="Ireland").dblclick()
    assert page_width(wide_page) <= 1280
    wide_page.get_by_role("button", name="Save and continue editing").click()
    wide_page.get_by_text("was changed successfully").wait_for()
    draw.refresh_from_db()
    assert [country.code for country in draw.eligible_countries] == ["IE"]

    wide_page.get_by_role("button", name="Choose all eligible countries").click()
    wide_page.get_by_role("button", name="Save and continue editing").click()
    wide_page.get_by_text("was changed successfully").wait_for()
    draw.refresh_from_db()
    assert len(draw.eligible_countries) > 200


def test_closing_entries_shows_who_enters_and_warns_before_anything_changes(wide_page, live_server):
    programme = ProgrammeFactory(name="Harbour Six")
    complete(ParticipantFactory(programme=programme), 1, 2)
    draw = DrawFactory(prize__programme=programme, title="Harbour shoes", winners=3)
    services_rewards.draw_schedule(
        draw=draw, actor=None, entries_close_by=timezone.now() + dt.timedelta(days=1)
    )
    sign_in(wide_page, live_server, StaffFactory(is_superuser=True))

    wide_page.goto(f"/admin/rewards/draw/{draw.pk}/change/")
    assert wide_page.get_by_role("button", name="Save").count() == 0
    wide_page.get_by_role("link", name="Close entries").click()

    wide_page.get_by_text("Closing now enters 1 participant with 3 tickets.").wait_for()
    warnings = wide_page.locator("#step-warnings")
    assert "Only 1 entrants for 3 prizes: 2 prizes would not be awarded." in warnings.inner_text()
    assert "still has weeks to run" in warnings.inner_text()
    assert page_width(wide_page) <= 1280
    wide_page.get_by_role("link", name="No, take me back").click()
    draw.refresh_from_db()
    assert draw.state == DrawState.SCHEDULED


def test_staff_who_sign_in_land_on_the_admin_home_with_what_waits(wide_page, live_server):
    programme = ProgrammeFactory(name="Harbour Six")
    alice = ParticipantFactory(programme=programme)
    services.run_log(
        participant=alice,
        started_at=timezone.now() - timedelta(hours=1),
        distance_m=9_000,
        duration_s=1_500,
    )  # held for review
    StaffFactory(email="organiser@example.org", is_superuser=True)

    wide_page.goto("/accounts/login/")
    wide_page.get_by_label("Email").fill("organiser@example.org")
    wide_page.get_by_label("Password").fill("correct horse battery staple")
    wide_page.get_by_role("button", name="Sign In").click()

    wide_page.get_by_role("heading", name="What needs you").wait_for()
    assert wide_page.url == f"{live_server.url}/admin/"
    assert wide_page.get_by_role("link", name="Harbour Six").is_visible()  # its figures
    wide_page.get_by_role("link", name="1 run waits for review").click()
    wide_page.get_by_role("cell", name="Pace faster than").wait_for()
    assert page_width(wide_page) <= 1280
