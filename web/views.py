import logging

from celery import current_app
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from programme import services as programme_services
from programme.access import participant_required
from programme.forms import ProfileForm
from programme.selectors import active_programme, dashboard_for, landing_for
from rewards.selectors import draw_entries_for

logger = logging.getLogger(__name__)


@require_safe
def landing(request):
    return render(request, "web/landing.html", landing_for(active_programme()))


@require_safe
def rules(request):
    return render(request, "web/rules.html", landing_for(active_programme()))


@participant_required
def dashboard(request, participant):
    context = dashboard_for(participant, timezone.now())
    return render(request, "web/dashboard.html", context)


@participant_required
def profile(request, participant):
    form = ProfileForm(request.POST or None, instance=participant)
    if request.method == "POST" and form.is_valid():
        programme_services.participant_update(participant=participant, **form.cleaned_data)
        messages.success(request, _("Your settings are saved."))
        return redirect("web:profile")
    return render(
        request,
        "web/profile.html",
        {"form": form, "participant": participant, "draw_entries": draw_entries_for(participant)},
    )


@never_cache
@require_safe
def healthz(request):
    """The process answers; no database or broker call, so it is cheap and always honest."""
    return HttpResponse("ok", content_type="text/plain")


def _database_answers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _broker_answers():
    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


@never_cache
@require_safe
def readyz(request):
    failures = {}
    for part, probe in (("database", _database_answers), ("broker", _broker_answers)):
        try:
            probe()
        except Exception as error:  # any failure means "not ready"; the name is what matters
            logger.warning("readyz: %s is not answering: %s", part, error)
            failures[part] = error.__class__.__name__
    if failures:
        return JsonResponse({"status": "unavailable", "failing": failures}, status=503)
    return JsonResponse({"status": "ok"})


def csrf_failure(request, reason=""):
    return render(
        request,
        "web/error.html",
        {
            "title": _("This form has expired"),
            "message": _(
                "For your security the form could not be accepted. Go back, reload the page "
                "and try again."
            ),
        },
        status=403,
    )


def permission_denied(request, exception=None):
    return render(
        request,
        "web/error.html",
        {"title": _("Not allowed"), "message": _("You do not have access to this page.")},
        status=403,
    )


def page_not_found(request, exception=None):
    return render(
        request,
        "web/error.html",
        {"title": _("Page not found"), "message": _("There is nothing at this address.")},
        status=404,
    )


def bad_request(request, exception=None):
    message = _("The request could not be understood.")
    if isinstance(exception, TooManyFilesSent):
        message = _("Too many files at once: send at most %(count)s files in one go.") % {
            "count": settings.DATA_UPLOAD_MAX_NUMBER_FILES
        }
    elif isinstance(exception, RequestDataTooBig):
        message = _("That was too much data in one go. Send fewer or smaller files.")
    return render(
        request, "web/error.html", {"title": _("Bad request"), "message": message}, status=400
    )


def server_error(request):
    return render(
        request,
        "web/error.html",
        {
            "title": _("Something went wrong"),
            "message": _("We have been told and will look into it. Please try again shortly."),
        },
        status=500,
    )
