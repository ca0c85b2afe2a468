"""The emails a participant receives: text and HTML from one template pair, each with a
one-click unsubscribe (RFC 8058)."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

UNSUBSCRIBE_SALT = "programme.unsubscribe-reminders"


def unsubscribe_token(participant_id):
    return signing.dumps(participant_id, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_token_read(token):
    """The participant id in a valid token, or None."""
    try:
        return signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def notice_email(notice):
    participant = notice.participant
    unsubscribe_link = absolute(
        reverse("programme:unsubscribe", args=[unsubscribe_token(participant.pk)])
    )
    context = {
        "notice": notice,
        "participant": participant,
        "programme": participant.programme,
        "link": absolute(notice.url or reverse("web:dashboard")),
        "unsubscribe_link": unsubscribe_link,
    }
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string("notifications/email/notice.txt", context)
        html = render_to_string("notifications/email/notice.html", context)
    message = EmailMultiAlternatives(
        subject=notice.title,
        body=text,
        to=[participant.user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_link}>",
            # RFC 8058: mail providers may unsubscribe with one POST, no page, no sign-in.
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
