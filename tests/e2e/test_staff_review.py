import re
from datetime import timedelta

import pytest
from django.utils import timezone

from programme import services
from programme.models import ReviewStatus
from tests.factories import ParticipantFactory, ProgrammeFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_reject_a_held_run_with_a_reason(page):
    programme = ProgrammeFactory(name="Harbour Six")
    alice = ParticipantFactory(programme=programme, display_name="Alice")
    now = timezone.now()
    services.run_log(
        participant=alice, started_at=now - timedelta(hours=3), distance_m=3_000, duration_s=1_080
    )
    services.run_log(
        participant=alice, started_at=now - timedelta(hours=1), distance_m=9_000, duration_s=1_500
    )  # 2:47/km: held for review
    StaffFactory(email="root@example.org", is_superuser=True)

    page.goto("/admin/programme/run/?status__exact=held")
    page.get_by_label("Email").fill("root@example.org")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign In").click()

    page.get_by_role("heading", name="Select run to change").wait_for()
    assert page.get_by_role("row").filter(has_text="Held for review").count() == 1
    page.get_by_role("checkbox", name=re.compile("9.00 km")).check()
    page.get_by_role("combobox", name="Action").select_option(label="Reject…")
    page.get_by_role("button", name="Run").click()

    page.get_by_role("heading", name="Reject runs").wait_for()
    page.get_by_role("button", name="Reject").click()  # no reason yet
    page.get_by_text("This field is required.").wait_for()
    page.get_by_label("Reason").fill("A car journey, by the pace.")
    page.get_by_role("button", name="Reject").click()

    page.get_by_text("1 run rejected").wait_for()
    assert "status__exact=held" in page.url  # back on the list as it was filtered
    assert page.get_by_role("row").filter(has_text="Held for review").count() == 0
    run = alice.runs.get(distance_m=9_000)
    assert (run.status, run.review_reason) == (ReviewStatus.REJECTED, "A car journey, by the pace.")
    assert run.reviewed_by.email == "root@example.org"
    alice.refresh_from_db()
    assert alice.total_distance_m == 3_000
