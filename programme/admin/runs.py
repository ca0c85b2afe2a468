"""Staff pages: runs and their review, through ``services.run_review`` so tallies,
completions and tickets stay right."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.units import format_duration, format_pace
from notifications.models import Notice
from notifications.tasks import notice_emails_queue

from .. import services
from ..errors import ProgrammeError
from ..models import (
    ReviewStatus,
    Run,
)
from .access import CHANGE_FORM_PREFIX

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
        "why",
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

    @admin.display(description=_("why held or rejected"))
    def why(self, run):
        # A held run's reason is the check that held it; a rejected run's, the reviewer's.
        return run.review_reason or "–"

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
        reviewed = []
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
            reviewed.append(services.run_review_notice_key(run))
        notice_emails_queue(
            Notice.objects.to_email().filter(key__in=reviewed).values_list("pk", flat=True)
        )
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
