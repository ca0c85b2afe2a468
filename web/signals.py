"""Which changes make the cached public pages stale (core/public_pages.py)."""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

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
