"""Staff pages on a laptop screen (1280 px): the run review list, the programme with its
levels, the draw's steps. Nothing makes the page scroll sideways."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from programme import services
from tests.factories import ParticipantFactory, ProgrammeFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def wide_page(page):
    page.set_viewport_size(LAPTOP)
    return page


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


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
    tickets = wide_page.locator("input[name='levels-5-tickets']")
    assert tickets.is_visible()
    box = tickets.bounding_box()
    assert box["x"] + box["width"] <= 1280
    assert page_width(wide_page) <= 1280
