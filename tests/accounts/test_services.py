"""Deleting an account removes every trace of the person that names or reaches them."""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.contrib.admin.models import CHANGE, LogEntry

from accounts.services import account_delete
from exercises.models import StrengthSession
from notifications.models import Notice
from tests.factories import ParticipantFactory, StaffFactory, StrengthSessionFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 26, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def alice(programme):
    alice = ParticipantFactory(
        programme=programme, display_name="Alice Example", user__email="alice@example.org"
    )
    alice.user.name = "Alice Example"
    alice.user.save(update_fields=["name"])
    return alice


def logged_by_staff(*objects):
    """What the admin writes when staff change these objects: their names, as shown then."""
    staff = StaffFactory()
    for obj in objects:
        LogEntry.objects.log_actions(
            user_id=staff.pk, queryset=[obj], action_flag=CHANGE, single_object=True
        )


def test_deleting_removes_every_email_address_allauth_holds(alice):
    EmailAddress.objects.create(user=alice.user, email="alice.work@example.org")
    account_delete(user=alice.user, now=NOW)
    assert not EmailAddress.objects.filter(user=alice.user).exists()
    assert not EmailAddress.objects.filter(email__icontains="alice").exists()


def test_deleting_forgets_the_name(alice):
    account_delete(user=alice.user, now=NOW)
    alice.user.refresh_from_db()
    assert alice.user.name == ""


def test_deleting_removes_the_participants_notices(alice, other_participant):
    for participant in (alice, other_participant):
        Notice.objects.create(participant=participant, key="hello", title="Welcome, runner")
    account_delete(user=alice.user, now=NOW)
    assert not Notice.objects.filter(participant=alice).exists()
    assert Notice.objects.filter(participant=other_participant).exists()


def test_deleting_blanks_strength_session_notes_and_keeps_the_sessions(alice):
    session = StrengthSessionFactory(participant=alice, notes="Sore left heel again")
    account_delete(user=alice.user, now=NOW)
    session.refresh_from_db()
    assert session.notes == ""
    assert StrengthSession.objects.filter(participant=alice).count() == 1  # still counts


def test_deleting_scrubs_the_admin_log_about_the_account_and_its_participations(
    alice, other_participant
):
    address = EmailAddress.objects.get(user=alice.user)
    logged_by_staff(alice.user, alice, address, other_participant.user, other_participant)
    account_delete(user=alice.user, now=NOW)
    texts = list(LogEntry.objects.values_list("object_repr", flat=True))
    assert not [text for text in texts if "alice" in text.lower()]
    assert texts.count("deleted account") == 3
    # Entries about other people keep their names.
    assert other_participant.user.email in texts
    assert other_participant.display_name in texts
