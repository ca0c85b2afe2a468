"""Emails a participant receives: plain text and HTML, with a one-click unsubscribe."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

UNSUBSCRIBE_SALT = "programme.unsubscribe-reminders"


def unsubscribe_token(participant):
    return signing.dumps(participant.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def participant_from_unsubscribe_token(token):
    """The participant id in a valid token, or None."""
    try:
        return signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def notice_email(notice):
    participant = notice.participant
    context = {
        "notice": notice,
        "participant": participant,
        "programme": participant.programme,
        "link": absolute(notice.url) if notice.url else absolute(reverse("programme:dashboard")),
        "unsubscribe_link": absolute(
            reverse("programme:unsubscribe", args=[unsubscribe_token(participant)])
        ),
    }
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string("programme/email/notice.txt", context)
        html = render_to_string("programme/email/notice.html", context)
    message = EmailMultiAlternatives(
        subject=notice.title,
        body=text,
        to=[participant.user.email],
        headers={"List-Unsubscribe": f"<{context['unsubscribe_link']}>"},
    )
    message.attach_alternative(html, "text/html")
    return message
