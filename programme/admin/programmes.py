"""Staff pages: the programme, its levels (through the one service that saves them) and the
participation figures."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin import LabelledTabularInline

from .. import selectors, services
from ..charts import figures_charts
from ..figures import figures_for
from ..models import (
    Level,
    Programme,
)
from .access import can_see_figures

# Programme and levels --------------------------------------------------------------


class LevelInlineForm(forms.ModelForm):
    # Model and fields come from the inline (admin's modelform_factory).
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Empty means "the default": filled in by ProgrammeAdmin.save_formset.
        self.fields["unlocks_at"].required = False


class LevelInline(LabelledTabularInline):
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


def span_text(span):
    """A stretch of time in days, hours and minutes ("7 days, 1 hour"); never negative."""
    minutes = max(int(span.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [
        ngettext("%(n)d day", "%(n)d days", days) % {"n": days} if days else "",
        ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours} if hours else "",
        ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes} if minutes else "",
    ]
    return ", ".join(part for part in parts if part) or gettext("no time")


def unlocks_earlier_warn(model_admin, request, level, *, was):
    """Moving an unlock earlier ends the week before sooner: say so, and by how much."""
    shortened = selectors.week_before_shortened(level, was=was)
    if shortened is None:
        return
    values = {
        "number": level.number,
        "previous": shortened["previous"].number,
        "by": span_text(shortened["shortened_by"]),
        "lasts": span_text(shortened["lasts"]),
    }
    if shortened["lasts"].total_seconds() <= 0:
        text = gettext(
            "Week %(number)s now unlocks %(by)s earlier, before week %(previous)s does: "
            "week %(previous)s has no days of its own left. Check both unlock moments."
        )
    else:
        text = gettext(
            "Week %(number)s now unlocks %(by)s earlier, so week %(previous)s is %(by)s "
            "shorter: it now lasts %(lasts)s."
        )
    model_admin.message_user(request, text % values, messages.WARNING)


def unlocks_before(levels):
    """The stored unlock moments of ``levels`` (by pk), read before they are saved."""
    pks = [level.pk for level in levels if level.pk is not None]
    return dict(Level.objects.filter(pk__in=pks).values_list("pk", "unlocks_at"))


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["programme", "number", "title", "unlocks_at", "announced_at"]
    list_filter = ["programme"]
    list_select_related = ["programme"]
    inlines = []  # exercises adds the week's routine

    def save_model(self, request, obj, form, change):
        was = unlocks_before([obj]).get(obj.pk)
        services.level_save(level=obj)
        unlocks_earlier_warn(self, request, obj, was=was)


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
        (
            _("What counts as a run"),
            {"fields": ["run_min_distance_m", "run_min_duration_s", "walks_count"]},
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
        was = unlocks_before(levels)
        for level in levels:
            services.level_save(level=level)
        for level in formset.deleted_objects:
            level.delete()
        formset.save_m2m()
        for level in levels:  # after all are saved: the week before as it now stands
            unlocks_earlier_warn(self, request, level, was=was.get(level.pk))

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
        figures = figures_for(programme, timezone.now()) if programme else None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Participation figures"),
            "opts": self.opts,
            "programmes": programmes,
            "programme": programme,
            "figures": figures,
            "charts": figures_charts(figures) if figures else None,
        }
        return TemplateResponse(request, "admin/programme/figures.html", context)
