import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

PASSWORD = "a-long and unusual passphrase"


def sign_up(client, email, password=PASSWORD, password2=None):
    return client.post(
        "/accounts/signup/",
        {"email": email, "password1": password, "password2": password2 or password},
    )


@pytest.mark.django_db
def test_it_signs_up_with_an_email_and_sends_a_verification_link(client):
    response = sign_up(client, "New.Runner@Example.org")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get()
    assert user.email == "new.runner@example.org"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body


@pytest.mark.django_db
def test_an_unverified_user_cannot_sign_in_until_they_confirm(client):
    sign_up(client, "new@example.org")
    client.logout()
    response = client.post("/accounts/login/", {"login": "new@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_taken_email_gets_the_same_answer_as_a_new_one(client):
    UserFactory(email="taken@example.org")
    response = sign_up(client, "taken@example.org")
    # No enumeration: the page is the same "check your inbox"; the owner gets a note.
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert User.objects.filter(email="taken@example.org").count() == 1
    assert mail.outbox[-1].to == ["taken@example.org"]


class CountingHasher(PBKDF2PasswordHasher):
    """The production hasher (Django's default), counting the passwords it hashes."""

    calls = 0

    def encode(self, password, salt, iterations=None):
        CountingHasher.calls += 1
        return super().encode(password, salt, iterations)


@pytest.mark.django_db
def test_a_taken_email_costs_the_same_work_as_a_new_one(settings):
    # Hashing is the slow part of a sign-up (~0.5 s): a taken address that skipped it answered
    # 450 ms sooner, which told anyone which addresses have an account.
    UserFactory(email="taken@example.org")
    settings.PASSWORD_HASHERS = ["tests.accounts.test_signup.CountingHasher"]
    work = {}
    for email in ("new@example.org", "taken@example.org"):
        CountingHasher.calls = 0
        mail.outbox.clear()
        response = sign_up(Client(), email)
        assert response["Location"] == "/accounts/confirm-email/"
        work[email] = {"passwords hashed": CountingHasher.calls, "emails sent": len(mail.outbox)}
    assert work["taken@example.org"] == work["new@example.org"]
    assert work["new@example.org"] == {"passwords hashed": 1, "emails sent": 1}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("email", "password", "password2", "message"),
    [
        ("not-an-email", PASSWORD, None, "Enter a valid email address."),
        ("someone@mailinator.com", PASSWORD, None, "permanent email address"),
        # Known only to the maintained list (disposable-email-domains), never to a hand-kept one.
        ("someone@mailnesia.com", PASSWORD, None, "permanent email address"),
        ("Someone@GRR.LA", PASSWORD, None, "permanent email address"),
        ("weak@example.org", "password", None, "This password is too common."),
        ("short@example.org", "x7#", None, "too short"),
        ("digits@example.org", "8273649182736", None, "entirely numeric"),
        ("mismatch@example.org", PASSWORD, PASSWORD + "!", "same password"),
    ],
)
def test_bad_sign_ups_are_refused_with_a_clear_message(client, email, password, password2, message):
    response = sign_up(client, email, password, password2)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_repeated_failed_logins_for_one_email_are_rate_limited(client):
    UserFactory(email="target@example.org")
    statuses = [
        client.post(
            "/accounts/login/", {"login": "target@example.org", "password": "wrong"}
        ).status_code
        for _ in range(8)
    ]
    assert statuses[0] == 200
    assert 429 in statuses
    # Once limited, the right password does not get through either until the window passes.
    response = client.post(
        "/accounts/login/",
        {"login": "target@example.org", "password": "correct horse battery staple"},
    )
    assert response.status_code == 429


@pytest.mark.django_db
def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client):
    UserFactory(email="known@example.org")
    known = client.post("/accounts/password/reset/", {"email": "known@example.org"})
    unknown = Client().post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    followed_known = client.get(known["Location"]).content.decode()
    followed_unknown = Client().get(unknown["Location"]).content.decode()
    assert "We have sent you an email" in followed_known
    assert "We have sent you an email" in followed_unknown


@pytest.mark.django_db
def test_the_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_account_emails_carry_the_organisers_brand_not_a_placeholder(client):
    from tests.factories import ProgrammeFactory

    ProgrammeFactory(name="Harbour Six")
    sign_up(client, "brand@example.org")
    message = mail.outbox[-1]
    assert message.subject.startswith("[Harbour Six] ")
    assert "Harbour Six" in message.body
    assert "example.com" not in message.body


@pytest.mark.django_db
def test_the_verification_email_is_branded_names_the_programme_and_the_real_address(
    client, programme, settings
):
    from django.contrib.sites.models import Site

    from accounts.apps import site_from_settings

    settings.SITE_URL = "https://run.example.net"
    site_from_settings()
    site = Site.objects.get_current()
    assert (site.domain, site.name) == ("run.example.net", settings.BRAND["name"])

    sign_up(client, "new.runner@example.org")
    message = mail.outbox[0]
    assert message.subject == f"[{programme.name}] Confirm your email address"
    assert message.alternatives[0].mimetype == "text/html"  # text first, then HTML
    html = message.alternatives[0].content
    link = re.search(r"https://run\.example\.net/accounts/confirm-email/[\w:-]+/", message.body)
    assert link, message.body
    for part in (message.body, html):
        assert programme.name in part and "run.example.net" in part
        assert "example.com" not in part
    assert f'href="{link.group(0)}"' in html
    assert "List-Unsubscribe" not in message.extra_headers  # transactional


def _confirmation_link(email):
    body = next(message.body for message in mail.outbox if message.to == [email])
    return re.search(r"/accounts/confirm-email/\S+/", body).group(0)


@pytest.mark.django_db
def test_confirming_in_the_browser_that_signed_up_signs_the_person_in(client):
    sign_up(client, "new@example.org")
    response = client.post(_confirmation_link("new@example.org"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:dashboard")
    assert client.session["_auth_user_id"] == str(User.objects.get(email="new@example.org").pk)
    # Not joined yet: the dashboard sends them on to join.
    assert client.get(response["Location"])["Location"] == reverse("programme:join")


@pytest.mark.django_db
def test_the_link_alone_signs_nobody_in_but_fills_in_the_address(client):
    sign_up(client, "new@example.org")
    elsewhere = Client()
    response = elsewhere.post(_confirmation_link("new@example.org"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in elsewhere.session
    assert EmailAddress.objects.get(email="new@example.org").verified
    login_page = elsewhere.get(response["Location"]).content.decode()
    assert 'value="new@example.org"' in login_page


@pytest.mark.django_db
@pytest.mark.parametrize(("is_staff", "landing"), [(True, "/admin/"), (False, "/dashboard/")])
def test_staff_who_sign_in_land_in_the_admin_and_participants_on_their_dashboard(
    client, is_staff, landing
):
    UserFactory(email="someone@example.org", is_staff=is_staff)
    response = client.post(
        "/accounts/login/",
        {"login": "someone@example.org", "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    assert response["Location"] == landing


@pytest.mark.django_db
def test_a_next_address_still_wins_over_the_staff_landing(client):
    UserFactory(email="organiser@example.org", is_staff=True)
    response = client.post(
        "/accounts/login/?next=/admin/rewards/draw/",
        {"login": "organiser@example.org", "password": "correct horse battery staple"},
    )
    assert response["Location"] == "/admin/rewards/draw/"
