"""Every page, in the states people meet, against axe-core's WCAG 2.2 A/AA rules and a phone.

axe-core comes from the npm registry (tests/e2e/package.json, installed by bin/test) and is
evaluated into each page by the test, never served by the app. A page passes with zero
violations and no horizontal scroll at 360 px (the admin: at 1280 px).
"""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from notifications.models import Notice
from programme.models import Level
from rewards.models import DrawResult
from tests.e2e.sessions import sign_in
from tests.factories import (
    ParticipantFactory,
    ProgrammeFactory,
    RunFactory,
    StaffFactory,
    StrengthSessionFactory,
    UserFactory,
)
from tests.rewards.factories import DrawFactory, complete, drawn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map(v => ({
    rule: v.id, help: v.help, where: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
  }));
}"""


def axe_violations(page):
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE}: run bin/test (npm ci in tests/e2e)")
    page.evaluate(AXE.read_text())
    return page.evaluate(RUN_AXE, WCAG_22_AA)


def check_pages(page, paths, *, width):
    """Visit each path; return every problem found, so one run lists them all."""
    problems = []
    for path in paths:
        response = page.goto(path)
        if response.status >= 400:
            problems.append(f"{path}: HTTP {response.status}")
            continue
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            problems.append(f"{path}: scrolls sideways ({scroll_width} px > {width} px)")
        problems += [
            f"{path}: {v['rule']} ({v['help']}) at {v['where']}" for v in axe_violations(page)
        ]
    return problems


@pytest.fixture
def campaign(db):
    """Week 1 past and completed, week 2 open, the rest locked; a drawn, published draw."""
    today = timezone.localdate()
    programme = ProgrammeFactory(name="Harbour Six", starts_on=today - dt.timedelta(days=8))
    runner = ParticipantFactory(programme=programme, display_name="Nia")
    complete(runner, 1)
    week_2 = Level.objects.get(programme=programme, number=2)
    run = RunFactory(participant=runner, started_at=week_2.unlocks_at + dt.timedelta(hours=2))
    session = StrengthSessionFactory(participant=runner, level=week_2)
    draw = DrawFactory(prize__programme=programme, title="Harbour shoes", winners=1, alternates=0)
    drawn(draw, staff=None)
    Notice.objects.create(participant=runner, key="hello", title="Welcome to Harbour Six")
    return {
        "programme": programme,
        "runner": runner,
        "run": run,
        "session": session,
        "draw": draw,
        "result": DrawResult.objects.filter(draw=draw).first(),
    }


def test_public_pages_pass_axe_and_fit_a_phone(page, campaign):
    paths = [
        "/",
        "/rules/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        f"/draws/{campaign['draw'].slug}/",
        "/draws/method/",
    ]
    assert check_pages(page, paths, width=360) == []


def test_participant_pages_pass_axe_and_fit_a_phone(page, live_server, campaign):
    sign_in(page, live_server, campaign["runner"].user)
    paths = [
        "/dashboard/",
        "/levels/1/",
        "/levels/2/",
        "/levels/3/",
        "/levels/2/routine/",
        "/runs/",
        "/runs/new/",
        f"/runs/{campaign['run'].pk}/",
        "/runs/import/",
        "/sessions/",
        "/sessions/new/",
        f"/sessions/{campaign['session'].pk}/",
        "/exercises/",
        "/leaderboard/",
        "/notices/",
        "/profile/",
        "/prizes/",
        "/strava/",
    ]
    if campaign["result"] is not None:
        paths.append(f"/prizes/{campaign['result'].pk}/claim/")
    assert check_pages(page, paths, width=360) == []


def test_a_newcomer_sees_empty_pages_that_pass_axe(page, live_server, campaign):
    newcomer = ParticipantFactory(programme=campaign["programme"], display_name="Sam")
    sign_in(page, live_server, newcomer.user)
    assert check_pages(page, ["/dashboard/", "/runs/", "/sessions/", "/notices/"], width=360) == []


def test_join_and_failed_forms_pass_axe(page, live_server, campaign):
    sign_in(page, live_server, UserFactory(email="new@example.org"))
    page.goto("/join/")
    page.get_by_role("button", name="Join the programme").click()

    # The summary of what to fix has the focus, and links to each field.
    focused = page.locator(":focus")
    assert focused.get_attribute("data-error-summary") is not None
    assert focused.get_by_role("link", name="I am 18 or older.: This field is required.").count()
    # Each consent box says what it is for.
    described_by = page.get_by_label("I am 18 or older.").get_attribute("aria-describedby")
    assert (
        "Prizes can only go to adults" in page.locator(f"#{described_by.split()[0]}").inner_text()
    )
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_admin_pages_pass_axe_at_desktop_width(page, live_server, campaign):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, StaffFactory(email="organiser@example.org", is_superuser=True))
    programme = campaign["programme"]
    paths = [
        "/admin/",
        "/admin/programme/run/",
        f"/admin/programme/run/{campaign['run'].pk}/change/",
        "/admin/programme/programme/",
        f"/admin/programme/programme/{programme.pk}/change/",
        "/admin/rewards/draw/",
        f"/admin/rewards/draw/{campaign['draw'].pk}/change/",
    ]
    assert check_pages(page, paths, width=1280) == []


def test_tables_become_stacked_rows_on_a_phone(page, live_server, campaign):
    sign_in(page, live_server, campaign["runner"].user)
    draw_page = f"/draws/{campaign['draw'].slug}/"
    for path, first_label in (("/runs/", "When"), ("/sessions/", "When"), (draw_page, "Rank")):
        page.goto(path)
        cell = page.locator("table.stack tbody td").first
        # Each cell is a labelled line of its row's card, not a column squeezed off screen.
        assert cell.evaluate("td => getComputedStyle(td).display") == "flex"
        label = cell.evaluate("td => getComputedStyle(td, '::before').content")
        assert label == f'"{first_label}"'
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/runs/")
    assert (
        page.locator("table.stack tbody td").first.evaluate("td => getComputedStyle(td).display")
        == "table-cell"
    )
