from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StravaConfig(AppConfig):
    name = "strava"
    verbose_name = _("Strava")

    def ready(self):
        from . import signals  # noqa: F401 - connects the account-added receiver
