from django.contrib import admin

from .models import Exercise, RoutineItem


class RoutineItemInline(admin.TabularInline):
    """The week's routine, edited on the level's admin page (programme.admin.LevelAdmin)."""

    model = RoutineItem
    extra = 0
    fields = ["position", "exercise", "sets", "reps", "hold_s", "rest_s"]
    autocomplete_fields = ["exercise"]
    ordering = ["position"]


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["name", "family", "sets", "reps", "hold_s", "progresses_to"]
    list_filter = ["family", "equipment"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
