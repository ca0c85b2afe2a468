"""The Content-Security-Policy header: settings.SECURE_CSP, and the logo's host for images."""

from django.conf import settings
from django.middleware.csp import ContentSecurityPolicyMiddleware as DjangoCSPMiddleware

from .validators import logo_origin


def image_origins(request):
    """External hosts a page may load images from: the configured logo's (settings.BRAND)
    and the one the page's brand shows (core.branding.brand_for_page), and no others."""
    origins = [
        logo_origin(settings.BRAND.get("logo_url", "")),
        getattr(request, "brand_logo_origin", None),
    ]
    return list(dict.fromkeys(origin for origin in origins if origin))


class ContentSecurityPolicyMiddleware(DjangoCSPMiddleware):
    """Django's, with img-src widened to ``image_origins``. A view that sets its own policy
    (django.views.decorators.csp) keeps it as it is."""

    def process_response(self, request, response):
        origins = image_origins(request)
        if origins and not hasattr(response, "_csp_config") and settings.SECURE_CSP:
            policy = dict(settings.SECURE_CSP)
            images = policy.get("img-src", policy.get("default-src", []))
            policy["img-src"] = [*images, *origins]
            response._csp_config = policy
        return super().process_response(request, response)
