from django.conf import settings
from django.utils.functional import SimpleLazyObject

from core.branding import brand_for_page
from notifications.selectors import unread_count
from programme.selectors import active_programme, participant_for


def branding(request):
    """The brand and the active programme, on every page."""
    # The participant pages already loaded the programme with the participant.
    participant = getattr(request, "participant", None)
    programme = participant.programme if participant else active_programme()
    if participant is not None:
        is_participant = True
    else:
        # Read only when a page asks (the nav of signed-in visitors): one query.
        is_participant = SimpleLazyObject(
            lambda: participant_for(request.user, programme) is not None if programme else False
        )
    return {
        "brand": brand_for_page(request, programme),
        "active_programme": programme,
        "is_participant": is_participant,
        "strava_enabled": settings.STRAVA_ENABLED,
    }


def notices(request):
    """The nav's unread notice count on the participant pages: one query."""
    participant = getattr(request, "participant", None)
    return {"unread_notices": unread_count(participant) if participant else 0}
