"""The README's screenshots, taken by the suite from real pages in Chromium.

Each run takes them again and checks they render; with UPDATE_SCREENSHOTS=1 it writes them
over docs/screenshots/ (commit the result), so the README never shows a page that no longer
exists.
"""

import datetime as dt
import os
import struct
from pathlib import Path

import pytest
from django.utils import timezone

from exercises import catalogue
from exercises.services import routine_replace
from programme.services import run_log
from tests.e2e.sessions import sign_in
from tests.factories import ParticipantFactory, ProgrammeFactory
from tests.rewards.factories import DrawFactory, complete, drawn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def png_size(data):
    """(width, height) from a PNG's header."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def keep(name, data, tmp_path):
    target = DOCS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    (target / name).write_bytes(data)
    committed = DOCS / name
    assert committed.exists(), f"{committed} is missing: run with UPDATE_SCREENSHOTS=1"
    # The committed picture is of the same screen width as the page taken now.
    assert png_size(committed.read_bytes())[0] == png_size(data)[0]


@pytest.fixture
def harbour(exercise_catalogue):
    programme = ProgrammeFactory(
        # Day 10 of 42: week 2, whose first two days (with Nia's runs) are past at any hour.
        name="Harbour Six",
        starts_on=timezone.localdate() - dt.timedelta(days=10),
    )
    routine_replace(level=programme.levels.get(number=2), items=catalogue.ROUTINES[2])
    nia = ParticipantFactory(programme=programme, display_name="Nia")
    complete(nia, 1)
    week_2 = programme.levels.get(number=2)
    for hours, metres in ((50, 6200), (26, 4100)):
        run_log(
            participant=nia,
            started_at=week_2.unlocks_at + dt.timedelta(hours=hours),
            distance_m=metres,
            duration_s=metres * 36 // 100,  # 6:00 per km
        )
    for number in (1, 2, 3):
        complete(ParticipantFactory(programme=programme), number)
    draw = DrawFactory(prize__programme=programme, title="Harbour trail shoes", winners=2)
    drawn(draw, staff=None)
    return {"nia": nia, "draw": draw}


def test_the_readme_screenshots(page, live_server, harbour, tmp_path):
    sign_in(page, live_server, harbour["nia"].user)

    page.goto("/dashboard/")
    page.get_by_role("heading", name="Hello, Nia").wait_for()
    keep("dashboard-360.png", page.screenshot(full_page=True), tmp_path)

    page.goto("/levels/2/routine/")
    page.locator("[data-progress]").wait_for()
    keep("routine-360.png", page.screenshot(), tmp_path)

    page.set_viewport_size({"width": 1024, "height": 900})
    page.goto(f"/draws/{harbour['draw'].slug}/")
    page.get_by_role("heading", name="Harbour trail shoes").wait_for()
    keep("public-draw.png", page.screenshot(full_page=True), tmp_path)
