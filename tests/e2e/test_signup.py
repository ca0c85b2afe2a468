import re

import pytest
from django.core import mail

from tests.factories import ProgrammeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_newcomer_signs_up_confirms_and_is_asked_to_join_without_signing_in_again(page):
    ProgrammeFactory(name="Harbour Six")
    page.goto("/")
    page.get_by_role("link", name="Sign up and join").click()

    page.get_by_label("Email").fill("newcomer@example.org")
    page.get_by_label("Password:", exact=True).fill("a-long and unusual passphrase")
    page.get_by_label("Password (again)").fill("a-long and unusual passphrase")
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()

    link = re.search(r"/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    # Confirming in the browser that signed up signs in: straight on to joining.
    page.get_by_role("heading", name="Join Harbour Six").wait_for()
    assert page.url.endswith("/join/")
    assert page.get_by_role("button", name="Join the programme").is_visible()
