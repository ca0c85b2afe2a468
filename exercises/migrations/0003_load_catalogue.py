"""Loads the foot-strength catalogue (exercises.catalogue): equipment, exercises, progressions.

Uses the historical models; the loader only creates what is missing, so staff edits made
before this runs are kept. Reversing removes the catalogue rows nothing uses yet.
"""

from django.db import migrations

from exercises.loading import catalogue_ensure, catalogue_remove_unused


def load(apps, schema_editor):
    catalogue_ensure(
        equipment_model=apps.get_model("exercises", "Equipment"),
        exercise_model=apps.get_model("exercises", "Exercise"),
    )


def unload(apps, schema_editor):
    catalogue_remove_unused(
        equipment_model=apps.get_model("exercises", "Equipment"),
        exercise_model=apps.get_model("exercises", "Exercise"),
        session_exercise_model=apps.get_model("exercises", "SessionExercise"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0002_session_exercise_position_and_bounds"),
    ]

    operations = [migrations.RunPython(load, unload)]
