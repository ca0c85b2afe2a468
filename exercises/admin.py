from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin import LabelledTabularInline
from programme.admin import LevelAdmin
from programme.errors import ProgrammeError

from . import selectors, services
from .models import Equipment, Exercise, RoutineItem, SessionExercise, StrengthSession


class RoutineItemInline(LabelledTabularInline):
    """The week's routine, edited on the level's admin page (programme.admin.LevelAdmin)."""

    model = RoutineItem
    extra = 0
    fields = ["position", "exercise", "sets", "reps", "hold_s", "rest_s"]
    autocomplete_fields = ["exercise"]
    ordering = ["position"]


# Programme's level page shows the week's routine without programme knowing of exercises.
LevelAdmin.inlines = [*LevelAdmin.inlines, RoutineItemInline]


class ExerciseAdminForm(forms.ModelForm):
    class Meta:
        model = Exercise
        fields = [
            "name",
            "slug",
            "family",
            "summary",
            "cues",
            "benefits",
            "cautions",
            "equipment",
            "sets",
            "reps",
            "hold_s",
            "per_foot",
            "rest_s",
            "illustration_alt",
            "progresses_to",
        ]

    def clean_progresses_to(self):
        progresses_to = self.cleaned_data.get("progresses_to")
        try:
            services.progression_check(exercise=self.instance, progresses_to=progresses_to)
        except ProgrammeError as error:
            raise forms.ValidationError(error.message) from None
        return progresses_to


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    form = ExerciseAdminForm
    list_display = ["name", "family", "amount_label", "per_foot", "easier", "progresses_to"]
    list_filter = ["family", "equipment"]
    list_select_related = ["progresses_to", "progresses_from"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["equipment"]
    readonly_fields = ["progression_chain", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "family", "summary"]}),
        (
            _("How to do it"),
            {"fields": ["cues", "benefits", "cautions", "equipment", "illustration_alt"]},
        ),
        (
            _("Default prescription"),
            {
                "fields": ["sets", "reps", "hold_s", "per_foot", "rest_s"],
                "description": _("Sets × reps, or sets × seconds held: fill in one of the two."),
            },
        ),
        (
            _("Progressions"),
            {
                "fields": ["progresses_to", "progression_chain"],
                "description": _(
                    "The next, harder variant. Each exercise has at most one easier and one "
                    "harder variant; chains may not loop."
                ),
            },
        ),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description=_("easier variant"), ordering="progresses_from__name")
    def easier(self, exercise):
        return getattr(exercise, "progresses_from", None) or "—"

    @admin.display(description=_("prescription"))
    def amount_label(self, exercise):
        return exercise.amount_label

    @admin.display(description=_("whole chain, easier to harder"))
    def progression_chain(self, exercise):
        if exercise.pk is None:
            return "—"
        chain = selectors.progression_chain(exercise)
        if len(chain) == 1:
            return _("No progressions yet.")
        return format_html_join(
            " → ",
            "{}",
            (
                (format_html("<strong>{}</strong>", step.name) if step.pk == exercise.pk else step,)
                for step in chain
            ),
        )


@admin.register(Equipment)
class EquipmentAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class SessionExerciseInline(LabelledTabularInline):
    model = SessionExercise
    extra = 0
    fields = ["position", "exercise", "sets", "reps", "hold_s"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StrengthSession)
class StrengthSessionAdmin(admin.ModelAdmin):
    """Read only: a session changes only through exercises.services, which re-checks the level."""

    list_display = ["performed_at", "participant", "level", "from_routine", "difficulty"]
    list_filter = ["level__programme", "level__number", "from_routine"]
    list_select_related = ["participant", "level"]
    search_fields = ["participant__display_name", "participant__user__email"]
    date_hierarchy = "performed_at"
    inlines = [SessionExerciseInline]
    readonly_fields = [
        "participant",
        "level",
        "performed_at",
        "from_routine",
        "difficulty",
        "notes",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
