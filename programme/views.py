import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.personal_pages import personal_page
from notifications import services as notification_services
from notifications.emails import unsubscribe_token_read
from notifications.models import OPT_OUT_FIELDS
from notifications.selectors import notice_emails_owed, notices_for
from notifications.tasks import notice_emails_queue

from . import selectors, services
from .access import participant_required
from .activities import page_parts
from .errors import ProgrammeError
from .forms import JoinForm, RunForm
from .models import Participant, ReviewStatus


@login_required
def join(request):
    programme = selectors.active_programme()
    if programme is None:
        return render(request, "programme/no_programme.html")
    if selectors.participant_for(request.user, programme):
        return redirect("web:dashboard")
    verified = request.user.has_verified_email
    form = JoinForm(request.POST or None, initial={"time_zone": programme.time_zone})
    if request.method == "POST" and verified and form.is_valid():
        data = form.cleaned_data
        try:
            participant = services.participant_join(
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
            notice_emails_queue(
                notice_emails_owed(participant=participant, keys=[services.WELCOME_NOTICE_KEY])
            )
            messages.success(request, _("Welcome aboard! Here is your first week."))
            return redirect("web:dashboard")
    return render(
        request,
        "programme/join.html",
        {"form": form, "programme": programme, "verified": verified},
    )


@personal_page
@participant_required
def level(request, participant, number):
    context = selectors.level_detail_for(participant, number, timezone.now())
    if context is None:
        raise Http404
    return render(request, "programme/level.html", context)


@personal_page
@participant_required
def runs(request, participant):
    page = Paginator(selectors.runs_for(participant), 20).get_page(request.GET.get("page"))
    return render(request, "programme/runs.html", {"participant": participant, "page": page})


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
            error.add_to(form)
        else:
            _say_run_saved(request, run, participant)
            return redirect("programme:run", run.pk)
    return render(request, "programme/run_form.html", {"form": form, "participant": participant})


def _say_run_saved(request, run, participant, counted_before=(0, None)):
    """``counted_before``: (distance it counted, level id) before an edit."""
    if run.status == ReviewStatus.HELD:
        messages.warning(
            request,
            _("Saved, and held for a quick review (%(reason)s). It counts once approved.")
            % {"reason": run.review_reason},
        )
        return
    distance, level_id = counted_before
    counted_before_m = distance if level_id == run.level_id else 0
    text = selectors.run_saved_text(
        run, participant, counted_before_m=counted_before_m, tally=run.week_tally
    )
    messages.success(request, text or _("Run saved."))


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
        counted = run.distance_m if run.status == ReviewStatus.COUNTED else 0
        counted_before = (counted, run.level_id)
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
            error.add_to(form)
        else:
            _say_run_saved(request, run, participant, counted_before)
            return redirect("programme:run", run.pk)
    return render(
        request,
        "programme/run_detail.html",
        {
            "run": run,
            "form": form,
            "participant": participant,
            "editing": request.method == "POST",
            "parts": page_parts("run", run, participant),
        },
    )


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


@personal_page
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
        {"participant": participant, "notices": notices_for(participant)},
    )


@require_POST
@participant_required
def notices_read(request, participant):
    notification_services.notices_mark_read(participant=participant)
    return redirect("programme:notices")


@csrf_exempt  # RFC 8058 one-click: the mail provider POSTs, with the signed token as the key
def unsubscribe(request, token):
    """From an email link, no sign-in needed: the signed token says who, and which emails."""
    found = unsubscribe_token_read(token)
    if found is None:
        raise Http404
    participant_id, policy = found
    participant = get_object_or_404(Participant, pk=participant_id)
    context = {"participant": participant, "policy": policy}
    if request.method == "POST":
        services.participant_update(participant=participant, **{OPT_OUT_FIELDS[policy]: False})
        return render(request, "programme/unsubscribed.html", context)
    return render(request, "programme/unsubscribe.html", context)
