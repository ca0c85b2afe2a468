from django.conf import settings

from programme.selectors import active_programme


def branding(request):
    """The organiser's name, colours and logo: settings, overridden by the active programme."""
    brand = dict(settings.BRAND)
    # The participant pages already loaded the programme with the participant.
    participant = getattr(request, "participant", None)
    programme = participant.programme if participant else active_programme()
    if programme is not None:
        brand["name"] = programme.name
        brand["tagline"] = programme.tagline or brand["tagline"]
        brand["primary_colour"] = programme.primary_colour or brand["primary_colour"]
        brand["accent_colour"] = programme.accent_colour or brand["accent_colour"]
        brand["logo_url"] = programme.logo_url or brand["logo_url"]
    return {"brand": brand, "active_programme": programme}
