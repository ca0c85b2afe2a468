"""What people and staff may type for a display name, a time zone and a logo address.

Each rule lives here once; the forms, the models (and so the admin) and the services use it.
"""

import unicodedata
import zoneinfo
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

# Control (Cc), format (Cf: zero-width spaces and joiners, bidi overrides such as U+202E)
# and lone surrogates (Cs, which PostgreSQL cannot store): invisible, or they turn the text
# around them backwards on the leaderboard.
INVISIBLE_CATEGORIES = {"Cc", "Cf", "Cs"}


def normalise_display_name(value):
    """``value`` with every run of whitespace made one space and the ends trimmed.

    Refuses a name that is empty afterwards, or that holds an invisible or text-direction
    character, naming the first one (a name is never changed behind its owner's back).
    """
    name = " ".join(value.split())
    if not name:
        raise ValidationError(_("Enter a display name."), code="blank")
    for character in name:
        if unicodedata.category(character) in INVISIBLE_CATEGORIES:
            raise ValidationError(
                _(
                    "Your display name contains an invisible or text-direction character "
                    "(%(code)s). Please type it again without it."
                ),
                code="invisible_character",
                params={"code": f"U+{ord(character):04X}"},
            )
    return name


def validate_display_name(value):
    """The model's check: a stored name is already normalised (see the form field)."""
    if normalise_display_name(value) != value:
        raise ValidationError(
            _("Use single spaces, with none at the start or end."), code="spacing"
        )


# Real places only, named Area/Location as the tz database does, plus UTC: not the
# system's own "localtime", the "posixrules" and "Factory" oddities, the "Etc/GMT+5"
# zones (whose sign is the opposite of what it reads) or the old aliases ("US/Eastern",
# "GB", "EST5EDT").
TIME_ZONE_AREAS = {
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
}
TIME_ZONES = frozenset(
    {
        name
        for name in zoneinfo.available_timezones()
        if name.split("/", 1)[0] in TIME_ZONE_AREAS and "/" in name
    }
    | {"UTC"}
)
TIME_ZONE_CHOICES = [(name, name.replace("_", " ")) for name in sorted(TIME_ZONES)]


def validate_time_zone(value):
    if value not in TIME_ZONES:
        raise ValidationError(
            _("“%(value)s” is not a time zone we know. Choose one like Europe/London."),
            code="time_zone",
            params={"value": value},
        )


_https_url = URLValidator(schemes=["https"])


def validate_logo_url(value):
    """An https address, or a path on this site ("/static/logo.svg"): never http (mixed
    content), ``javascript:`` or ``data:``, nor "//host/…" (another host, without a scheme)."""
    message = _("Use an address starting with https:// or a path on this site starting with /.")
    if value.startswith("/"):
        if value.startswith("//") or "\\" in value or any(c.isspace() for c in value):
            raise ValidationError(message, code="logo_url")
        return
    try:
        _https_url(value)
    except ValidationError:
        raise ValidationError(message, code="logo_url") from None


def logo_origin(url):
    """``https://host[:port]`` of an external logo address; None for a path on this site
    (or anything but https, which validate_logo_url refuses anyway)."""
    parts = urlsplit(url or "")
    if parts.scheme.lower() != "https" or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}".lower()
