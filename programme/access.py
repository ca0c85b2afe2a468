"""Who may open the participant pages: one decorator, used by every such view."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from .selectors import participant_for


def participant_required(view):
    """Signed in and joined to the active programme; passes ``participant`` to the view.

    Anonymous visitors go to the login page; signed-in users who have not joined go to
    the join page.
    """

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        participant = participant_for(request.user)
        if participant is None:
            return redirect("programme:join")
        request.participant = participant
        return view(request, participant, *args, **kwargs)

    return wrapper
