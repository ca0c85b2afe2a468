"""manage.py create_staff: the first staff account of a deployment, with no prompt."""

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import User
from tests.factories import UserFactory

PASSWORD = "a-long-staff-passphrase-42"


@pytest.fixture
def staff_password(monkeypatch):
    monkeypatch.setenv("DJANGO_STAFF_PASSWORD", PASSWORD)


@pytest.mark.django_db
def test_the_new_staff_account_signs_in_and_reaches_the_admin(staff_password, capsys):
    call_command("create_staff", "Ops@Example.org")
    assert "Created staff account ops@example.org." in capsys.readouterr().out
    user = User.objects.get(email="ops@example.org")
    assert user.is_staff and user.is_superuser and user.is_active
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("ops@example.org", True, True)
    client = Client()
    response = client.post("/accounts/login/", {"login": "ops@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_run_again_it_restores_the_account_without_a_second_one(staff_password, monkeypatch):
    call_command("create_staff", "ops@example.org")
    User.objects.filter(email="ops@example.org").update(is_staff=False, is_superuser=False)
    monkeypatch.setenv("DJANGO_STAFF_PASSWORD", "another-long-passphrase-7")
    call_command("create_staff", "ops@example.org")
    user = User.objects.get(email="ops@example.org")
    assert user.is_superuser and user.check_password("another-long-passphrase-7")
    assert EmailAddress.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_an_existing_participant_can_be_made_staff(staff_password):
    UserFactory(email="runner@example.org")
    call_command("create_staff", "runner@example.org")
    assert User.objects.get(email="runner@example.org").is_staff
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_a_weak_password_is_refused_and_nothing_is_made(monkeypatch):
    monkeypatch.setenv("DJANGO_STAFF_PASSWORD", "password")
    with pytest.raises(CommandError, match="too common"):
        call_command("create_staff", "ops@example.org")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_without_a_password_or_a_terminal_it_says_what_to_set(monkeypatch):
    monkeypatch.delenv("DJANGO_STAFF_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="DJANGO_STAFF_PASSWORD"):
        call_command("create_staff", "ops@example.org")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_bad_address_is_refused(staff_password):
    with pytest.raises(CommandError, match="Not an email address"):
        call_command("create_staff", "not-an-address")
    assert not User.objects.exists()
