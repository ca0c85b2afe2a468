from pathlib import Path

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.public_pages import public_page
from notifications.selectors import notice_emails_owed
from notifications.tasks import notice_emails_queue
from programme.access import participant_required

from . import selectors, services
from .errors import RewardsError
from .forms import ClaimForm


@participant_required
def prizes(request, participant):
    return render(
        request,
        "rewards/prizes.html",
        {"participant": participant, "results": selectors.prizes_for(participant)},
    )


@participant_required
def claim(request, participant, result_id):
    result = selectors.result_for(participant, result_id)
    if result is None:
        raise Http404
    context = {"participant": participant, "result": result, "draw": result.draw}
    if hasattr(result, "claim"):
        if request.method == "POST":  # submitted twice: land on the same page
            return redirect("rewards:claim", result.pk)
        return render(request, "rewards/claim_done.html", context)
    now = timezone.now()
    if not result.is_claimable(now):
        return render(request, "rewards/claim_closed.html", context)
    form = ClaimForm(
        request.POST or None,
        needs_shoe_size=result.draw.prize.needs_shoe_size,
        eligible_countries=result.draw.eligible_countries,
        initial={"country": participant.country.code},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_submit(
                result=result, participant=participant, now=now, **form.cleaned_data
            )
        except RewardsError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            notice_emails_queue(
                notice_emails_owed(
                    participant=participant, keys=[services.claim_notice_key(result)]
                )
            )
            messages.success(request, _("Thank you! Your claim is in."))
            return redirect("rewards:claim", result.pk)
    return render(request, "rewards/claim.html", {**context, "form": form})


@require_safe
@public_page
def draw_detail(request, slug):
    context = selectors.public_draw(slug)
    if context is None:
        raise Http404
    # "Am I in?" is a GET form: it works without JavaScript and without signing in.
    context["entrant_text"] = request.GET.get("entrant", "")[:100]
    context["standing"] = None
    if "entrant" in request.GET:
        context["standing"] = selectors.entrant_standing(context["draw"], context["entrant_text"])
    return render(request, "rewards/draw_detail.html", context)


@require_safe
def draw_entries(request, slug):
    found = selectors.entries_file(slug)
    if found is None:
        raise Http404
    draw, data, digest = found
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    # The name the page's commands use (sha256sum entries.csv, rewards.verify entries.csv).
    response["Content-Disposition"] = 'inline; filename="entries.csv"'
    response["ETag"] = f'"{digest}"'
    return response


# The method and the verifier's source, served by the app itself so that the page an
# entrant reads and the code that drew are the ones this deployment runs.
REWARDS_DIR = Path(__file__).resolve().parent
METHOD_FILES = {
    "prize-draw.md": REWARDS_DIR / "method" / "prize-draw.md",
    "verify.py": REWARDS_DIR / "verify.py",
    "draw_core.py": REWARDS_DIR / "draw_core.py",
    "drand.py": REWARDS_DIR / "drand.py",
}


@require_safe
def draw_method(request):
    spec = METHOD_FILES["prize-draw.md"].read_text(encoding="utf-8")
    return render(
        request,
        "rewards/draw_method.html",
        {"spec": spec, "sources": [name for name in METHOD_FILES if name.endswith(".py")]},
    )


@require_safe
def draw_method_file(request, name):
    path = METHOD_FILES.get(name)
    if path is None:
        raise Http404
    response = HttpResponse(path.read_bytes(), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
