"""A person's own data: export it all, or delete the personal part of it."""

from allauth.account.models import EmailAddress
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from exercises.models import StrengthSession
from imports.models import ActivityUpload, RunTrack
from notifications.models import Notice
from programme.models import Participant, Run, WeeklyTally
from rewards.models import DrawResult
from rewards.services import results_release_for_deleted_account
from strava import services as strava_services


def account_data_export(*, user):
    """Everything we hold about ``user``, as JSON-ready data."""
    participations = []
    for participant in Participant.objects.filter(user=user).select_related("programme"):
        participations.append(
            {
                "programme": participant.programme.name,
                "display_name": participant.display_name,
                "time_zone": participant.time_zone,
                "units": participant.units,
                "country": str(participant.country),
                "confirmed_age_at": participant.confirmed_age_at,
                "confirmed_residence_at": participant.confirmed_residence_at,
                "consented_rules_at": participant.consented_rules_at,
                "leaderboard_opt_in": participant.leaderboard_opt_in,
                "reminder_emails": participant.reminder_emails,
                "closing_reminder_emails": participant.closing_reminder_emails,
                "draw_id": str(participant.draw_id),
                "tickets": participant.tickets,
                "joined_at": participant.created_at,
                "runs": list(
                    Run.objects.filter(participant=participant)
                    .order_by("started_at")
                    .values(
                        "started_at",
                        "distance_m",
                        "duration_s",
                        "source",
                        "notes",
                        "effort",
                        "elevation_gain_m",
                        "status",
                        "review_reason",
                        "track__points",
                        "track__splits_s",
                    )
                ),
                "uploaded_files": list(
                    ActivityUpload.objects.filter(participant=participant)
                    .order_by("created_at")
                    .values(
                        "original_name", "size_bytes", "sha256", "state", "message", "created_at"
                    )
                ),
                "foot_strength_sessions": [
                    {
                        "performed_at": session.performed_at,
                        "difficulty": session.difficulty,
                        "notes": session.notes,
                        "exercises": [
                            {
                                "exercise": item.exercise.name,
                                "sets": item.sets,
                                "reps": item.reps,
                                "hold_s": item.hold_s,
                            }
                            for item in session.items.all()
                        ],
                    }
                    for session in StrengthSession.objects.filter(participant=participant)
                    .order_by("performed_at")
                    .prefetch_related("items__exercise")
                ],
                "level_completions": list(
                    participant.completions.order_by("level__number").values(
                        "level__number", "completed_at", "tickets"
                    )
                ),
                "notices": list(
                    Notice.objects.filter(participant=participant)
                    .order_by("created_at")
                    .values("title", "body", "created_at", "read_at")
                ),
                "prizes": list(
                    DrawResult.objects.filter(participant=participant)
                    .order_by("draw__created_at", "rank")
                    .values(
                        "draw__title",
                        "draw__prize__name",
                        "rank",
                        "role",
                        "status",
                        "claim_deadline",
                        "tracking",
                        "claim__size_system",
                        "claim__shoe_size",
                        "claim__full_name",
                        "claim__address_line1",
                        "claim__address_line2",
                        "claim__city",
                        "claim__region",
                        "claim__postal_code",
                        "claim__country",
                        "claim__phone",
                        "claim__submitted_at",
                    )
                ),
            }
        )
    return {
        "exported_at": timezone.now(),
        "account": {
            "email": user.email,
            "name": user.name,
            "date_joined": user.date_joined,
            "email_addresses": list(
                EmailAddress.objects.filter(user=user).values("email", "verified", "primary")
            ),
        },
        "participations": participations,
    }


def account_delete(*, user, now=None):
    """Remove the person; keep the anonymous aggregates.

    The user row stays (other rows point at it) but loses email, name, password and any
    Strava connection; participations lose their names and notes and leave the
    leaderboard; prizes not yet shipped pass to the next alternate and claims lose their
    addresses; the admin log keeps what staff did but no longer names them. Distances,
    completions and draw results remain, attached to no one identifiable. Returns the ids
    of the notices to email after commit (alternates who now win a released prize).
    """
    now = now or timezone.now()
    # A connected Strava account is revoked at Strava and forgotten first (its network call
    # stays outside the transaction): no token outlives the account, no activity arrives for
    # it, as disconnecting does (Strava's API Agreement; the runs stay, anonymous, below).
    strava_services.disconnect(user=user, now=now)
    with transaction.atomic():
        email_addresses = EmailAddress.objects.filter(user=user)
        email_address_ids = list(email_addresses.values_list("pk", flat=True))
        email_addresses.delete()
        user.email = f"deleted-{user.pk}@invalid"
        user.name = ""
        user.is_active = False
        user.is_staff = user.is_superuser = False
        user.set_unusable_password()
        user.save()
        participants = Participant.objects.filter(user=user)
        participants.update(
            display_name="—",
            leaderboard_opt_in=False,
            reminder_emails=False,
            closing_reminder_emails=False,
            updated_at=now,
        )
        participant_ids = list(participants.values_list("pk", flat=True))
        notice_ids = results_release_for_deleted_account(participant_ids=participant_ids, now=now)
        WeeklyTally.objects.filter(participant__in=participants).update(leaderboard_opt_in=False)
        Run.objects.filter(participant__in=participants).update(notes="")
        StrengthSession.objects.filter(participant__in=participants).update(notes="")
        Notice.objects.filter(participant__in=participants).delete()
        _admin_log_scrub(
            {
                get_user_model(): [user.pk],
                Participant: participant_ids,
                EmailAddress: email_address_ids,
            }
        )
        # Routes and raw files say where a person runs (and often where they live).
        RunTrack.objects.filter(run__participant__in=participants).delete()
        uploads = ActivityUpload.objects.filter(participant__in=participants)
        stored = [name for name in uploads.values_list("file", flat=True) if name]
        uploads.delete()
        transaction.on_commit(lambda: _delete_stored_files(stored))
    # Changing the password hash signs the user out of every other session too.
    return notice_ids


def _admin_log_scrub(ids_by_model):
    """The admin log names each object staff changed as it read then: an email, a name."""
    about_the_person = Q(pk__in=[])
    for model, ids in ids_by_model.items():
        about_the_person |= Q(
            content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
            object_id__in=[str(pk) for pk in ids],
        )
    LogEntry.objects.filter(about_the_person).update(object_repr=_("deleted account"))


def _delete_stored_files(names):
    storage = ActivityUpload._meta.get_field("file").storage
    for name in names:
        storage.delete(name)


def staff_account_create(*, email, password):
    """A superuser who can sign in at once: the address counts as verified (sign-in, the
    admin's included, asks for a verified address). Run again, it makes the account staff
    again and sets the new password; returns (user, created)."""
    email = get_user_model().objects.normalize_email(email).lower()
    with transaction.atomic():
        user, created = get_user_model().objects.get_or_create(email=email)
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        EmailAddress.objects.filter(user=user).exclude(email__iexact=email).update(primary=False)
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    return user, created
