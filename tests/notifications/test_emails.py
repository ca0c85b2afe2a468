"""Every email kind from one set of branded templates: both parts, headers, links, zones."""

import datetime as dt
import email
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from notifications import selectors
from notifications import services as outbox
from notifications import tasks as notification_tasks
from notifications.emails import notice_email, unsubscribe_token
from notifications.models import EmailPolicy, Notice
from programme import services as programme_services
from programme.models import Participant, ReviewStatus
from rewards import services as rewards_services
from rewards.models import DrawResult
from tests.factories import ParticipantFactory, RunFactory, StaffFactory, UserFactory
from tests.rewards.factories import DrawFactory, complete, drawn

pytestmark = pytest.mark.django_db

SITE = "https://run.example.net"
NOW = dt.datetime(2026, 3, 26, 12, tzinfo=dt.UTC)
BULK = {"List-Unsubscribe", "List-Unsubscribe-Post"}


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def parts(message):
    """(text, html) of a sent message, checked to be multipart/alternative, text first."""
    parsed = email.message_from_bytes(message.message().as_bytes())
    assert parsed.get_content_type() == "multipart/alternative"
    text, html = parsed.get_payload()
    assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    return (
        text.get_payload(decode=True).decode(),
        html.get_payload(decode=True).decode(),
    )


def outside_addresses(html):
    """Every http(s) address the HTML points at that is not the site's own."""
    return {url for url in re.findall(r'(?:href|src)="([^"]+)"', html) if not url.startswith(SITE)}


def notice(participant, key, email_policy=EmailPolicy.ALWAYS, **fields):
    return Notice.objects.create(
        participant=participant,
        key=key,
        title=fields.pop("title", "A title"),
        created_at=NOW,
        email=email_policy,
        **fields,
    )


def test_the_brand_frames_both_parts_and_only_an_https_logo_is_loaded(participant):
    programme = participant.programme
    programme.primary_colour, programme.logo_url = "#123456", "https://cdn.example.net/logo.png"
    programme.save()
    text, html = parts(notice_email(notice(participant, "welcome")))
    assert text.startswith(programme.name)
    assert "#123456" in html and 'src="https://cdn.example.net/logo.png"' in html
    assert outside_addresses(html) == {"https://cdn.example.net/logo.png"}
    assert "<style" not in html and "<link" not in html  # inline CSS only

    programme.logo_url = "http://cdn.example.net/logo.png"  # no plain-http fetches
    programme.save()
    participant.refresh_from_db()
    _, html = parts(notice_email(notice(participant, "welcome-again")))
    assert outside_addresses(html) == set()
    assert programme.name in html


def test_the_winner_email_gives_the_deadline_in_their_zone_and_a_claim_button(
    programme, staff_user
):
    winner = ParticipantFactory(programme=programme, time_zone="America/New_York")
    complete(winner, 1)
    draw = DrawFactory(prize__programme=programme, winners=1, alternates=0, claim_window_days=7)
    notice_ids = drawn(draw, staff=staff_user, now=NOW)
    result = DrawResult.objects.get(draw=draw, participant=winner)
    assert outbox.notice_emails_send(notice_ids=notice_ids) == 1
    message = mail.outbox[0]
    text, html = parts(message)
    # 2 April 2026 12:00 UTC is 08:00 in New York (daylight time).
    deadline = "Thursday 2 April 2026, 08:00 (America/New York)"
    claim_link = f"{SITE}/prizes/{result.pk}/claim/"
    assert deadline in text and deadline in html
    assert f"Claim your prize: {claim_link}" in text
    assert re.search(rf'<a href="{re.escape(claim_link)}"[^>]*>Claim your prize</a>', html)
    assert not BULK & set(message.extra_headers)  # transactional: no unsubscribe
    assert "/unsubscribe/" not in text + html


