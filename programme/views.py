import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from rewards.selectors import draw_entries_for

from . import selectors, services
from .access import participant_required
from .emails import participant_from_unsubscribe_token
from .errors import ProgrammeError
from .forms import ActivityUploadForm, JoinForm, ProfileForm, RunForm
from .models import Participant
from .uploads import MAX_FILE_BYTES, MAX_REQUEST_BYTES, MEGABYTE, REQUEST_TOO_LARGE


@login_required
def join(request):
    programme = selectors.active_programme()
    if programme is None:
        return render(request, "programme/no_programme.html")
    if selectors.participant_for(request.user, programme):
        return redirect("programme:dashboard")
    verified = request.user.emailaddress_set.filter(verified=True).exists()
    form = JoinForm(request.POST or None, initial={"time_zone": programme.time_zone})
    if request.method == "POST" and verified and form.is_valid():
        data = form.cleaned_data
        try:
            services.participant_join(
                user=request.user,
                programme=programme,
                display_name=data["display_name"],
                time_zone=data["time_zone"],
                units=data["units"],
                country=data["country"],
                confirmed_age=data["confirm_age"],
                confirmed_residence=data["confirm_residence"],
                accepted_rules=data["accept_rules"],
                leaderboard_opt_in=data["leaderboard_opt_in"],
            )
        except ProgrammeError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Welcome aboard! Here is your first week."))
            return redirect("programme:dashboard")
    return render(
        request,
        "programme/join.html",
        {"form": form, "programme": programme, "verified": verified},
    )


@participant_required
def dashboard(request, participant):
    context = selectors.dashboard_for(participant, timezone.now())
    return render(request, "programme/dashboard.html", context)


@participant_required
def level(request, participant, number):
    context = selectors.level_detail_for(participant, number, timezone.now())
    if context is None:
        raise Http404
    return render(request, "programme/level.html", context)


@participant_required
def runs(request, participant):
    page = Paginator(selectors.runs_for(participant), 20).get_page(request.GET.get("page"))
    return render(request, "programme/runs.html", {"participant": participant, "page": page})


def _apply_run_error(form, error):
    error.add_to(form)


