"""The whole participant path with the keyboard alone: no click, no fill, no select_option.

Sign up, confirm, join, log a run, run the week's routine and log it, claim a prize. Every
control is reached with Tab (or the routine's own keys) and used with Enter, Space or typing,
as someone who cannot use a mouse would.
"""

import re

import pytest
from django.core import mail

from exercises import catalogue
from exercises.services import routine_replace
from programme.models import Participant, Run
from rewards.models import DrawResult
from tests.factories import ProgrammeFactory
from tests.rewards.factories import DrawFactory, complete, drawn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSPHRASE = "a-long and unusual passphrase"


def tab_to(page, locator, limit=120):
    """Press Tab until ``locator`` has the focus; fail if the keyboard never gets there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {locator}")


def type_into(page, locator, text):
    tab_to(page, locator)
    page.keyboard.type(text)


def press(page, locator, key="Enter"):
    tab_to(page, locator)
    page.keyboard.press(key)


def test_sign_up_join_log_a_run_do_the_routine_and_claim_by_keyboard(page, exercise_catalogue):
    programme = ProgrammeFactory(name="Harbour Six")
    level = programme.levels.get(number=1)
    routine_replace(level=level, items=catalogue.ROUTINES[1])

    # Sign up and confirm.
    page.goto("/accounts/signup/")
    type_into(page, page.get_by_label("Email"), "keys@example.org")
    type_into(page, page.get_by_label("Password:", exact=True), PASSPHRASE)
    type_into(page, page.get_by_label("Password (again)"), PASSPHRASE)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()
    link = re.search(r"/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)  # opened from the email
    press(page, page.get_by_role("button", name="Confirm"))

    # Join: typing into a select picks the option, Space ticks a box.
    page.get_by_role("heading", name="Join Harbour Six").wait_for()
    type_into(page, page.get_by_label("Display name:"), "Kay")
    type_into(page, page.get_by_label("Country of residence"), "Ireland")
    for consent in (
        "I am 18 or older.",
        "I live in the country I selected",
        "I have read and accept the official rules.",
    ):
        press(page, page.get_by_label(consent), key="Space")
    press(page, page.get_by_role("button", name="Join the programme"))
    page.get_by_role("heading", name="Hello, Kay").wait_for()
    participant = Participant.objects.get(user__email="keys@example.org")
    assert participant.country == "IE"

    # Log a run from the navigation.
    press(page, page.get_by_role("navigation").get_by_role("link", name="Runs"))
    press(page, page.get_by_role("link", name="Log a run"))
    type_into(page, page.get_by_label("Distance (km)"), "5")
    type_into(page, page.get_by_label("Duration"), "0:30:00")
    press(page, page.get_by_role("button", name="Save run"))
    page.get_by_text("5.0 km added: 5.0 of 5.0 km, distance goal met.").wait_for()
    assert Run.objects.get(participant=participant).distance_m == 5000

    # The routine: start it, tick the first exercise with "Done", jump to the end, log it.
    page.goto("/levels/1/routine/")
    press(page, page.get_by_role("button", name="Done"))
    for _ in range(8):
        page.keyboard.press("ArrowRight")
    press(page, page.get_by_role("button", name="Log this session"))
    page.get_by_text("Session saved: it counts towards week 1").wait_for()

    # A prize: the week completed, the draw run, the winner claims from the notice.
    complete(participant, 1)
    draw = DrawFactory(prize__programme=programme, winners=1, alternates=0)
    drawn(draw, staff=None)
    result = DrawResult.objects.get(draw=draw)
    page.goto("/notices/")
    press(page, page.get_by_role("link", name=re.compile("You won")).first)
    page.get_by_role("heading", name="Claim your prize").wait_for()
    type_into(page, page.get_by_label("Size system"), "EU")
    type_into(page, page.get_by_label("Shoe size"), "44")
    type_into(page, page.get_by_label("Full name"), "Kay Runner")
    type_into(page, page.get_by_label("Address:", exact=True), "1 Harbour Road")
    type_into(page, page.get_by_label("Town or city"), "Cork")
    type_into(page, page.get_by_label("Postal code"), "T12 X70A")
    type_into(page, page.get_by_label("Phone"), "+353 21 000 0000")
    press(page, page.get_by_role("button", name="Send my claim"))
    page.get_by_text("Thank you! Your claim is in.").wait_for()
    result.refresh_from_db()
    assert result.claim.full_name == "Kay Runner"
