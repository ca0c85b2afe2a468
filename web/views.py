import logging
import sys
import threading
import time
from functools import partial

import redis
from celery import current_app
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.branding import brand_for
from core.personal_pages import personal_page
from core.public_pages import public_page
from programme import services as programme_services
from programme.access import participant_required
from programme.forms import ProfileForm
from programme.selectors import active_programme, dashboard_for, landing_for
from rewards.selectors import draw_entries_for

logger = logging.getLogger(__name__)


@require_safe
@public_page
def landing(request):
    return render(request, "web/landing.html", landing_for(active_programme(), timezone.now()))


@require_safe
@public_page
def rules(request):
    return render(request, "web/rules.html", landing_for(active_programme(), timezone.now()))


@require_safe
def brand_css(request):
    """The brand colours as a stylesheet, so pages need no inline style (and no CSP nonce).

    The page links it with the colours in its address, so a new colour is a new address and
    this one may be kept for a day.
    """
    brand = brand_for(active_programme())
    css = f":root {{ --brand: {brand['primary_colour']}; --accent: {brand['accent_colour']}; }}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@personal_page
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


# /readyz answers within this many seconds whatever hangs: a probe still running then
# counts as failing (it ends by itself, bounded by the connect and socket timeouts).
READYZ_TIMEOUT = 3


def _database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()  # this thread's own connection


def _broker_answers(app):
    url = app.conf.broker_url
    if url.startswith(("redis://", "rediss://", "unix://")):
        # Connecting proves little: a hung Redis accepts connections and never answers.
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
        return
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def _probe(probe, outcome):
    try:
        probe()
    except Exception as error:  # any failure means "not ready"; the name is what matters
        outcome["error"] = error
    else:
        outcome["error"] = None


@never_cache
@require_safe
def readyz(request):
    """Each part is probed in a thread of its own, so a hung one costs READYZ_TIMEOUT."""
    deadline = time.monotonic() + READYZ_TIMEOUT
    probes = {}
    # Celery's current app is per thread: the probe's thread is handed this request's.
    broker = partial(_broker_answers, current_app._get_current_object())
    for part, probe in (("database", _database_answers), ("broker", broker)):
        outcome = {}
        thread = threading.Thread(target=_probe, args=(probe, outcome), daemon=True)
        thread.start()
        probes[part] = (thread, outcome)
    failures = {}
    for part, (thread, outcome) in probes.items():
        thread.join(max(0, deadline - time.monotonic()))
        error = outcome.get("error", TimeoutError(f"no answer within {READYZ_TIMEOUT} s"))
        if error is not None:
            logger.warning("readyz: %s is not answering: %r", part, error)
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
    """The 500 page, and a 503 "try again shortly" when the database is what failed.

    Django calls this while handling the exception (and logs it with its traceback), so
    ``sys.exception()`` is what went wrong. The page renders from settings alone, with no
    request context: its context processors (brand, user) would ask the database again.
    """
    if isinstance(sys.exception(), OperationalError | InterfaceError):
        response = _error_page(
            _("We are having trouble"),
            _("The site cannot reach its data right now. Please try again shortly."),
            status=503,
        )
        response["Retry-After"] = "30"
        return response
    return _error_page(
        _("Something went wrong"),
        _("We have been told and will look into it. Please try again shortly."),
        status=500,
    )


def _error_page(title, message, *, status):
    context = {"title": title, "message": message, "brand": brand_for(None)}
    return HttpResponse(render_to_string("web/error.html", context), status=status)
