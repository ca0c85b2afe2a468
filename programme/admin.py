"""Staff pages: the programme and its levels, participants, run review, participation figures.

Nothing here changes activity or its maintained numbers directly: reviews go through
``services.run_review`` and participants' own settings through ``services.participant_update``,
so tallies, completions and tickets stay right.
"""

from math import ceil

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from core.units import format_distance, format_duration, format_pace
from exercises.admin import RoutineItemInline

from . import selectors, services
from .errors import ProgrammeError
from .models import (
    ActivityUpload,
    Level,
    LevelCompletion,
    Participant,
    Programme,
    ReviewStatus,
    Run,
)

FIGURES_PERMISSION = "programme.view_participant"
CHANGE_FORM_PREFIX = admin.ActionLocation.CHANGE_FORM.value


def can_see_figures(user):
    return user.is_active and user.is_staff and user.has_perm(FIGURES_PERMISSION)


# Programme and levels --------------------------------------------------------------


class LevelInlineForm(forms.ModelForm):
    # Model and fields come from the inline (admin's modelform_factory).
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Empty means "the default": filled in by ProgrammeAdmin.save_formset.
        self.fields["unlocks_at"].required = False


class LevelInline(admin.TabularInline):
    model = Level
    form = LevelInlineForm
    extra = 0
    fields = [
        "number",
        "title",
        "focus",
        "unlocks_at",
        "unlocks_local",
        "goal_runs",
        "goal_distance_m",
        "goal_sessions",
        "tickets",
        "announced_at",
    ]
    readonly_fields = ["unlocks_local", "announced_at"]
    ordering = ["number"]
    show_change_link = True  # the level page edits the description and the week's routine

    @admin.display(description=_("unlocks (programme time)"))
    def unlocks_local(self, level):
        if level.pk is None or level.unlocks_at is None:
            return gettext("Empty unlock moment: week start at the unlock time.")
        local = level.unlocks_at.astimezone(level.programme.tz)
        return f"{date_format(local, 'D j M Y, H:i')} ({level.programme.time_zone})"


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["programme", "number", "title", "unlocks_at", "announced_at"]
    list_filter = ["programme"]
    list_select_related = ["programme"]
    inlines = [RoutineItemInline]