def test_a_claim_reminder_is_bulk_and_shows_the_deadline_in_their_zone(participant):
    participant.time_zone = "Asia/Tokyo"
    participant.save()
    message = notice_email(
        notice(
            participant,
            "draw-reminder:1",
            EmailPolicy.IF_SUBSCRIBED,
            url="/prizes/1/claim/",
            data={"deadline": "2026-04-02T12:00:00+00:00"},
        )
    )
    text, html = parts(message)
    assert "Thursday 2 April 2026, 21:00 (Asia/Tokyo)" in text
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_rejected_run_email_gives_the_reason(participant, staff_user):
    run = RunFactory(participant=participant)
    programme_services.run_review(
        run=run, approve=False, reviewer=staff_user, reason="The GPS track jumps 40 km"
    )
    assert outbox.notice_emails_send(notice_ids=[Notice.objects.get().pk]) == 1
    message = mail.outbox[0]
    text, html = parts(message)
    assert message.subject == "Your run was not accepted"
    assert "The GPS track jumps 40 km" in text and "The GPS track jumps 40 km" in html
    assert f"See the run: {SITE}/runs/{run.pk}/" in text
    assert not BULK & set(message.extra_headers)


def test_an_approved_run_email_has_no_reason(participant, staff_user):
    run = RunFactory(participant=participant, status=ReviewStatus.HELD)
    programme_services.run_review(run=run, approve=True, reviewer=staff_user)
    text, _ = parts(notice_email(Notice.objects.get()))
    assert "it counts" in text and "rejected" not in text


@pytest.mark.parametrize(
    ("key", "policy", "button"),
    [
        ("level-unlocked:1", EmailPolicy.IF_SUBSCRIBED, "Open the week"),
        ("week-closing:1", EmailPolicy.IF_SUBSCRIBED_CLOSING, "Log your activity"),
        ("welcome", EmailPolicy.ALWAYS, "Go to your dashboard"),
        ("claim-received:1", EmailPolicy.ALWAYS, "See your claim"),
        ("something-new:1", EmailPolicy.ALWAYS, "Open it"),
    ],
)
def test_each_kind_has_its_button_and_only_bulk_kinds_a_one_click_unsubscribe(
    participant, key, policy, button
):
    message = notice_email(notice(participant, key, policy, url="/levels/1/"))
    text, html = parts(message)
    assert f"{button}" in text and f">{button}</a>" in html
    if policy == EmailPolicy.ALWAYS:
        assert not BULK & set(message.extra_headers)
        assert f"{SITE}/profile/" in text
        return
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link.startswith(f"{SITE}/unsubscribe/") and link in text and link in html


# Welcome, claim confirmation --------------------------------------------------------------


def test_joining_writes_the_welcome_notice_and_queues_its_email(
    client, programme, signed_in_user, django_capture_on_commit_callbacks
):
    client.force_login(signed_in_user)
    form = {
        "display_name": "Nia",
        "time_zone": "Europe/Dublin",
        "units": "km",
        "country": "IE",
        "confirm_age": "on",
        "confirm_residence": "on",
        "accept_rules": "on",
    }
    with django_capture_on_commit_callbacks() as queued:
        assert client.post("/join/", form).status_code == 302
    participant = Participant.objects.get(user=signed_in_user)
    welcome = Notice.objects.get(participant=participant)
    assert welcome.key == "welcome" and welcome.email == EmailPolicy.ALWAYS
    # the email task, enqueued once after commit (beside the cache's own callbacks)
    assert [getattr(callback, "func", callback).__name__ for callback in queued].count(
        "_enqueue"
    ) == 1
    client.post("/join/", form)  # joined already: no second welcome
    assert Notice.objects.filter(participant=participant).count() == 1

    assert outbox.notice_emails_send(notice_ids=[welcome.pk]) == 1
    text, html = parts(mail.outbox[0])
    assert mail.outbox[0].subject == f"Welcome to {programme.name}"
    assert f"Go to your dashboard: {SITE}/dashboard/" in text


def test_a_failed_join_leaves_no_welcome(programme):
    user = UserFactory(verified=False)
    with pytest.raises(Exception, match="confirm your email"):
        programme_services.participant_join(
            user=user,
            programme=programme,
            display_name="Dan",
            time_zone="UTC",
            units="km",
            country="GB",
            confirmed_age=True,
            confirmed_residence=True,
            accepted_rules=True,
        )
    assert not Notice.objects.exists()


