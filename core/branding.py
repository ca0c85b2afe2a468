"""The organiser's brand: settings, overridden by the active programme's own."""

from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings


def brand_for(programme):
    brand = dict(settings.BRAND)
    if programme is not None:
        brand["name"] = programme.name
        brand["tagline"] = programme.tagline or brand["tagline"]
        brand["primary_colour"] = programme.primary_colour or brand["primary_colour"]
        brand["accent_colour"] = programme.accent_colour or brand["accent_colour"]
        brand["logo_url"] = programme.logo_url or brand["logo_url"]
    return brand


def email_site():
    """What allauth's emails call "the site": the brand's name and the public host."""
    from programme.selectors import active_programme

    return SimpleNamespace(
        name=brand_for(active_programme())["name"], domain=urlsplit(settings.SITE_URL).netloc
    )