class ProgrammeAdminForm(forms.ModelForm):
    create_levels = forms.BooleanField(
        label=_("Create the missing levels"),
        required=False,
        help_text=_(
            "Adds a level for every week that has none yet, unlocking at the start of its "
            "week at the unlock time in the programme's time zone. Levels entered below are kept."
        ),
    )


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    form = ProgrammeAdminForm
    list_display = [
        "name",
        "slug",
        "starts_on",
        "time_zone",
        "weeks",
        "is_active",
        "participant_count",
    ]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [LevelInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "is_active", "create_levels"]}),
        (
            _("Dates"),
            {"fields": ["starts_on", "time_zone", "unlock_time", "weeks", "logging_close_days"]},
        ),
        (_("Texts"), {"fields": ["tagline", "description", "rules"]}),
        (_("Branding"), {"fields": ["primary_colour", "accent_colour", "logo_url"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(participant_count=Count("participants"))

    @admin.display(description=_("participants"), ordering="participant_count")
    def participant_count(self, programme):
        return programme.participant_count

    def get_changeform_initial_data(self, request):
        return {"create_levels": True, **super().get_changeform_initial_data(request)}

    def save_formset(self, request, form, formset, change):
        if formset.model is not Level:
            return super().save_formset(request, form, formset, change)
        levels = formset.save(commit=False)
        for level in levels:
            if level.unlocks_at is None:
                level.unlocks_at = form.instance.week_start(level.number)
            level.save()
        for level in formset.deleted_objects:
            level.delete()
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.cleaned_data.get("create_levels"):
            programme = form.instance
            existing = set(programme.levels.values_list("number", flat=True))
            missing = sorted(set(range(1, programme.weeks + 1)) - existing)
            services.programme_levels_ensure(
                programme=programme,
                levels={
                    number: {"title": gettext("Level %(number)s") % {"number": number}}
                    for number in missing
                },
            )
            if missing:
                self.message_user(
                    request,
                    ngettext(
                        "Created %(count)d level with its default unlock moment.",
                        "Created %(count)d levels with their default unlock moments.",
                        len(missing),
                    )
                    % {"count": len(missing)},
                    messages.SUCCESS,
                )

    # The figures page -----------------------------------------------------------

    def get_urls(self):
        # Before the default patterns: "<path:object_id>/" would otherwise take "figures/".
        return [
            path(
                "figures/",
                self.admin_site.admin_view(self.figures_view),
                name="programme_figures",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {"can_see_figures": can_see_figures(request.user), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {"can_see_figures": can_see_figures(request.user), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    def figures_view(self, request):
        if not can_see_figures(request.user):
            raise PermissionDenied
        programmes = list(Programme.objects.order_by("-is_active", "-starts_on", "pk"))
        chosen = request.GET.get("programme", "")
        programme = next((p for p in programmes if str(p.pk) == chosen), None)
        if programme is None:
            programme = next((p for p in programmes if p.is_active), None) or (
                programmes[0] if programmes else None
            )
        figures = selectors.figures_for(programme, timezone.now()) if programme else None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Participation figures"),
            "opts": self.opts,
            "programmes": programmes,
            "programme": programme,
            "figures": figures,
            "charts": _figures_charts(figures) if figures else None,
        }
        return TemplateResponse(request, "admin/programme/figures.html", context)


def _figures_charts(figures):
    weeks = figures.weeks
    return {
        "signups": column_chart(
            [(date_format(day, "j M"), count, str(count)) for day, count in figures.signups_per_day]
        ),
        "active": column_chart(
            [
                (
                    gettext("W%(number)s") % {"number": week.number},
                    week.active,
                    str(week.active),
                    week.is_current,
                )
                for week in weeks
            ]
        ),
        "funnel": column_chart(
            [(gettext("Joined"), figures.participant_count, str(figures.participant_count))]
            + [
                (
                    gettext("W%(number)s") % {"number": week.number},
                    week.completed,
                    str(week.completed),
                )
                for week in weeks
            ]
        ),
        "distance": column_chart(
            [
                (
                    gettext("W%(number)s") % {"number": week.number},
                    week.distance_m,
                    format_distance(week.distance_m, "km", 0),
                )
                for week in weeks
            ]
        ),
    }


def column_chart(rows, *, width=640, height=200, max_labels=14):
    """Geometry of a column chart for templates/admin/programme/includes/column_chart.html.

    ``rows`` are (label, value, value text[, highlighted]); every number the SVG needs is
    computed here, so the template only places elements (no inline styles under the CSP).
    """
    top = max([row[1] for row in rows] + [1])
    count = max(len(rows), 1)
    plot_top, baseline = 18, height - 22
    slot = width / count
    label_every = ceil(count / max_labels)
    bars = []
    for index, row in enumerate(rows):
        label, value, text = row[:3]
        bar_height = round((baseline - plot_top) * value / top, 1)
        bars.append(
            {
                "label": label,
                "value": value,
                "text": text,
                "highlighted": len(row) > 3 and row[3],
                "x": round(index * slot + slot * 0.15, 1),
                "width": round(max(slot * 0.7, 1), 1),
                "y": round(baseline - bar_height, 1),
                "text_y": round(baseline - bar_height - 4, 1),
                "height": bar_height,
                "centre": round(index * slot + slot / 2, 1),
                "show_label": index % label_every == 0,
                "show_text": count <= max_labels,
            }
        )
    return {
        "width": width,
        "height": height,
        "baseline": baseline,
        "label_y": height - 6,
        "bars": bars,
    }


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


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ActivityUpload)
class ActivityUploadAdmin(admin.ModelAdmin):
    """Read-only: what was uploaded and what became of it (the raw file is not offered)."""

    list_display = ["original_name", "participant", "state", "size_bytes", "created_at"]
    list_filter = ["state"]
    list_select_related = ["participant"]
    search_fields = ["original_name", "sha256", "participant__display_name"]
    exclude = ["file"]
    readonly_fields = [
        "participant",
        "original_name",
        "size_bytes",
        "sha256",
        "batch",
        "state",
        "message",
        "attempts",
        "file_deleted_at",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request):
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
            {"fields": ["time_zone", "units", "leaderboard_opt_in", "reminder_emails"]},
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
            if name in services.PARTICIPANT_SETTINGS
        }
        if settings:
            services.participant_update(participant=obj, **settings)
        others = [name for name in form.changed_data if name not in settings]
        if others:
            obj.save(update_fields=[*others, "updated_at"])


# Runs and their review ---------------------------------------------------------------


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("The participant sees this on the run's page."),
    )


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = [
        "participant",
        "started_at",
        "distance_km",
        "duration",
        "pace",
        "status",
        "source",
        "level_number",
    ]
    list_select_related = ["participant", "level"]
    list_filter = ["status", "source", "level__programme", "level__number"]
    search_fields = ["participant__display_name", "participant__user__email"]
    date_hierarchy = "started_at"
    actions = ["approve_runs", "reject_runs"]
    readonly_fields = [
        "participant",
        "level",
        "started_at",
        "distance_km",
        "duration",
        "pace",
        "source",
        "effort",
        "elevation_gain_m",
        "notes",
        "status",
        "review_reason",
        "reviewed_by",
        "reviewed_at",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "participant",
                    "level",
                    "started_at",
                    "distance_km",
                    "duration",
                    "pace",
                    "source",
                    "effort",
                    "elevation_gain_m",
                    "notes",
                ]
            },
        ),
        (
            _("Review"),
            {"fields": ["status", "review_reason", "reviewed_by", "reviewed_at"]},
        ),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description=_("distance (km)"), ordering="distance_m")
    def distance_km(self, run):
        return f"{run.distance_m / 1000:.2f}"

    @admin.display(description=_("duration"), ordering="duration_s")
    def duration(self, run):
        return format_duration(run.duration_s)

    @admin.display(description=_("pace"))
    def pace(self, run):
        return format_pace(run.duration_s, run.distance_m)

    @admin.display(description=_("week"), ordering="level__number")
    def level_number(self, run):
        return run.level.number if run.level else "–"

    # A run is the participant's record; staff review it, nothing else. Its numbers are
    # edited only through the participant's pages, where the rules re-check its week.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        pass  # every field is read-only; reviews go through run_review

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            **(extra_context or {}),
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    # Review: on the list for many runs, on a run's own page for one -------------------

    @admin.action(
        description=_("Approve (count)"),
        permissions=["change"],
        location=[admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM],
    )
    def approve_runs(self, request, queryset):
        self._review(request, queryset, approve=True)

    @admin.action(
        description=_("Reject…"),
        permissions=["change"],
        location=[admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM],
    )
    def reject_runs(self, request, queryset):
        """Ask for the reason on a page of its own, then reject; its form posts back here."""
        if "apply" in request.POST:
            form = RejectForm(request.POST)
            if form.is_valid():
                self._review(request, queryset, approve=False, reason=form.cleaned_data["reason"])
                return None  # the admin goes back to where the action was chosen
        else:
            form = RejectForm()
        from_change_form = f"{CHANGE_FORM_PREFIX}-action" in request.POST
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reject runs"),
            "opts": self.opts,
            "runs": list(queryset.select_related("participant__user", "level")),
            "form": form,
            "action_field": f"{CHANGE_FORM_PREFIX}-action" if from_change_form else "action",
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "cancel_url": request.get_full_path(),
        }
        return TemplateResponse(request, "admin/programme/run/reject_confirmation.html", context)

    def _review(self, request, queryset, *, approve, reason=""):
        """Review each run through the service; say how many changed and what was refused."""
        target = ReviewStatus.COUNTED if approve else ReviewStatus.REJECTED
        changed = unchanged = 0
        for run in queryset.select_related("participant").order_by("pk"):
            if run.status == target:
                unchanged += 1
                continue
            try:
                services.run_review(run=run, approve=approve, reviewer=request.user, reason=reason)
            except ProgrammeError as error:
                self.message_user(
                    request,
                    gettext("%(run)s was not changed: %(reason)s")
                    % {"run": run, "reason": error.message},
                    messages.ERROR,
                )
                continue
            changed += 1
        if changed:
            if approve:
                text = ngettext(
                    "%(count)d run approved: it counts, and its week was checked again.",
                    "%(count)d runs approved: they count, and their weeks were checked again.",
                    changed,
                )
            else:
                text = ngettext(
                    "%(count)d run rejected: it no longer counts, and its week was checked again.",
                    "%(count)d runs rejected: they no longer count, and their weeks were checked "
                    "again.",
                    changed,
                )
            self.message_user(request, text % {"count": changed}, messages.SUCCESS)
        if unchanged:
            self.message_user(
                request,
                ngettext(
                    "%(count)d run already had that status and was left as it was.",
                    "%(count)d runs already had that status and were left as they were.",
                    unchanged,
                )
                % {"count": unchanged},
                messages.WARNING,
            )
