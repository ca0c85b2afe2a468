from core.branding import brand_for
from notifications.selectors import unread_count
from programme.selectors import active_programme


def branding(request):
    """The brand and the active programme, on every page."""
    # The participant pages already loaded the programme with the participant.
    participant = getattr(request, "participant", None)
    programme = participant.programme if participant else active_programme()
    return {"brand": brand_for(programme), "active_programme": programme}


def notices(request):
    """The nav's unread notice count on the participant pages: one query."""
    participant = getattr(request, "participant", None)
    return {"unread_notices": unread_count(participant) if participant else 0}
