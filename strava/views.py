import json
import logging
from functools import wraps
from urllib.parse import urlsplit

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from programme.access import participant_required

from . import client, selectors, services, tasks

logger = logging.getLogger(__name__)

#: Strava's events are a few hundred bytes; anything much larger is not one.
MAX_EVENT_BYTES = 16_384
READ = "read,activity:read"
READ_PRIVATE = "read,activity:read,activity:read_all"


def strava_required(view):
    """Strava pages exist only when the organiser configured a Strava application."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.STRAVA_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@strava_required
@require_GET
@participant_required
def connection(request, participant):
    link = selectors.link_for(request.user)
    context = {"participant": participant, "link": link}
    if link is not None:
        context |= {
            "athlete_name": selectors.athlete_name(request.user),
            "status": selectors.sync_status(link),
            "activities": selectors.recent_activities(link),
        }
    response = render(request, "strava/connection.html", context)
    # Browsers apply the page's form-action to where the form's answer redirects: the
    # "Connect" button ends at Strava's consent page.
    strava = urlsplit(client.oauth(""))
    response._csp_config = {
        **settings.SECURE_CSP,
        "form-action": [*settings.SECURE_CSP["form-action"], f"{strava.scheme}://{strava.netloc}"],
    }
    return response


@strava_required
@require_POST
@participant_required
def connect(request, participant):
    """To Strava's consent page, asking for private activities only if the person opted in."""
    scope = READ_PRIVATE if request.POST.get("private") == "on" else READ
    provider = get_adapter().get_provider(request, "strava")
    return provider.redirect(
        request, AuthProcess.CONNECT, next_url=reverse("strava:connection"), scope=[scope]
    )


@strava_required
@require_POST
@participant_required
def disconnect(request, participant):
    if services.disconnect(user=request.user, now=timezone.now()):
        messages.success(
            request,
            _("Strava is disconnected. Runs already imported stay; delete any you do not want."),
        )
    return redirect("strava:connection")


@strava_required
@require_POST
@participant_required
def backfill(request, participant):
    if services.backfill_request(user=request.user, now=timezone.now()):
        tasks.strava_jobs_queue()
        messages.success(request, _("Importing your runs from Strava since the programme began."))
    return redirect("strava:connection")


@csrf_exempt  # Strava posts events without a CSRF token; the body only names ids to fetch.
@strava_required
@require_http_methods(["GET", "POST"])
def webhook(request):
    """Strava's push subscription: the validation challenge (GET) and events (POST)."""
    if request.method == "GET":
        token = request.GET.get("hub.verify_token", "")
        challenge = request.GET.get("hub.challenge", "")
        if request.GET.get("hub.mode") != "subscribe" or not challenge:
            return HttpResponse(status=400)
        if not constant_time_compare(token, settings.STRAVA_WEBHOOK_VERIFY_TOKEN):
            return HttpResponseForbidden()
        return JsonResponse({"hub.challenge": challenge})
    if len(request.body) > MAX_EVENT_BYTES:
        return HttpResponse(status=413)
    try:
        event = json.loads(request.body)
        job = services.webhook_event_receive(event=event, now=timezone.now())
    except (ValueError, services.EventRefused):
        return HttpResponse(status=400)
    if job is not None:
        tasks.strava_jobs_queue()
    # Within Strava's 2 seconds: the work happens in the queue.
    return HttpResponse(status=200)
