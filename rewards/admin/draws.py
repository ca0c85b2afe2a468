"""Draws in the admin: configuration, results and the audit trail."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import LabelledTabularInline

from .. import beacons, selectors, services
from ..models import Draw, DrawEvent, DrawResult, DrawState, ResultStatus
from .config import CONFIG_FIELDS
from .steps import DrawSteps

FIXED_BUTTONS = {
    "show_save": False,
    "show_save_and_continue": False,
    "show_save_and_add_another": False,
}


class DrawAdminForm(forms.ModelForm):
    class Meta:
        model = Draw
        fields = CONFIG_FIELDS
        # A searchable two-box picker with "Choose all", instead of a 250-line list.
        widgets = {
            "eligible_countries": FilteredSelectMultiple(
                gettext_lazy("eligible countries"), is_stacked=False
            )
        }

    def clean(self):
        data = super().clean()
        candidate = Draw(pk=self.instance.pk, **{k: v for k, v in data.items() if k != "slug"})
        for field, message in services.draw_configuration_problems(candidate):
            self.add_error(field if field in self.fields else None, message)
        return data


class DrawResultInline(LabelledTabularInline):
    model = DrawResult
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["rank", "entrant", "role", "who", "status", "claim_deadline", "notes", "actions"]
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("Winners and alternates")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("participant", "replaces", "draw")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("participant"))
    def who(self, result):
        return result.participant.display_name if result.participant else "—"

    @admin.display(description=gettext_lazy("notes"))
    def notes(self, result):
        parts = []
        if result.replaces:
            parts.append(_("took the prize of rank %(rank)s") % {"rank": result.replaces.rank})
        if result.reason:
            parts.append(result.reason)
        if result.tracking:
            parts.append(_("tracking: %(tracking)s") % {"tracking": result.tracking})
        return "; ".join(parts)

    @admin.display(description=gettext_lazy("actions"))
    def actions(self, result):
        links = []
        if result.is_open:
            links.append(
                (reverse("admin:rewards_result_disqualify", args=[result.pk]), _("Disqualify"))
            )
        if result.status == ResultStatus.CLAIMED:
            links.append(
                (reverse("admin:rewards_result_ship", args=[result.pk]), _("Mark shipped"))
            )
        return format_html_join(" · ", '<a href="{}">{}</a>', links)


class DrawEventInline(LabelledTabularInline):
    model = DrawEvent
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["at", "action", "actor", "rank", "note"]
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("Audit trail")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "result")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("rank"))
    def rank(self, event):
        return event.result.rank if event.result else ""


@admin.register(Draw)
class DrawAdmin(DrawSteps, admin.ModelAdmin):
    form = DrawAdminForm
    change_form_template = "admin/rewards/draw/change_form.html"
    list_display = ["title", "slug", "prize", "state", "winners", "alternates", "drawn_at"]
    list_filter = ["state", "programme"]
    search_fields = ["title", "slug"]
    list_select_related = ["prize"]
    inlines = [DrawResultInline, DrawEventInline]
    STATUS_FIELDS = [
        "state",
        "public_page",
        "commitment",
        "beacon_summary",
        "entries",
        "public_entropy",
        "seed_hex",
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(None, {"fields": CONFIG_FIELDS})]
        if obj is not None:
            fieldsets.append((_("Publication"), {"fields": self.STATUS_FIELDS}))
            fieldsets.append((_("Prizes"), {"fields": ["prize_counts"]}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        status = [*self.STATUS_FIELDS, "prize_counts"]
        if obj is not None and obj.state != DrawState.DRAFT:
            return CONFIG_FIELDS + status  # fixed once the commitment is published
        return status

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ["title"]} if obj is None or obj.state == DrawState.DRAFT else {}

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Once scheduled every setting is fixed: the page is a record, with nothing to save.
        draw = self.get_object(request, object_id) if object_id else None
        fixed = draw is not None and draw.state != DrawState.DRAFT
        extra_context = {
            **(FIXED_BUTTONS if fixed else {}),
            **(extra_context or {}),
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def has_delete_permission(self, request, obj=None):
        # A published commitment must not vanish.
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.state == DrawState.DRAFT
        )

    @admin.display(description=gettext_lazy("public page"))
    def public_page(self, draw):
        if draw.state == DrawState.DRAFT:
            return _("Published when the draw is scheduled.")
        url = reverse("rewards:draw", args=[draw.slug])
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.display(description=gettext_lazy("beacon"))
    def beacon_summary(self, draw):
        if not draw.beacon:
            return _("Committed when the draw is scheduled.")
        url = beacons.round_url(draw.beacon)
        return format_html(
            '{} · {} <a href="{}">{}</a>',
            draw.beacon,
            _("round published %(when)s")
            % {"when": date_format(timezone.localtime(draw.beacon_round_at), "j M Y, H:i:s T")},
            url,
            url,
        )

    def _summary(self, draw):
        """Counts for the change page, read once per page (two fields show them)."""
        if not hasattr(draw, "_rewards_summary"):
            draw._rewards_summary = selectors.draw_summary(draw)
        return draw._rewards_summary

    @admin.display(description=gettext_lazy("entries"))
    def entries(self, draw):
        summary = self._summary(draw)
        if summary["entrants"] is None:
            return _("Taken when entries close.")
        return _("%(entrants)s entrants, %(tickets)s tickets; digest %(digest)s") % summary

    @admin.display(description=gettext_lazy("seed"))
    def seed_hex(self, draw):
        if not draw.seed_is_public:
            return _("Secret until the draw has run.")
        return bytes(draw.seed).hex()

    @admin.display(description=gettext_lazy("counts"))
    def prize_counts(self, draw):
        summary = self._summary(draw)
        if summary["unawarded"] is None:
            return _("%(winners)s winners and %(alternates)s alternates will be drawn.") % {
                "winners": draw.winners,
                "alternates": draw.alternates,
            }
        return (
            _(
                "Awaiting claim: %(notified)s · claimed: %(claimed)s (shipped: %(shipped)s) · "
                "alternates not needed: %(waiting)s · unawarded: %(unawarded)s"
            )
            % summary
        )
