"""Staff pages: participants, their completions and runs; settings change only through
``services.participant_update``."""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from core.admin import LabelledTabularInline
from core.units import format_distance

from .. import services
from ..models import (
    Level,
    LevelCompletion,
    Participant,
    ReviewStatus,
    Run,
)
from ..services.participants import PARTICIPANT_SETTINGS
from .access import can_see_figures

# Participants ----------------------------------------------------------------------


class LevelReachedFilter(admin.SimpleListFilter):
    """The highest level number a participant has completed (0: none yet)."""

    title = _("level reached")
    parameter_name = "reached"

    def lookups(self, request, model_admin):
        numbers = Level.objects.order_by("number").values_list("number", flat=True).distinct()
        return [("0", _("None yet"))] + [
            (str(number), gettext("Week %(number)s") % {"number": number}) for number in numbers
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None or not value.isdigit():
            return queryset
        number = int(value)
        completions = LevelCompletion.objects.filter(participant=OuterRef("pk"))
        higher = Exists(completions.filter(level__number__gt=number))
        if number == 0:
            return queryset.filter(~higher)
        return queryset.filter(Exists(completions.filter(level__number=number)), ~higher)


class ReviewStateFilter(admin.SimpleListFilter):
    title = _("review state")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            (ReviewStatus.HELD, _("Has runs held for review")),
            (ReviewStatus.REJECTED, _("Has rejected runs")),
        ]

    def queryset(self, request, queryset):
        if self.value() not in (ReviewStatus.HELD, ReviewStatus.REJECTED):
            return queryset
        runs = Run.objects.filter(participant=OuterRef("pk"), status=self.value())
        return queryset.filter(Exists(runs))


class ReadOnlyInline(LabelledTabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CompletionInline(ReadOnlyInline):
    model = LevelCompletion
    fields = ["level", "completed_at", "tickets"]
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("level")


class RunInline(ReadOnlyInline):
    model = Run
    fields = ["started_at", "distance_m", "duration_s", "source", "status", "review_reason"]
    ordering = ["-started_at"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = [
        "display_name",
        "email",
        "programme",
        "country",
        "tickets",
        "total_distance",
        "created_at",
    ]
    list_select_related = ["user", "programme"]
    list_filter = [
        "programme",
        ("country", CountryFilter),
        LevelReachedFilter,
        ReviewStateFilter,
    ]
    search_fields = ["user__email", "display_name"]
    date_hierarchy = "created_at"
    fieldsets = [
        (None, {"fields": ["user", "programme", "display_name", "country", "draw_id"]}),
        (
            _("Settings"),
            {
                "fields": [
                    "time_zone",
                    "units",
                    "leaderboard_opt_in",
                    "reminder_emails",
                    "closing_reminder_emails",
                ]
            },
        ),
        (
            _("Eligibility"),
            {"fields": ["confirmed_age_at", "confirmed_residence_at", "consented_rules_at"]},
        ),
        (
            _("Maintained by the programme"),
            {"fields": ["total_distance_m", "tickets", "created_at", "updated_at"]},
        ),
    ]
    # Who joined, when they consented and what the rules maintain is a record, not a setting.
    readonly_fields = [
        "user",
        "programme",
        "draw_id",
        "confirmed_age_at",
        "confirmed_residence_at",
        "consented_rules_at",
        "total_distance_m",
        "tickets",
        "created_at",
        "updated_at",
    ]
    inlines = [CompletionInline, RunInline]

    @admin.display(description=_("email"), ordering="user__email")
    def email(self, participant):
        return participant.user.email

    @admin.display(description=_("total distance"), ordering="total_distance_m")
    def total_distance(self, participant):
        return format_distance(participant.total_distance_m)

    def has_add_permission(self, request):
        return False  # people join through the join page, which records their consent

    def changelist_view(self, request, extra_context=None):
        extra_context = {"can_see_figures": can_see_figures(request.user), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        """Settings go through the service, which keeps the leaderboard tallies in step."""
        settings = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in PARTICIPANT_SETTINGS
        }
        if settings:
            services.participant_update(participant=obj, **settings)
        others = [name for name in form.changed_data if name not in settings]
        if others:
            obj.save(update_fields=[*others, "updated_at"])
