"""The draw's steps in the admin: each behind a confirmation page, each through a service."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from notifications.tasks import notice_emails_queue

from .. import beacons, drand, selectors, services, tasks
from ..errors import RewardsError
from ..forms import DisqualifyForm, RunDrawForm, ScheduleDrawForm, ShipForm
from ..models import Draw, DrawResult
from .config import SHIPPING_PERMISSION
from .preview import entries_preview


class DrawSteps:
    """Mixed into ``DrawAdmin``: its extra URLs and the pages behind them."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/schedule/", wrap(self.schedule_view), name="rewards_draw_schedule"),
            path("<int:pk>/close/", wrap(self.close_view), name="rewards_draw_close"),
            path("<int:pk>/run/", wrap(self.run_view), name="rewards_draw_run"),
            path("<int:pk>/run-again/", wrap(self.run_again_view), name="rewards_draw_run_again"),
            path("<int:pk>/run-state/", wrap(self.run_state_view), name="rewards_draw_run_state"),
            path(
                "<int:pk>/fulfilment.csv",
                wrap(self.fulfilment_view),
                name="rewards_draw_fulfilment",
            ),
            path(
                "results/<int:pk>/disqualify/",
                wrap(self.disqualify_view),
                name="rewards_result_disqualify",
            ),
            path("results/<int:pk>/ship/", wrap(self.ship_view), name="rewards_result_ship"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None:
            context["can_export"] = request.user.has_perm(SHIPPING_PERMISSION)
            context["can_act"] = self.has_change_permission(request, obj)
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def _draw(self, request, pk):
        draw = get_object_or_404(Draw.objects.select_related("prize", "programme"), pk=pk)
        if not self.has_change_permission(request, draw):
            raise PermissionDenied
        return draw

    def _change_url(self, draw):
        return reverse("admin:rewards_draw_change", args=[draw.pk])

    def _confirm(
        self, request, draw, *, title, explanation, button, form=None, danger=False, warnings=()
    ):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "draw": draw,
            "title": title,
            "explanation": explanation,
            "button": button,
            "form": form,
            "danger": danger,
            "warnings": warnings,
            "change_url": self._change_url(draw),
        }
        return TemplateResponse(request, "admin/rewards/draw/confirm.html", context)

    def _step(self, request, draw, service, success):
        try:
            service(draw=draw, actor=request.user)
        except RewardsError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, success)
        return redirect(self._change_url(draw))

    def schedule_view(self, request, pk):
        draw = self._draw(request, pk)
        form = ScheduleDrawForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.draw_schedule(draw=draw, actor=request.user, **form.cleaned_data)
            except RewardsError as error:
                if error.field not in form.fields:  # e.g. already scheduled
                    messages.error(request, error.message)
                    return redirect(self._change_url(draw))
                error.add_to(form)
            else:
                messages.success(
                    request,
                    _(
                        "Scheduled: the commitment and the beacon are published on the draw's "
                        "public page."
                    ),
                )
                return redirect(self._change_url(draw))
        preview, warnings = entries_preview(draw, closing=False)
        return self._confirm(
            request,
            draw,
            title=_("Schedule “%(title)s”?") % {"title": draw.title},
            explanation=[
                _(
                    "A secret random seed is made now and its SHA-256 (the commitment) is "
                    "published. Nobody can see the seed until the draw has run."
                ),
                _(
                    "The draw also commits to a drand beacon round after the moment below: "
                    "that round's randomness will be the public entropy, so nobody chooses it. "
                    "Entries must close before the round is published, and the draw runs after."
                ),
                _(
                    "After this the draw's settings (prize, winners, alternates, eligibility) "
                    "are fixed."
                ),
                *preview,
            ],
            warnings=warnings,
            button=_("Yes, schedule and publish the commitment"),
            form=form,
        )

    def close_view(self, request, pk):
        draw = self._draw(request, pk)
        if request.method == "POST":
            return self._step(
                request,
                draw,
                services.draw_close_entries,
                _("Entries closed: the entries file and its digest are published."),
            )
        preview, warnings = entries_preview(draw, closing=True)
        return self._confirm(
            request,
            draw,
            title=_("Close the entries of “%(title)s”?") % {"title": draw.title},
            explanation=[
                _(
                    "Everyone eligible now enters with their tickets; the entries file and "
                    "its SHA-256 are published. Completions of the counted levels are no "
                    "longer taken back."
                ),
                _("Later activity does not count for this draw. This cannot be undone."),
                *preview,
            ],
            warnings=warnings,
            button=_("Yes, close entries"),
        )

    def run_view(self, request, pk):
        draw = self._draw(request, pk)
        if draw.run_requested_at is not None:  # the signature is fixed: only "run again"
            return redirect("admin:rewards_draw_run_again", draw.pk)
        chained = bool(draw.beacon_scheme) and drand.SCHEMES[draw.beacon_scheme].chained
        form = RunDrawForm(request.POST or None, chained=chained)
        if request.method == "POST" and form.is_valid():
            try:
                draw = services.draw_request_run(draw=draw, actor=request.user, **form.cleaned_data)
            except RewardsError as error:
                if error.field not in form.fields:  # e.g. already drawn
                    messages.error(request, error.message)
                    return redirect(self._change_url(draw))
                error.add_to(form)
            else:
                self._enqueue_run(request, draw)
                return redirect("admin:rewards_draw_run_state", draw.pk)
        explanation = [
            _(
                "A background task ranks the entries file with the seed and the public entropy, "
                "writes the winners and alternates, reveals the seed and tells the winners."
            ),
            _("A draw runs exactly once: asking again never draws a second result."),
        ]
        if draw.beacon:
            explanation.append(
                _(
                    "The public entropy is the randomness of beacon %(beacon)s, published "
                    "%(when)s. Copy its signature from %(url)s; it is checked against the "
                    "chain's public key."
                )
                % {
                    "beacon": draw.beacon,
                    "when": date_format(timezone.localtime(draw.beacon_round_at), "j M Y, H:i:s T"),
                    "url": beacons.round_url(draw.beacon),
                }
            )
        return self._confirm(
            request,
            draw,
            title=_("Run “%(title)s”?") % {"title": draw.title},
            explanation=explanation,
            button=_("Yes, run the draw"),
            form=form,
        )

    def run_again_view(self, request, pk):
        draw = self._draw(request, pk)
        if request.method == "POST":
            try:
                draw = services.draw_run_again(draw=draw, actor=request.user)
            except RewardsError as error:
                messages.error(request, error.message)
                return redirect(self._change_url(draw))
            self._enqueue_run(request, draw)
            return redirect("admin:rewards_draw_run_state", draw.pk)
        state = selectors.draw_run_state(draw, now=timezone.now())
        return self._confirm(
            request,
            draw,
            title=_("Run “%(title)s” again?") % {"title": draw.title},
            explanation=[
                state["message"],
                _(
                    "A new task is queued for a worker, with the public entropy fixed when "
                    "the run was first asked for: %(entropy)s. The draw still happens "
                    "exactly once; the audit trail notes that you asked."
                )
                % {"entropy": draw.public_entropy},
            ],
            button=_("Yes, run it again"),
        )

    def _enqueue_run(self, request, draw):
        try:
            tasks.run_draw.apply_async_on_commit((draw.pk,), task_id=draw.run_task_id)
        except OperationalError:
            messages.error(
                request,
                _("The task queue is not answering, so nothing was drawn. Try again shortly."),
            )

    def run_state_view(self, request, pk):
        draw = self._draw(request, pk)
        state = selectors.draw_run_state(draw, now=timezone.now())
        if request.GET.get("format") == "json":
            return JsonResponse(state)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "draw": draw,
            "title": _("Running “%(title)s”") % {"title": draw.title},
            "state": state,
            "change_url": self._change_url(draw),
            "json_url": reverse("admin:rewards_draw_run_state", args=[draw.pk]) + "?format=json",
        }
        return TemplateResponse(request, "admin/rewards/draw/run_state.html", context)

    def fulfilment_view(self, request, pk):
        draw = self._draw_for_shipping(request, pk)
        services.fulfilment_export_record(draw=draw, actor=request.user)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{draw.slug}-fulfilment.csv"'
        writer = csv.writer(response)
        writer.writerow(selectors.FULFILMENT_COLUMNS)
        for row in selectors.fulfilment_rows(draw):
            writer.writerow([spreadsheet_safe(value) for value in row])
        return response

    def _draw_for_shipping(self, request, pk):
        if not request.user.has_perm(SHIPPING_PERMISSION):
            raise PermissionDenied
        return self._draw(request, pk)

    def _result(self, request, pk):
        result = get_object_or_404(DrawResult.objects.select_related("draw"), pk=pk)
        if not self.has_change_permission(request, result.draw):
            raise PermissionDenied
        return result

    def disqualify_view(self, request, pk):
        result = self._result(request, pk)
        form = DisqualifyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                notice_ids = services.result_disqualify(
                    result=result, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except RewardsError as error:
                error.add_to(form)
            else:
                notice_emails_queue(notice_ids)
                messages.success(
                    request, _("Rank %(rank)s is disqualified.") % {"rank": result.rank}
                )
                return redirect(self._change_url(result.draw))
        return self._confirm(
            request,
            result.draw,
            form=form,
            title=_("Disqualify rank %(rank)s of “%(title)s”?")
            % {"rank": result.rank, "title": result.draw.title},
            explanation=[
                _(
                    "The prize passes to the first alternate not yet used, who is told and "
                    "gets a fresh claim window. With none left the prize stays unawarded."
                ),
            ],
            button=_("Disqualify"),
            danger=True,
        )

    def ship_view(self, request, pk):
        if not request.user.has_perm(SHIPPING_PERMISSION):
            raise PermissionDenied
        result = self._result(request, pk)
        form = ShipForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.result_mark_shipped(
                    result=result, actor=request.user, tracking=form.cleaned_data["tracking"]
                )
            except RewardsError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Rank %(rank)s is shipped.") % {"rank": result.rank})
                return redirect(self._change_url(result.draw))
        return self._confirm(
            request,
            result.draw,
            form=form,
            title=_("Mark rank %(rank)s of “%(title)s” shipped?")
            % {"rank": result.rank, "title": result.draw.title},
            explanation=[_("The winner sees the tracking note on their prizes page.")],
            button=_("Mark shipped"),
        )


def spreadsheet_safe(value):
    """Stop a typed address from running as a formula when the CSV is opened."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
