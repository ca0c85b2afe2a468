"""The emails a participant receives: text and HTML from one set of templates
(templates/email/), branded per programme. Bulk emails (those a person can turn off) carry a
one-click unsubscribe (RFC 8058); transactional ones do not."""

from datetime import datetime

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from core.branding import brand_for

from .models import OPT_OUT_FIELDS, EmailPolicy

UNSUBSCRIBE_SALT = "programme.unsubscribe-reminders"


def unsubscribe_token(participant_id, policy=EmailPolicy.IF_SUBSCRIBED):
    """A signed link key that turns off one kind of bulk email for one participant."""
    # The first tokens carried the id alone and meant the reminders: those still read so.
    payload = (
        participant_id if policy == EmailPolicy.IF_SUBSCRIBED else [participant_id, str(policy)]
    )
    return signing.dumps(payload, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_token_read(token):
    """(participant id, the EmailPolicy it turns off) of a valid token, or None."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if isinstance(payload, int):
        return payload, EmailPolicy.IF_SUBSCRIBED
    if isinstance(payload, list) and len(payload) == 2 and payload[1] in OPT_OUT_FIELDS:
        return payload[0], EmailPolicy(payload[1])
    return None


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def email_brand(programme):
    """The brand as an email may show it: the only outside resource is an https logo."""
    brand = brand_for(programme)
    if not brand["logo_url"].startswith("https://"):
        brand["logo_url"] = ""
    return brand


def email_context(programme):
    """What templates/email/base.* need: the brand and the public address."""
    return {"brand": email_brand(programme), "site_url": absolute("/")}


def notice_kind(notice):
    """``draw-won:12`` → ``draw-won``: the key's prefix names the email's template."""
    return notice.key.partition(":")[0]


def moment_for(iso_moment, participant):
    """A stored moment as the person reads it: their own zone, named."""
    if not iso_moment:
        return ""
    local = datetime.fromisoformat(iso_moment).astimezone(participant.tz)
    zone = participant.time_zone.replace("_", " ")
    return f"{date_format(local, 'l j F Y, H:i')} ({zone})"


def notice_email(notice):
    participant = notice.participant
    programme = participant.programme
    bulk = notice.email in OPT_OUT_FIELDS
    unsubscribe_link = ""
    if bulk:
        unsubscribe_link = absolute(
            reverse("programme:unsubscribe", args=[unsubscribe_token(participant.pk, notice.email)])
        )
    context = {
        **email_context(programme),
        "notice": notice,
        "participant": participant,
        "programme": programme,
        "link": absolute(notice.url or reverse("web:dashboard")),
        "deadline": moment_for(notice.data.get("deadline"), participant),
        "reason": notice.data.get("reason", ""),
        "unsubscribe_link": unsubscribe_link,
        "settings_link": absolute(reverse("web:profile")),
    }
    kind = notice_kind(notice)
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string([f"email/notice/{kind}.txt", "email/notice/notice.txt"], context)
        html = render_to_string([f"email/notice/{kind}.html", "email/notice/notice.html"], context)
    headers = {}
    if bulk:
        headers = {
            "List-Unsubscribe": f"<{unsubscribe_link}>",
            # RFC 8058: mail providers may unsubscribe with one POST, no page, no sign-in.
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    # multipart/alternative, text first: clients show the last part they can render.
    message = EmailMultiAlternatives(
        subject=notice.title, body=text, to=[participant.user.email], headers=headers
    )
    message.attach_alternative(html, "text/html")
    return message
