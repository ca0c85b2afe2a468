"""Prize draws in a real browser on a phone-sized screen.

Staff schedule, close and run a draw in the admin (a real Celery worker on Redis does the
draw, the page follows the task until it is done); the winner sees the notice and claims;
the public page shows the result.
"""

import re

import pytest

from notifications.models import Notice
from rewards.models import Draw, DrawResult, DrawState
from tests.e2e.sessions import sign_in
from tests.factories import ParticipantFactory, ProgrammeFactory, StaffFactory
from tests.rewards.factories import (
    BEACON_ENTROPY,
    SIGNATURE,
    DrawFactory,
    closed,
    complete,
    drawn,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.services
def test_staff_schedule_close_and_run_a_draw_in_the_admin(page, live_server, worker):
    programme = ProgrammeFactory(name="Harbour Six")
    for number in range(1, 5):
        complete(ParticipantFactory(programme=programme), number)
    draw = DrawFactory(prize__programme=programme, title="Harbour shoes", winners=2, alternates=1)
    sign_in(page, live_server, StaffFactory(email="organiser@example.org", is_superuser=True))

    page.goto(f"/admin/rewards/draw/{draw.pk}/change/")
    page.get_by_role("link", name="Schedule").click()
    page.get_by_label("Beacon chain").select_option("quicknet")
    page.get_by_label("Entries close by").fill("2099-01-01T12:00")
    page.get_by_role("button", name="Yes, schedule and publish the commitment").click()
    page.get_by_text("Scheduled: the commitment and the beacon are published").wait_for()
    assert page.get_by_text(Draw.objects.get(pk=draw.pk).beacon).first.is_visible()

    page.get_by_role("link", name="Close entries").click()
    page.get_by_text("Closing now enters 4 participants with 10 tickets in all.").wait_for()
    page.get_by_role("button", name="Yes, close entries").click()
    page.get_by_text("4 entrants, 10 tickets; digest").wait_for()

    # Its beacon round is in 2099: the draw cannot run yet, and nothing is written.
    page.get_by_role("link", name="Run the draw").click()
    page.get_by_label("Beacon signature").fill(SIGNATURE)
    page.get_by_role("button", name="Yes, run the draw").click()
    page.get_by_text("The beacon round is not published until").wait_for()
    assert Draw.objects.get(pk=draw.pk).run_requested_at is None

    # A draw committed to a round already published (a real one, kept as a fixture).
    due = closed(
        DrawFactory(prize__programme=programme, title="Quay shoes", winners=2, alternates=1)
    )
    page.goto(f"/admin/rewards/draw/{due.pk}/run/")
    page.get_by_label("Beacon signature").fill(SIGNATURE)
    page.get_by_role("button", name="Yes, run the draw").click()
    page.wait_for_url(f"**/admin/rewards/draw/{due.pk}/run-state/")
    # rewards.js polls until the worker has drawn; no reload needed.
    page.get_by_text("Drawn. The seed and the result are published.").wait_for(timeout=30_000)
    assert page.get_by_role("link", name="Refresh").is_hidden()
    # The bar and its words follow too: plain words, never a task state.
    assert page.get_by_text("All 4 entrants ranked; 3 places written").first.is_visible()
    assert page.locator("#draw-progress-bar").evaluate("bar => [bar.value, bar.max]") == [4, 4]
    assert "PENDING" not in page.content() and "STARTED" not in page.content()
    assert fits_the_screen(page)

    page.get_by_role("link", name="Back to the draw").click()
    due = Draw.objects.get(pk=due.pk)
    assert due.state == DrawState.DRAWN and due.public_entropy == BEACON_ENTROPY
    page.get_by_text(bytes(due.seed).hex()).wait_for()
    assert page.get_by_text("Awaiting claim: 2").is_visible()


def test_the_winner_sees_the_notice_and_claims(page, live_server):
    programme = ProgrammeFactory()
    winner = ParticipantFactory(programme=programme, display_name="Alice")
    complete(winner, 1)
    draw = DrawFactory(prize__programme=programme, winners=1, alternates=0)
    drawn(draw, staff=None)
    result = DrawResult.objects.get(draw=draw)
    sign_in(page, live_server, winner.user)

    page.goto("/notices/")
    notice = Notice.objects.get(key=f"draw-won:{result.pk}")
    page.get_by_role("link", name=notice.title).click()
    page.get_by_role("heading", name="Claim your prize").wait_for()
    assert fits_the_screen(page)

    page.get_by_label("Size system").select_option("eu")
    page.get_by_label("Shoe size").fill("44")
    page.get_by_label("Full name").fill("Alice Runner")
    page.get_by_label("Address:", exact=True).fill("1 Harbour Road")
    page.get_by_label("Town or city").fill("Bristol")
    page.get_by_label("Postal code").fill("bs1 4dj")
    page.get_by_label("Phone").fill("+44 117 496 0000")
    page.get_by_role("button", name="Send my claim").click()

    page.get_by_text("Thank you! Your claim is in.").wait_for()
    assert page.get_by_text(re.compile("We received your claim on")).is_visible()
    assert page.get_by_text("Shoe size: EU 44").is_visible()
    result.refresh_from_db()
    assert result.claim.postal_code == "BS1 4DJ"


def test_the_public_page_shows_the_result(page, live_server):
    programme = ProgrammeFactory()
    for number in (1, 2, 3):
        complete(ParticipantFactory(programme=programme), number)
    draw = DrawFactory(prize__programme=programme, title="Spring shoes", winners=2, alternates=1)
    drawn(draw, staff=None)
    ranked = list(draw.results.order_by("rank"))

    page.goto(f"/draws/{draw.slug}/")
    page.get_by_role("heading", name="Spring shoes").wait_for()
    assert page.get_by_test_id("seed").inner_text() == bytes(draw.seed).hex()
    assert page.get_by_test_id("commitment").inner_text() == draw.commitment
    assert page.get_by_test_id("entropy").inner_text() == BEACON_ENTROPY
    assert page.get_by_test_id("beacon-signature").inner_text() == SIGNATURE
    assert page.get_by_test_id("beacon").inner_text() == draw.beacon
    rows = page.get_by_role("table").get_by_role("row")
    assert rows.count() == 4
    assert str(ranked[0].entrant) in rows.nth(1).inner_text()
    assert "winner" in rows.nth(1).inner_text() and "alternate" in rows.nth(3).inner_text()
    page.get_by_role("heading", name="How to check this yourself").wait_for()
    assert "python -m rewards.verify entries.csv --seed" in page.locator("pre.command").inner_text()
    assert fits_the_screen(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download entries.csv").click()
    assert download.value.suggested_filename == "entries.csv"
    assert download.value.path().read_bytes() == bytes(draw.snapshot.entries)

    # "Am I in?": a plain GET form, no JavaScript needed, nobody signed in.
    page.get_by_label("Your public draw id").fill(str(ranked[0].entrant))
    page.get_by_role("button", name="Look it up").click()
    page.get_by_text("Ranked 1: a winner").wait_for()
    assert f"entrant={ranked[0].entrant}" in page.url
    assert fits_the_screen(page)
    page.get_by_label("Your public draw id").fill("not an id")
    page.get_by_role("button", name="Look it up").click()
    page.get_by_text("That is not a public draw id.").wait_for()

    page.get_by_role("link", name="how our draws work").click()
    page.get_by_role("heading", name="How our prize draws work").wait_for()
    assert "v1.1 addition: a committed beacon" in page.get_by_test_id("method").inner_text()
    assert fits_the_screen(page)
