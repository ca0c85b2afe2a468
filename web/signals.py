"""Which changes make cached pages stale: the public pages (core/public_pages.py) and a
participant's own pages (core/personal_pages.py)."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import m2m_changed, post_delete, post_save

from core.personal_pages import personal_pages_changed, session_forget
from core.public_pages import public_pages_changed

# Everything the landing, rules, exercise catalogue and public draw pages show.
PUBLIC_MODELS = [
    "programme.Programme",
    "programme.Level",
    "exercises.Exercise",
    "exercises.Equipment",
    "rewards.Prize",
    "rewards.Draw",
    "rewards.DrawSnapshot",
    "rewards.DrawResult",
]


def public_pages_watch():
    for label in PUBLIC_MODELS:
        model = apps.get_model(label)
        for signal in (post_save, post_delete):
            signal.connect(public_pages_changed, sender=model, dispatch_uid=f"public-{label}")
    through = apps.get_model("exercises.Exercise").equipment.through
    m2m_changed.connect(public_pages_changed, sender=through, dispatch_uid="public-equipment")


# What a participant's own pages show, by how a row names its owner. (Weekly tallies and
# the participant's totals change by set-based statements that send no signal: the progress
# service renews the version itself.)
PARTICIPANT_MODELS = [
    "programme.Run",
    "programme.LevelCompletion",
    "notifications.Notice",
    "exercises.StrengthSession",
    "imports.ActivityUpload",
    "rewards.DrawResult",
]
USER_MODELS = ["strava.StravaLink", "strava.StravaActivity"]


def _participant_row_changed(instance, **_ignored):
    personal_pages_changed(participant_id=instance.participant_id)


def _participant_changed(instance, **_ignored):
    personal_pages_changed(user_id=instance.user_id, participant_id=instance.pk)


def _user_row_changed(instance, **_ignored):
    personal_pages_changed(user_id=instance.user_id)


def _user_changed(instance, **_ignored):
    # A new password or a deactivation renders every session's pages anew, where Django's
    # own session checks sign the old sessions out.
    personal_pages_changed(user_id=instance.pk)


def _signed_out(request, **_ignored):
    if request is not None:
        session_forget(request)


def personal_pages_watch():
    watched = [(label, _participant_row_changed) for label in PARTICIPANT_MODELS]
    watched += [(label, _user_row_changed) for label in USER_MODELS]
    watched.append(("programme.Participant", _participant_changed))
    for label, receiver in watched:
        model = apps.get_model(label)
        for signal in (post_save, post_delete):
            signal.connect(receiver, sender=model, dispatch_uid=f"personal-{label}")
    for signal in (post_save, post_delete):
        signal.connect(_user_changed, sender=get_user_model(), dispatch_uid="personal-user")
    user_logged_out.connect(_signed_out, dispatch_uid="personal-signed-out")