@participant_required
def run_new(request, participant):
    form = RunForm(
        request.POST or None,
        participant=participant,
        initial={
            "submission_token": uuid.uuid4(),
            "started_at": timezone.localtime(timezone.now(), participant.tz).strftime(
                "%Y-%m-%dT%H:%M"
            ),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = services.run_log(
                participant=participant,
                started_at=data["started_at"],
                distance_m=form.distance_m,
                duration_s=data["duration"],
                notes=data["notes"],
                effort=data["effort"],
                submission_token=data["submission_token"],
            )
        except ProgrammeError as error:
            _apply_run_error(form, error)
        else:
            _say_run_saved(request, run)
            return redirect("programme:run", run.pk)
    return render(request, "programme/run_form.html", {"form": form, "participant": participant})


def _say_run_saved(request, run):
    if run.status == "held":
        messages.warning(
            request,
            _("Saved, and held for a quick review (%(reason)s). It counts once approved.")
            % {"reason": run.review_reason},
        )
    else:
        messages.success(request, _("Run saved."))


@participant_required
def run_detail(request, participant, run_id):
    run = selectors.run_for(participant, run_id)
    if run is None:
        raise Http404
    form = RunForm(
        request.POST or None, participant=participant, initial=RunForm.initial_for(run, participant)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        started_at, distance_m = form.changes_to(run)
        try:
            run = services.run_update(
                run=run,
                started_at=started_at,
                distance_m=distance_m,
                duration_s=data["duration"],
                notes=data["notes"],
                effort=data["effort"],
            )
        except ProgrammeError as error:
            _apply_run_error(form, error)
        else:
            _say_run_saved(request, run)
            return redirect("programme:run", run.pk)
    return render(
        request,
        "programme/run_detail.html",
        {
            "run": run,
            "form": form,
            "participant": participant,
            "editing": request.method == "POST",
            "track": selectors.run_track_for(run, participant.units),
        },
    )


def _say_upload_outcome(request, dropped, outcome):
    """One message per file that was not queued, with the reason; one for those that were."""
    for name, reason in dropped:
        if reason == REQUEST_TOO_LARGE:
            text = _("%(name)s: not uploaded, the files together went over %(limit)s MB.")
            limit = MAX_REQUEST_BYTES // MEGABYTE
        else:
            text = _("%(name)s: not uploaded, it is larger than %(limit)s MB.")
            limit = MAX_FILE_BYTES // MEGABYTE
        messages.error(request, text % {"name": name, "limit": limit})
    for refusal in outcome.refused if outcome else []:
        runs = list(refusal.existing.runs.all()) if refusal.existing else []
        if runs:
            url = reverse("programme:run", args=[runs[0].pk])
            more = format_html(' <a href="{}">{}</a>', url, _("See the run."))
        elif refusal.existing and not refusal.existing.is_finished:
            more = format_html(" {}", _("It is being read; its state is shown below."))
        else:
            more = ""
        messages.error(request, format_html("{}: {}{}", refusal.name, refusal.message, more))
    if outcome and outcome.created:
        count = len(outcome.created)
        messages.success(
            request,
            ngettext(
                "%(count)s file is being imported.", "%(count)s files are being imported.", count
            )
            % {"count": count},
        )


@participant_required
def run_import(request, participant):
    posted = request.method == "POST"
    form = ActivityUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted:
        # Files the upload handler dropped (too large) never reach the form.
        dropped = getattr(request, "upload_refusals", [])
        if form.is_valid() or dropped:
            outcome = None
            if form.is_valid():
                outcome = services.activity_uploads_create(
                    participant=participant, files=form.cleaned_data["files"]
                )
            _say_upload_outcome(request, dropped, outcome)
            return redirect("programme:run_import")
    context = selectors.import_page_for(participant, timezone.now())
    return render(request, "programme/run_import.html", {"form": form, **context})


@never_cache
@require_GET
@participant_required
def run_import_status(request, participant):
    return JsonResponse(selectors.import_status_for(participant))


@participant_required
def run_delete(request, participant, run_id):
    run = selectors.run_for(participant, run_id)
    if run is None:
        raise Http404
    if request.method == "POST":
        try:
            services.run_delete(run=run)
        except ProgrammeError as error:
            messages.error(request, error.message)
            return redirect("programme:run", run.pk)
        messages.success(request, _("Run deleted."))
        return redirect("programme:runs")
    return render(request, "programme/run_delete.html", {"run": run, "participant": participant})


@participant_required
def leaderboard(request, participant):
    scope = "overall" if request.GET.get("scope") == "overall" else "week"
    context = selectors.leaderboard_for(participant, scope=scope, now=timezone.now())
    return render(request, "programme/leaderboard.html", {"participant": participant, **context})


@participant_required
def notices(request, participant):
    return render(
        request,
        "programme/notices.html",
        {"participant": participant, "notices": selectors.notices_for(participant)},
    )


@require_POST
@participant_required
def notices_read(request, participant):
    services.notices_mark_read(participant=participant)
    return redirect("programme:notices")


@participant_required
def profile(request, participant):
    form = ProfileForm(request.POST or None, instance=participant)
    if request.method == "POST" and form.is_valid():
        services.participant_update(participant=participant, **form.cleaned_data)
        messages.success(request, _("Your settings are saved."))
        return redirect("programme:profile")
    return render(
        request,
        "programme/profile.html",
        {"form": form, "participant": participant, "draw_entries": draw_entries_for(participant)},
    )


def unsubscribe(request, token):
    """From an email link, no sign-in needed: the signed token says who."""
    participant_id = participant_from_unsubscribe_token(token)
    participant = get_object_or_404(Participant, pk=participant_id) if participant_id else None
    if participant is None:
        raise Http404
    if request.method == "POST":
        services.participant_update(participant=participant, reminder_emails=False)
        return render(request, "programme/unsubscribed.html", {"participant": participant})
    return render(request, "programme/unsubscribe.html", {"participant": participant})
