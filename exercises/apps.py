from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExercisesConfig(AppConfig):
    name = "exercises"
    verbose_name = _("Foot strength")

    def ready(self):
        from programme.activities import ActivityKind, activity_kind_register, page_part_register

        from .models import StrengthSession
        from .selectors import level_routine_part

        # Sessions count toward a level's session goal, its streak and the staff figures.
        activity_kind_register(
            ActivityKind(
                model=StrengthSession, moment_field="performed_at", tally_field="session_count"
            )
        )
        page_part_register("level", "exercises.routine", level_routine_part)
