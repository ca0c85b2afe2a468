"""System checks: settings that would break a page are refused at start-up."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError

from .validators import validate_logo_url


@checks.register
def check_brand_logo_url(app_configs, **kwargs):
    logo_url = settings.BRAND.get("logo_url", "")
    if not logo_url:
        return []
    try:
        validate_logo_url(logo_url)
    except ValidationError as error:
        return [
            checks.Error(
                f"BRAND_LOGO_URL={logo_url!r}: {error.messages[0]}",
                hint="The Content-Security-Policy allows images from that https host only.",
                id="core.E001",
            )
        ]
    return []
