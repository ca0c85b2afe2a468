import datetime as dt
import re

import pytest
from celery.contrib.testing.worker import start_worker
from playwright.sync_api import expect

from config.celery_app import app
from imports.models import ActivityUpload
from programme.models import Run
from tests.e2e.test_programme import sign_in
from tests.factories import ParticipantFactory
from tests.imports.imports_helpers import FIXTURES, programme_around, recent_start
from tests.imports.synthetic import outing_gpx

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("upload_root")]

# Two real exports a month apart: a Garmin FIT (13 Mar 2021) and a GPX (16 Apr 2021).
FIT_START = dt.datetime(2021, 3, 13, 10, 57, 29, tzinfo=dt.UTC)
FILES = [FIXTURES / "slither-running.fit", FIXTURES / "heartandsole-testdata.gpx"]

RECORD_PROGRESS = """() => {
  const bar = document.getElementById("import-progress");
  window.progressSeen = [bar.getAttribute("value")];
  new MutationObserver(() => window.progressSeen.push(bar.getAttribute("value")))
    .observe(bar, {attributes: true, attributeFilter: ["value"]});
}"""


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_runner_uploads_two_watch_files_and_sees_both_become_runs(page):
    # The programme ran around the files' dates; its logging stays open until today.
    # The GPX is a 187 m jog: this programme counts runs from 100 m.
    programme = programme_around(
        FIT_START, open_until=dt.datetime.now(dt.UTC), run_min_distance_m=100
    )
    ParticipantFactory(programme=programme, user__email="mo@example.org", time_zone="UTC")
    with app.connection_for_write() as connection:
        connection.default_channel.client.delete("celery")
    sign_in(page, "mo@example.org")

    page.goto("/runs/")
    page.get_by_role("link", name="Upload from a watch").click()
    expect(page.get_by_test_id("limits")).to_contain_text("20 MB each, 60 MB together")
    page.get_by_label("GPX, TCX or FIT files").set_input_files(FILES)
    page.get_by_role("button", name="Upload").click()

    # No worker yet: both files wait in the queue, and the page says so.
    expect(page.get_by_test_id("batch-summary")).to_have_text("2 files are being read.")
    bar = page.get_by_test_id("import-progress")
    assert (bar.get_attribute("value"), bar.get_attribute("max")) == ("0", "2")
    expect(page.locator('[data-state="queued"]')).to_have_count(2)
    page.evaluate(RECORD_PROGRESS)

    with start_worker(
        app, pool="threads", concurrency=1, perform_ping_check=False, shutdown_timeout=20
    ):
        # The page follows the worker by itself: no reload.
        expect(page.locator('[data-state="done"]')).to_have_count(2, timeout=30_000)
        expect(bar).to_have_attribute("value", "2")

    expect(page.get_by_test_id("batch-summary")).to_have_text("Latest upload, 2 files: 2 imported.")
    seen = page.evaluate("window.progressSeen")
    assert seen[0] == "0" and seen[-1] == "2"
    assert Run.objects.count() == 2
    expect(page.get_by_text("1 run imported.")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("link", name=re.compile(r"^7\.86 km")).click()
    expect(page.get_by_role("heading", name="Run on Saturday 13 March, 10:57")).to_be_visible()
    expect(page.get_by_test_id("route-sketch")).to_be_visible()
    expect(page.get_by_test_id("splits").locator("tbody tr")).to_have_count(7)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_three_refused_files_end_in_red_bars_and_say_so(page, tmp_path):
    ParticipantFactory(user__email="rae@example.org", time_zone="UTC")
    with app.connection_for_write() as connection:
        connection.default_channel.client.delete("celery")
    start = recent_start(hours_ago=30)
    files = {
        "hike.gpx": outing_gpx(
            [(start, 1200, 1000 / 960, True), (start + dt.timedelta(hours=1), 2400, 1.0, False)]
        ),
        "blip.gpx": outing_gpx([(recent_start(2), 1, 2.0, True)], step_s=1),
        "notes.gpx": b"not an activity file",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    sign_in(page, "rae@example.org")
    page.goto("/runs/import/")
    page.get_by_label("GPX, TCX or FIT files").set_input_files([tmp_path / name for name in files])
    page.get_by_role("button", name="Upload").click()
    summary = page.get_by_test_id("batch-summary")
    expect(summary).to_have_text("3 files are being read.")

    with start_worker(
        app, pool="threads", concurrency=1, perform_ping_check=False, shutdown_timeout=20
    ):
        expect(page.locator('[data-state="refused"]')).to_have_count(3, timeout=30_000)

    expect(summary).to_have_text("Latest upload, 3 files: 3 refused.")
    expect(page.get_by_text("being imported")).to_have_count(0)
    hike = page.locator(".upload", has_text="hike.gpx")
    expect(hike.get_by_test_id("skipped").locator("li")).to_have_count(2)
    expect(hike.get_by_test_id("skipped")).to_contain_text("looks like a walk")
    expect(hike.get_by_test_id("skipped")).to_contain_text("no timestamps")
    bars = page.locator('.upload progress[data-role="step"]')
    colours = bars.evaluate_all("bars => bars.map(b => getComputedStyle(b).accentColor)")
    assert colours == ["rgb(180, 35, 24)"] * 3  # --danger, not the brand's green
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.django_db(transaction=True)
def test_files_over_the_limits_are_flagged_before_anything_is_sent(page, tmp_path):
    ParticipantFactory(user__email="ana@example.org")
    files = []
    for n in range(11):
        path = tmp_path / f"run{n}.gpx"
        path.write_bytes(b"<gpx/>")
        files.append(path)
    big = tmp_path / "big.fit"
    with big.open("wb") as out:
        out.truncate(20 * 1024 * 1024 + 1)
    sign_in(page, "ana@example.org")
    page.goto("/runs/import/")
    picker = page.get_by_label("GPX, TCX or FIT files")
    warning = page.get_by_role("alert")

    picker.set_input_files(files)
    expect(warning).to_have_text("Choose at most 10 files at once.")
    picker.set_input_files([files[0], big])
    expect(warning).to_have_text("big.fit is larger than 20 MB.")
    page.get_by_role("button", name="Upload").click()
    expect(warning).to_be_visible()
    assert page.url.endswith("/runs/import/")
    assert not ActivityUpload.objects.exists()

    picker.set_input_files([files[0]])
    expect(warning).to_be_hidden()
