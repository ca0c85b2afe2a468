from django.conf import settings

from core.branding import brand_for_page
from programme.selectors import active_programme


def branding(request):
    """The brand and the active programme, on every page."""
    # The participant pages already loaded the programme with the participant.
    participant = getattr(request, "participant", None)
    programme = participant.programme if participant else active_programme()
    return {
        "brand": brand_for_page(request, programme),
        "active_programme": programme,
        "strava_enabled": settings.STRAVA_ENABLED,
    }
