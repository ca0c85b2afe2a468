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


# Counts the beeps made (oscillators started) and the vibrations asked for.
RECORD_SIGNALS = """
window.beeps = 0;
window.vibrations = [];
if (window.AudioContext) {
  const make = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function () { window.beeps += 1; return make.call(this); };
}
Object.defineProperty(navigator, "vibrate", {
  configurable: true,
  value: (pattern) => { window.vibrations.push(pattern); return true; },
});
"""


def signals(page):
    return page.evaluate("[window.beeps, window.vibrations.length]")


def test_a_participant_steps_through_the_routine_by_keyboard_and_logs_it(page, runner):
    sign_in(page, "ada@example.org")
    assert sessions_bar(page) == "0"

    page.add_init_script(RECORD_SIGNALS)
    page.clock.install()
    page.goto("/levels/1/routine/")
    progress = page.locator("[data-progress]")
    phase = page.locator("[data-phase]")
    clock = page.get_by_role("timer")
    announce = page.locator("[data-announce]")
    assert progress.text_content() == "Exercise 1 of 7"
    assert page.get_by_role("heading", name="Sole roll with a foot roller").is_visible()
    assert not page.get_by_role("heading", name="Arch lift and relax (short foot)").is_visible()
    assert clock.text_content() == "1:00"
    picture = page.get_by_role("img", name=re.compile("A foot resting on a roller"))
    assert picture.is_visible()

    # A 60-second hold "each foot": the left foot, paused and resumed, then the right one.
    assert phase.text_content() == "Set 1 of 1, left foot"
    tab_to(page, "Start set 1, left foot")
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
    assert phase.text_content() == "Set 1 of 1, right foot"
    assert announce.text_content() == "Now the right foot. Set 1 of 1."
    assert signals(page) == [1, 1]  # one beep and one buzz as the hold ended
    assert focused_text(page) == "Start set 1, right foot"
    page.keyboard.press("Enter")
    page.clock.run_for("01:01")
    assert phase.text_content() == "All sets done"
    assert signals(page) == [2, 2]
    # Finishing the sets does not tick it: "Done" does.
    assert not page.get_by_label("Done: Sole roll with a foot roller").is_checked()
    assert focused_text(page) == "Done"
    page.keyboard.press("Enter")
    assert page.get_by_label("Done: Sole roll with a foot roller").is_checked()

    # Two sets of reps, each foot, with a 30-second rest between the sets.
    assert progress.text_content() == "Exercise 2 of 7"
    assert focused_text(page).endswith("Arch lift and relax (short foot)")
    tab_to(page, "Set 1 done, left foot")
    page.keyboard.press("Enter")
    assert focused_text(page) == "Set 1 done, right foot"
    page.keyboard.press("Enter")
    assert phase.text_content() == "Rest before set 2 of 2"
    assert clock.text_content() == "0:30"
    page.clock.run_for("00:31")
    assert announce.text_content() == "Rest over. Set 2 of 2."
    assert signals(page) == [3, 3]
    assert focused_text(page) == "Set 2 done, left foot"

    # Arrow keys (and "Next") move on and back without ticking anything.
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    assert progress.text_content() == "Exercise 7 of 7"
    page.keyboard.press("ArrowLeft")
    assert progress.text_content() == "Exercise 6 of 7"
    page.keyboard.press("ArrowRight")
    assert page.get_by_role("button", name="Finish").is_visible()
    page.keyboard.press("ArrowRight")
    assert page.locator("[data-finish-summary]").text_content() == "You ticked 1 of 7 exercises."
    assert page.locator("[data-finish-list] li").all_text_contents() == [
        "Sole roll with a foot roller"
    ]

    # One button logs it, for week 1, with what was ticked.
    tab_to(page, "Log this session")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))
    assert page.get_by_text(
        "Session saved: it counts towards week 1 (1 of 2 sessions)."
    ).is_visible()
    session = StrengthSession.objects.get(participant=runner)
    assert session.from_routine and session.level.number == 1
    assert [item.exercise.slug for item in session.items.all()] == ["sole-roller-roll"]
    assert sessions_bar(page) == "50"


