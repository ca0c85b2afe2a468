"""A participant does the week's foot routine in a real browser and logs it."""

import re

import pytest

from exercises import catalogue
from exercises.models import StrengthSession
from exercises.services import routine_replace
from tests.factories import ParticipantFactory, ProgrammeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # the user factory's


@pytest.fixture
def runner(exercise_catalogue):
    """Week 1 opened yesterday and completes on two foot-strength sessions."""
    programme = ProgrammeFactory(name="Harbour Six")
    level = programme.levels.get(number=1)
    level.goal_runs = level.goal_distance_m = None
    level.goal_sessions = 2
    level.save()
    routine_replace(level=level, items=catalogue.ROUTINES[1])
    return ParticipantFactory(programme=programme, user__email="ada@example.org")


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/dashboard/$"))


def sessions_bar(page):
    page.goto("/dashboard/")
    return page.locator('progress[data-goal="Foot-strength sessions"]').get_attribute("value")


def focused_text(page):
    return page.evaluate("document.activeElement.textContent.trim()")


def tab_to(page, name, limit=20):
    """Press Tab until the focused element reads ``name``, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_text(page) == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_a_participant_steps_through_the_routine_by_keyboard_and_logs_it(page, runner):
    sign_in(page, "ada@example.org")
    assert sessions_bar(page) == "0"

    page.clock.install()
    page.goto("/levels/1/routine/")
    progress = page.locator("[data-progress]")
    clock = page.get_by_role("timer")
    announce = page.locator("[data-announce]")
    assert progress.text_content() == "Exercise 1 of 7"
    assert page.get_by_role("heading", name="Sole roll with a foot roller").is_visible()
    assert not page.get_by_role("heading", name="Arch lift and relax (short foot)").is_visible()
    assert clock.text_content() == "1:00"

    # A 60-second hold: start it, pause it, resume it, let it run out.
    tab_to(page, "Start set 1")
    page.keyboard.press("Enter")
    assert announce.text_content() == "Hold for 60 seconds"
    page.clock.run_for("00:30")
    assert clock.text_content() == "0:30"
    page.keyboard.press("p")
    assert page.get_by_role("button", name="Resume").get_attribute("aria-pressed") == "true"
    page.clock.run_for("00:20")
    assert clock.text_content() == "0:30"
    page.keyboard.press("p")
    page.clock.run_for("00:31")
    assert page.locator("[data-phase]").text_content() == "All sets done"
    assert page.get_by_label("Done: Sole roll with a foot roller").is_checked()
    assert focused_text(page) == "Next"

    # Two sets of reps with a 30-second rest between them.
    page.keyboard.press("Enter")
    assert progress.text_content() == "Exercise 2 of 7"
    assert focused_text(page).endswith("Arch lift and relax (short foot)")
    tab_to(page, "Set 1 done")
    page.keyboard.press("Enter")
    assert page.locator("[data-phase]").text_content() == "Rest before set 2 of 2"
    assert clock.text_content() == "0:30"
    page.clock.run_for("00:31")
    assert announce.text_content() == "Rest over. Set 2 of 2."
    assert focused_text(page) == "Set 2 done"
    page.keyboard.press("Enter")
    assert focused_text(page) == "Next"

    # Arrow keys move on (and back); the last "Next" finishes.
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    assert progress.text_content() == "Exercise 7 of 7"
    page.keyboard.press("ArrowLeft")
    assert progress.text_content() == "Exercise 6 of 7"
    page.keyboard.press("ArrowRight")
    assert page.get_by_role("button", name="Finish").is_visible()
    page.keyboard.press("ArrowRight")
    assert page.locator("[data-finish-summary]").text_content() == "You ticked 7 of 7 exercises."

    tab_to(page, "Log this session")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/sessions/new/\?level=1&item="))
    assert page.get_by_text("Filled in from the week 1 routine").is_visible()
    first = page.locator('select[name="items-0-exercise"] option:checked')
    assert first.text_content() == "Sole roll with a foot roller"
    assert page.locator('input[name="items-0-hold_s"]').input_value() == "60"
    assert page.locator('input[name="items-6-reps"]').input_value() == "10"

    page.get_by_label("How hard was it?").select_option("4")
    page.get_by_role("button", name="Save session").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))
    assert page.get_by_text("Session saved: it counts towards week 1.").is_visible()

    session = StrengthSession.objects.get(participant=runner)
    assert session.from_routine and session.difficulty == 4
    assert session.items.count() == 7
    assert sessions_bar(page) == "50"


def test_without_javascript_the_routine_is_a_checklist_that_logs_what_was_ticked(
    _chromium, live_server, runner
):
    context = _chromium.new_context(
        base_url=live_server.url,
        viewport={"width": 360, "height": 740},
        locale="en-GB",
        java_script_enabled=False,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, "ada@example.org")
        page.goto("/levels/1/routine/")
        steps = page.locator("[data-step]")
        assert steps.count() == 7
        for index in range(7):
            assert steps.nth(index).is_visible()
        assert page.get_by_role("timer").count() == 0  # the player exists only with JS

        page.get_by_label("Done: Big toe lift").check()
        page.get_by_label("Done: Towel scrunch").check()
        page.get_by_role("button", name="Log this session").click()
        page.wait_for_url(re.compile(r"/sessions/new/"))
        assert page.locator('select[name="items-0-exercise"] option:checked').text_content() == (
            "Big toe lift"
        )
        page.get_by_role("button", name="Save session").click()
        page.wait_for_url(re.compile(r"/sessions/\d+/$"))

        session = StrengthSession.objects.get(participant=runner)
        assert [item.exercise.slug for item in session.items.all()] == [
            "big-toe-lift",
            "towel-scrunch",
        ]
    finally:
        context.close()
