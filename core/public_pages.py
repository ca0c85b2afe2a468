"""Whole public pages for visitors who are not signed in, served from the cache.

Rendering is most of a page's cost (bench/README.md). A public page (landing, rules,
exercise catalogue, a published draw) is the same for every anonymous visitor, so its
rendered bytes are kept in the shared cache for ``PUBLIC_PAGE_SECONDS`` under a key that
includes a version number. Any change to what these pages show bumps the version once the
change commits (``public_pages_changed``, connected to the models' save and delete signals
in web/signals.py), so the next visitor gets a freshly rendered page; the time limit bounds
what a signal cannot see (a ``QuerySet.update``, or a level unlocking as the clock moves).

Never cached: anyone with a session cookie (their header and forms are theirs), any request
but GET/HEAD, any request with a query string (a lookup such as a draw's "Am I in?" box is
one person's question, and caching every query string a visitor makes up would let anyone
fill the cache), any answer but a plain 200 without cookies. The pages use no CSP nonce (the
brand colours come from /brand.css), so the cached bytes hold no per-request secret.
"""

from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.utils import translation

PUBLIC_PAGE_SECONDS = 60
VERSION_KEY = "public-pages:version"


def _version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def public_pages_changed(**_ignored):
    """Something a public page shows changed: every cached public page is stale.

    Bumped now, so this connection's own next read is fresh, and again once the change
    commits: a page another visitor rendered in between saw the old data and is dropped.
    """
    _bump()
    transaction.on_commit(_bump)


def _bump():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet: nothing is cached under one
        cache.add(VERSION_KEY, 1, timeout=None)


def _cacheable_request(request):
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and not (settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES)
    )


def public_page(view):
    """Serve ``view``'s answer to anonymous visitors from the cache (see the module)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = f"public-page:{_version()}:{translation.get_language()}:{request.path}"
        cached = cache.get(key)
        if cached is not None:
            content, content_type, vary = cached
            response = HttpResponse(content, content_type=content_type)
            if vary:
                response["Vary"] = vary  # as rendered: a shared proxy must not mix visitors
            return response
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            # A page that used its CSP nonce must never be served again (nonce reuse).
            and not get_nonce(request)
        ):
            cache.set(
                key,
                (response.content, response["Content-Type"], response.get("Vary")),
                PUBLIC_PAGE_SECONDS,
            )
        return response

    return wrapper
