import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.personal_pages import personal_page
from core.public_pages import public_page
from programme.access import participant_required
from programme.errors import ProgrammeError
from programme.selectors import loggable_levels, session_saved_text

from . import selectors, services
from .forms import CatalogueFilterForm, SessionForm, SessionItemForm, session_forms

SESSIONS_PER_PAGE = 20
BLANK_ROWS_FREE_CHOICE = 4
BLANK_ROWS_AFTER_ROUTINE = 2


@require_safe
@public_page
def exercise_list(request):
    equipment = list(selectors.equipment_all())
    form = CatalogueFilterForm(request.GET or None, equipment=equipment)
    family = equipment_slug = ""
    if form.is_bound and form.is_valid():
        family, equipment_slug = form.cleaned_data["family"], form.cleaned_data["equipment"]
    groups = selectors.catalogue_groups(family=family, equipment=equipment_slug)
    return render(
        request,
        "exercises/list.html",
        {
            "form": form,
            "groups": groups,
            "count": sum(len(group.exercises) for group in groups),
            "filtered": bool(family or equipment_slug),
        },
    )


@require_safe
def exercise_detail(request, slug):
    context = selectors.exercise_detail(slug)
    if context is None:
        raise Http404
    return render(request, "exercises/detail.html", context)


def _routine_strings():
    """The guided session's words, for static/js/routine.js ({name} placeholders)."""
    return {
        "progress": _("Exercise {n} of {total}"),
        "ready": _("Set {set} of {sets}"),
        "holding": _("Hold: set {set} of {sets}"),
        "resting": _("Rest before set {set} of {sets}"),
        "done": _("All sets done"),
        "start_hold": _("Start set {set}"),
        "set_done": _("Set {set} done"),
        "end_hold": _("End the hold"),
        "skip_rest": _("Skip the rest"),
        "pause": _("Pause"),
        "resume": _("Resume"),
        "paused": _("Paused with {s} seconds left"),
        "resumed": _("Going again"),
        "hold_for": _("Hold for {s} seconds"),
        "rest_for": _("Rest for {s} seconds"),
        "left": _("{s} seconds left"),
        "rest_over": _("Rest over. Set {set} of {sets}."),
        "next": _("Next"),
        "finish": _("Finish"),
        "finished": _("You ticked {done} of {total} exercises."),
        "done_button": _("Done"),
        "done_already": _("Done ✓"),
        "ticked": _("{name} ticked as done."),
        "none_ticked": _("Nothing is ticked yet: tick what you did, then log it."),
        "long_form": _("Change details first"),
        "left_foot": _("left foot"),
        "right_foot": _("right foot"),
        "ready_side": _("Set {set} of {sets}, {side}"),
        "holding_side": _("Hold: set {set} of {sets}, {side}"),
        "start_hold_side": _("Start set {set}, {side}"),
        "set_done_side": _("Set {set} done, {side}"),
        "switch_side": _("Now the {side}. Set {set} of {sets}."),
    }


@participant_required
def routine(request, participant, number):
    context = selectors.routine_for(participant, number, timezone.now())
    if context is None:
        raise Http404
    return render(
        request,
        "exercises/routine.html",
        {**context, "strings": _routine_strings(), "submission_token": uuid.uuid4()},
    )


@require_POST
@participant_required
def routine_log(request, participant, number):
    """The guided session's one-step log: what was ticked, now, toward this routine's week.

    Anything the service refuses sends the person to the full form, filled in with the same
    exercises, with the reason shown: nothing ticked is lost.
    """
    item_ids = _numbers(request.POST.getlist("item"))
    level, routine = selectors.routine_prefill(participant, number, item_ids, timezone.now())
    if level is None:
        raise Http404
    long_form = redirect(
        f"{reverse('exercises:session_new')}?"
        + urlencode({"level": number, "item": [item.pk for item in routine]}, doseq=True)
    )
    if not item_ids or not routine:
        messages.error(request, _("Tick at least one exercise you did, then log the session."))
        return redirect("exercises:routine", number)
    try:
        token = uuid.UUID(request.POST.get("submission_token", ""))
    except ValueError:
        token = None
    try:
        session = services.session_log(
            participant=participant,
            performed_at=timezone.now(),
            items=[
                services.SessionItem(
                    exercise=item.exercise, sets=item.sets, reps=item.reps, hold_s=item.hold_s
                )
                for item in routine
            ],
            from_routine=True,
            submission_token=token,
            level=level,
        )
    except ProgrammeError as error:
        messages.error(request, error.message)
        return long_form
    messages.success(request, session_saved_text(session.level, participant))
    return redirect("exercises:session", session.pk)


