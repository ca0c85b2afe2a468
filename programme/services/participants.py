"""Joining a programme and a participant's own settings."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.validators import normalise_display_name, validate_time_zone
from notifications.models import EmailPolicy, Notice

from ..errors import ProgrammeError
from ..models import Participant, WeeklyTally


def participant_join(
    *,
    user,
    programme,
    display_name,
    time_zone,
    units,
    country,
    confirmed_age,
    confirmed_residence,
    accepted_rules,
    leaderboard_opt_in=False,
    now=None,
):
    """Make ``user`` a participant of ``programme``; joining twice returns the first one.

    The welcome notice is written in the same transaction: it is the outbox entry of the
    welcome email, which the caller queues (see ``welcome_notice_key``).
    """
    now = now or timezone.now()
    if not user.has_verified_email:
        raise ProgrammeError(_("Please confirm your email address before joining."))
    if now >= programme.logging_closes_at:
        raise ProgrammeError(_("This programme has ended and is no longer open for joining."))
    if not (confirmed_age and confirmed_residence and accepted_rules):
        raise ProgrammeError(_("Please confirm your eligibility and accept the rules to join."))
    existing = Participant.objects.filter(user=user, programme=programme).first()
    if existing:
        return existing
    checked = _checked(display_name=display_name, time_zone=time_zone)
    try:
        with transaction.atomic():
            participant = Participant.objects.create(
                user=user,
                programme=programme,
                display_name=checked["display_name"],
                time_zone=checked["time_zone"],
                units=units,
                country=country,
                confirmed_age_at=now,
                confirmed_residence_at=now,
                consented_rules_at=now,
                leaderboard_opt_in=leaderboard_opt_in,
            )
            _welcome_notice_write(participant=participant, now=now)
            return participant
    except IntegrityError:
        # Two tabs submitted at once: the other request made the row.
        return Participant.objects.get(user=user, programme=programme)


WELCOME_NOTICE_KEY = "welcome"


def _welcome_notice_write(*, participant, now):
    Notice.objects.create(
        participant=participant,
        key=WELCOME_NOTICE_KEY,
        title=_("Welcome to %(programme)s") % {"programme": participant.programme.name},
        body=_(
            "You are in. Each week a new level opens with its goals: meet them to earn "
            "tickets for the prize draws. Your dashboard shows where you stand."
        ),
        url=reverse("web:dashboard"),
        created_at=now,
        email=EmailPolicy.ALWAYS,
    )


PARTICIPANT_SETTINGS = {
    "display_name",
    "time_zone",
    "units",
    "leaderboard_opt_in",
    "reminder_emails",
    "closing_reminder_emails",
}


def participant_update(*, participant, **changes):
    """Change a participant's own settings; the leaderboard opt-in reaches their tallies too."""
    unknown = set(changes) - PARTICIPANT_SETTINGS
    if unknown:
        raise ValueError(f"not participant settings: {sorted(unknown)}")
    changes.update(
        _checked(
            **{name: changes[name] for name in ("display_name", "time_zone") if name in changes}
        )
    )
    with transaction.atomic():
        for name, value in changes.items():
            setattr(participant, name, value)
        participant.save(update_fields=[*changes, "updated_at"])
        if "leaderboard_opt_in" in changes:
            WeeklyTally.objects.filter(participant=participant).update(
                leaderboard_opt_in=participant.leaderboard_opt_in
            )
    return participant


def _checked(**values):
    """Display name and time zone as every form takes them (core.validators): the name
    normalised, the zone a real one; a ProgrammeError at the field otherwise."""
    rules = {"display_name": normalise_display_name, "time_zone": validate_time_zone}
    checked = {}
    for name, value in values.items():
        try:
            checked[name] = rules[name](value) or value
        except ValidationError as error:
            raise ProgrammeError(error.messages[0], field=name) from None
    return checked
