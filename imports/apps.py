from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Activity files")

    def ready(self):
        from programme.activities import page_part_register, run_hold_check_register

        from .selectors import run_track_part
        from .services import run_track_hold_reason

        run_hold_check_register("imports.track", run_track_hold_reason)
        page_part_register("run", "imports.track", run_track_part)