@personal_page
@participant_required
def sessions(request, participant):
    page = Paginator(selectors.sessions_for(participant), SESSIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "exercises/sessions.html", {"participant": participant, "page": page})


def _numbers(values):
    """The whole numbers among query-string values; anything else is ignored."""
    return [
        int(value) for value in values if value.isascii() and value.isdigit() and len(value) < 10
    ]


@participant_required
def session_new(request, participant):
    choices = selectors.exercise_choices()
    weeks = loggable_levels(participant.programme, timezone.now())
    level = None
    if request.method == "POST":
        form, formset = session_forms(
            request.POST,
            participant=participant,
            choices=choices,
            initial=None,
            rows=[],
            extra_rows=0,
            weeks=weeks,
        )
    else:
        level_numbers = _numbers(request.GET.getlist("level"))[:1]
        routine = []
        if level_numbers:
            level, routine = selectors.routine_prefill(
                participant, level_numbers[0], _numbers(request.GET.getlist("item")), timezone.now()
            )
            level = level if routine else None
        form, formset = session_forms(
            None,
            participant=participant,
            choices=choices,
            initial=SessionForm.initial_now(
                participant,
                submission_token=uuid.uuid4(),
                from_routine=bool(routine),
                week=level.number if level else None,
            ),
            rows=[SessionItemForm.initial_from(item) for item in routine],
            extra_rows=BLANK_ROWS_AFTER_ROUTINE if routine else BLANK_ROWS_FREE_CHOICE,
            weeks=weeks,
        )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_log(
                participant=participant,
                performed_at=data["performed_at"],
                items=formset.items(),
                from_routine=data["from_routine"],
                difficulty=data["difficulty"],
                notes=data["notes"],
                submission_token=data["submission_token"],
                level=data["level"],
            )
        except ProgrammeError as error:
            error.add_to(form)
        else:
            messages.success(request, session_saved_text(session.level, participant))
            return redirect("exercises:session", session.pk)
    return render(
        request,
        "exercises/session_form.html",
        {"form": form, "formset": formset, "participant": participant, "level": level},
    )


@participant_required
def session_detail(request, participant, session_id):
    session = selectors.session_for(participant, session_id)
    if session is None:
        raise Http404
    form, formset = session_forms(
        request.POST or None,
        participant=participant,
        choices=selectors.exercise_choices(),
        initial=SessionForm.initial_for(session, participant),
        rows=[SessionItemForm.initial_from(item) for item in session.items.all()],
        extra_rows=BLANK_ROWS_AFTER_ROUTINE,
        weeks=loggable_levels(participant.programme, timezone.now()),
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_update(
                session=session,
                performed_at=data["performed_at"],
                items=formset.items(),
                difficulty=data["difficulty"],
                notes=data["notes"],
                level=data["level"],
            )
        except ProgrammeError as error:
            error.add_to(form)
        else:
            messages.success(request, _("Session saved."))
            return redirect("exercises:session", session.pk)
    return render(
        request,
        "exercises/session_detail.html",
        {
            "session": session,
            "form": form,
            "formset": formset,
            "participant": participant,
            "editing": request.method == "POST",
        },
    )


@participant_required
def session_delete(request, participant, session_id):
    session = selectors.session_for(participant, session_id)
    if session is None:
        raise Http404
    if request.method == "POST":
        try:
            services.session_delete(session=session)
        except ProgrammeError as error:
            messages.error(request, error.message)
            return redirect("exercises:session", session.pk)
        messages.success(request, _("Session deleted."))
        return redirect("exercises:sessions")
    return render(
        request, "exercises/session_delete.html", {"session": session, "participant": participant}
    )