def test_the_p_key_works_only_inside_the_routine_and_can_be_switched_off(page, runner):
    sign_in(page, "ada@example.org")
    page.clock.install()
    page.goto("/levels/1/routine/")
    pause = page.locator('[data-action="pause"]')
    page.get_by_role("button", name="Start set 1, left foot").click()

    page.get_by_role("link", name="Back to week 1").focus()
    page.keyboard.press("p")
    assert pause.get_attribute("aria-pressed") == "false"  # focus was outside the routine

    page.get_by_role("button", name="End the hold").focus()
    page.keyboard.press("p")
    assert pause.get_attribute("aria-pressed") == "true"
    page.keyboard.press("P")
    assert pause.get_attribute("aria-pressed") == "false"

    page.get_by_label(re.compile("^Shortcut key P pauses")).uncheck()
    page.get_by_role("button", name="End the hold").focus()
    page.keyboard.press("p")
    assert pause.get_attribute("aria-pressed") == "false"

    page.reload()  # the choice is remembered on this device
    assert not page.get_by_label(re.compile("^Shortcut key P pauses")).is_checked()
    page.get_by_role("button", name="Start set 1, left foot").click()
    page.keyboard.press("p")
    assert pause.get_attribute("aria-pressed") == "false"


def test_the_beep_and_the_buzz_can_be_switched_off_and_stay_off(page, runner):
    sign_in(page, "ada@example.org")
    page.add_init_script(RECORD_SIGNALS)
    page.clock.install()
    page.goto("/levels/1/routine/")
    sound = page.get_by_label("Beep at the end of each hold and rest")
    vibrate = page.get_by_label("Vibrate at the end of each hold and rest")
    assert sound.is_checked() and vibrate.is_checked()
    sound.uncheck()
    vibrate.uncheck()
    page.reload()
    assert not sound.is_checked() and not vibrate.is_checked()

    page.get_by_role("button", name="Start set 1, left foot").click()
    page.clock.run_for("01:01")
    assert page.locator("[data-phase]").text_content() == "Set 1 of 1, right foot"
    assert signals(page) == [0, 0]


def test_with_reduced_motion_the_buzz_starts_off(_chromium, live_server, runner):
    context = _chromium.new_context(
        base_url=live_server.url,
        viewport={"width": 360, "height": 740},
        locale="en-GB",
        reduced_motion="reduce",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.add_init_script(RECORD_SIGNALS)
        sign_in(page, "ada@example.org")
        page.goto("/levels/1/routine/")
        assert page.get_by_label("Beep at the end of each hold and rest").is_checked()
        assert not page.get_by_label("Vibrate at the end of each hold and rest").is_checked()
    finally:
        context.close()


def timer_in_view(page):
    box = page.get_by_role("timer").bounding_box()
    viewport = page.viewport_size
    return (
        box is not None
        and box["y"] >= 0
        and box["x"] >= 0
        and box["y"] + box["height"] <= viewport["height"]
        and box["x"] + box["width"] <= viewport["width"]
    )


def test_on_a_small_phone_the_timer_stays_on_screen(page, runner):
    page.set_viewport_size({"width": 360, "height": 640})
    sign_in(page, "ada@example.org")
    page.clock.install()
    page.goto("/levels/1/routine/")
    assert timer_in_view(page)  # before anything is scrolled
    page.get_by_role("button", name="Start set 1, left foot").click()
    assert timer_in_view(page)
    page.get_by_role("link", name="More about it").last.scroll_into_view_if_needed()
    assert timer_in_view(page)  # still there with the exercise scrolled

    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Next").click()
    assert page.locator("[data-progress]").text_content() == "Exercise 3 of 7"
    page.get_by_role("button", name="Set 1 done, left foot").click()
    page.get_by_role("button", name="Set 1 done, right foot").click()
    assert page.locator("[data-phase]").text_content() == "Rest before set 2 of 2"
    assert timer_in_view(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


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