CLAIM = {
    "size_system": "uk",
    "shoe_size": "9.5",
    "full_name": "Alice Runner",
    "address_line1": "1 High Street",
    "address_line2": "",
    "city": "London",
    "region": "",
    "postal_code": "SW1A 1AA",
    "country": "GB",
    "phone": "+44 20 7946 0000",
}


def test_a_claim_writes_its_confirmation_and_queues_one_transactional_email(
    participant, django_capture_on_commit_callbacks
):
    complete(participant, 1)
    draw = DrawFactory(prize__programme=participant.programme, winners=1, alternates=0)
    drawn(draw, staff=StaffFactory())
    result = DrawResult.objects.get(draw=draw, participant=participant)
    client = Client()
    client.force_login(participant.user)
    with django_capture_on_commit_callbacks() as queued:
        client.post(f"/prizes/{result.pk}/claim/", CLAIM)
    confirmation = Notice.objects.get(key=rewards_services.claim_notice_key(result))
    # One email enqueue (other after-commit work, like the public pages' cache, aside).
    enqueues = [c for c in queued if getattr(c, "func", None) is notification_tasks._enqueue]
    assert len(enqueues) == 1
    client.post(f"/prizes/{result.pk}/claim/", CLAIM)  # twice: still one confirmation
    assert Notice.objects.filter(key__startswith="claim-received:").count() == 1

    assert outbox.notice_emails_send(notice_ids=[confirmation.pk]) == 1
    message = mail.outbox[0]
    text, html = parts(message)
    assert message.subject == "We have your claim: Trail shoes"
    assert "Alice Runner in London, United Kingdom" in text
    assert f"See your claim: {SITE}/prizes/{result.pk}/claim/" in text
    assert not BULK & set(message.extra_headers)


def test_a_refused_claim_writes_no_confirmation(participant):
    complete(participant, 1)
    draw = DrawFactory(prize__programme=participant.programme, winners=1, alternates=0)
    drawn(draw, staff=StaffFactory())
    result = DrawResult.objects.get(draw=draw, participant=participant)
    with pytest.raises(Exception, match="postal code"):
        rewards_services.claim_submit(
            result=result, participant=participant, **{**CLAIM, "postal_code": ""}
        )
    assert not Notice.objects.filter(key__startswith="claim-received:").exists()


def test_owed_emails_are_only_those_not_sent_and_wanted(participant):
    welcome = notice(participant, "welcome")
    notice(participant, "in-app", EmailPolicy.NONE)
    assert selectors.notice_emails_owed(participant=participant, keys=["welcome", "in-app"]) == [
        welcome.pk
    ]
    outbox.notice_emails_send(notice_ids=[welcome.pk])
    assert selectors.notice_emails_owed(participant=participant, keys=["welcome"]) == []


# One-click unsubscribe, per kind ----------------------------------------------------------


def test_one_click_unsubscribe_turns_off_only_that_kind(participant):
    csrf_client = Client(enforce_csrf_checks=True)  # a mail provider's POST has no CSRF token
    url = reverse(
        "programme:unsubscribe",
        args=[unsubscribe_token(participant.pk, EmailPolicy.IF_SUBSCRIBED_CLOSING)],
    )
    page = csrf_client.get(url).content.decode()
    assert "a day before a week closes" in page
    assert csrf_client.post(url).status_code == 200
    participant.refresh_from_db()
    assert (participant.closing_reminder_emails, participant.reminder_emails) == (False, True)

    closing = notice(participant, "week-closing:1", EmailPolicy.IF_SUBSCRIBED_CLOSING)
    unlocked = notice(participant, "level-unlocked:1", EmailPolicy.IF_SUBSCRIBED)
    assert list(Notice.objects.to_email().values_list("pk", flat=True)) == [unlocked.pk]
    assert closing.pk not in selectors.notice_emails_owed(
        participant=participant, keys=["week-closing:1"]
    )


def test_a_token_for_an_unknown_kind_is_refused(client, participant):
    from django.core import signing

    from notifications.emails import UNSUBSCRIBE_SALT

    forged = signing.dumps([participant.pk, "always"], salt=UNSUBSCRIBE_SALT, compress=True)
    assert client.post(f"/unsubscribe/{forged}/").status_code == 404
    participant.refresh_from_db()
    assert participant.reminder_emails and participant.closing_reminder_emails
