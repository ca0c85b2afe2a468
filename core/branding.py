"""The organiser's brand: settings, overridden by the active programme's own."""

from django.conf import settings
from django.core.exceptions import ValidationError

from .validators import logo_origin, validate_logo_url


def brand_for(programme):
    brand = dict(settings.BRAND)
    if programme is not None:
        brand["name"] = programme.name
        brand["tagline"] = programme.tagline or brand["tagline"]
        brand["primary_colour"] = programme.primary_colour or brand["primary_colour"]
        brand["accent_colour"] = programme.accent_colour or brand["accent_colour"]
        brand["logo_url"] = programme.logo_url or brand["logo_url"]
    brand["logo_url"] = _usable(brand["logo_url"])
    return brand


def brand_for_page(request, programme):
    """``brand_for``, noting on ``request`` where its logo comes from: the page's
    Content-Security-Policy lets images load from that host too (core.csp)."""
    brand = brand_for(programme)
    request.brand_logo_origin = logo_origin(brand["logo_url"])
    return brand


def _usable(logo_url):
    # A row saved before the rule existed (an http:// or javascript: address) shows no logo.
    try:
        validate_logo_url(logo_url)
    except ValidationError:
        return ""
    return logo_url
