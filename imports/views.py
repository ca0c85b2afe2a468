from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from programme.access import participant_required

from . import selectors, services, tasks
from .forms import ActivityUploadForm
from .uploads import MAX_FILE_BYTES, MAX_REQUEST_BYTES, MEGABYTE, REQUEST_TOO_LARGE


def _say_upload_outcome(request, dropped, outcome):
    """One message per file that was not queued, with the reason."""
    for name, reason in dropped:
        if reason == REQUEST_TOO_LARGE:
            text = _("%(name)s: not uploaded, the files together went over %(limit)s MB.")
            limit = MAX_REQUEST_BYTES // MEGABYTE
        else:
            text = _("%(name)s: not uploaded, it is larger than %(limit)s MB.")
            limit = MAX_FILE_BYTES // MEGABYTE
        messages.error(request, text % {"name": name, "limit": limit})
    for refusal in outcome.refused if outcome else []:
        run = selectors.first_run_of(refusal.existing) if refusal.existing else None
        if run is not None:
            url = reverse("programme:run", args=[run.pk])
            more = format_html(' <a href="{}">{}</a>', url, _("See the run."))
        elif refusal.existing and not refusal.existing.is_finished:
            more = format_html(" {}", _("It is being read; its state is shown below."))
        else:
            more = ""
        messages.error(request, format_html("{}: {}{}", refusal.name, refusal.message, more))
    # The files queued are followed on the page itself (its batch summary), not by a flash
    # that would go on saying "being imported" after they were refused.


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
                tasks.activity_uploads_queue([upload.pk for upload in outcome.created])
            _say_upload_outcome(request, dropped, outcome)
            return redirect("imports:run_import")
    context = selectors.import_page_for(participant, timezone.now())
    return render(request, "imports/run_import.html", {"form": form, **context})


@never_cache
@require_GET
@participant_required
def run_import_status(request, participant):
    return JsonResponse(selectors.import_status_for(participant))
