"""The organiser's brand: settings, overridden by the active programme's own."""

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
