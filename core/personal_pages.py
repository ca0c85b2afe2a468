"""A participant's own pages, served again from the cache until something they show changes.

Rendering is most of a signed-in page's cost (bench/README.md), and a runner opens the same
few pages (dashboard, a level, their runs, the leaderboard) far more often than anything on
them changes. So the bytes of such a page are kept in the shared cache for
``PERSONAL_PAGE_SECONDS``, for that one browser session, under a key made of:

- the browser's session and CSRF cookies (hashed): a page holds its owner's name, data and
  CSRF token, so it is only ever served back to the browser it was rendered for;
- the public pages' version (core/public_pages.py): programme, levels, draws, exercises;
- the owner's user version and participant version, which ``personal_pages_changed`` sets
  anew, now and once the change commits, when something of theirs changes: any POST they
  make (``PersonalPagesMiddleware``), and saves and deletes of their runs, sessions,
  notices, uploads, results, account (web/signals.py), and the progress service's
  set-based updates.

A hit touches neither the session nor the database: the first render for a session records
its owner (user and participant ids) in the cache, and only a later request, which reads the
owner's versions *before* rendering, stores a page; a change that lands while a page renders
therefore leaves that page under versions that no longer match. Signing out forgets the
session's owner (``session_forget``); a password change or deactivation saves the user, so
every session of theirs renders again, where Django's own checks sign the old ones out.

The time limit bounds what no version sees: the clock (days left, a week that opens; the
unlock announcement also bumps the public version), other runners' progress on the
leaderboard, and a sign-out while Redis was down (the session's pages, read-only, for at
most ``PERSONAL_PAGE_SECONDS``).

Never cached: anything but GET/HEAD without a query string, requests without both cookies
or with a ``messages`` cookie, and any answer but a plain 200 without cookies, without a CSP
nonce and without messages shown.
"""

import hashlib
import secrets
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.utils import translation
from django.utils.cache import patch_vary_headers

from core.public_pages import VERSION_KEY as PUBLIC_VERSION_KEY

PERSONAL_PAGE_SECONDS = 60
#: How long a session's owner is remembered: a day, so that a runner's first visit of the
#: day renders once, not twice. It only says whose pages a session may be served; every
#: page itself lives PERSONAL_PAGE_SECONDS.
OWNER_SECONDS = 24 * 60 * 60
#: Versions outlive every page stored under them.
VERSION_SECONDS = 24 * 60 * 60
_SAFE_METHODS = ("GET", "HEAD")


def _user_key(user_id):
    return f"personal:user:{user_id}"


def _participant_key(participant_id):
    return f"personal:participant:{participant_id}"


def _owner_key(session_id):
    return f"personal:owner:{session_id}"


def _session_id(request):
    """The browser session a page may be served back to, or None when it has none."""
    session_cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    if not session_cookie or not csrf_cookie:
        return None
    both = f"{session_cookie}\0{csrf_cookie}".encode()
    return hashlib.sha256(both).hexdigest()[:40]


def _cacheable_request(request):
    return (
        request.method in _SAFE_METHODS
        and not request.META.get("QUERY_STRING")
        and "messages" not in request.COOKIES
    )


def personal_pages_changed(*, user_id=None, participant_id=None):
    """Something a person's pages show changed: their cached pages are stale.

    Set now, so this request's next read is fresh, and again once the change commits: a
    page rendered in between from the old data is left under a version nobody asks for.
    """
    keys = []
    if user_id is not None:
        keys.append(_user_key(user_id))
    if participant_id is not None:
        keys.append(_participant_key(participant_id))
    if not keys:
        return

    def renew():
        cache.set_many({key: secrets.token_hex(6) for key in keys}, VERSION_SECONDS)

    renew()
    transaction.on_commit(renew)


def session_forget(request):
    """This browser session ended (signed out): none of its pages is served again."""
    session_id = _session_id(request)
    if session_id is not None:
        cache.delete(_owner_key(session_id))


def _page_key(session_id, owner, found):
    user_id, participant_id = owner
    return ":".join(
        (
            "personal:page",
            session_id,
            str(found.get(PUBLIC_VERSION_KEY, 0)),
            str(found.get(_user_key(user_id), 0)),
            str(found.get(_participant_key(participant_id), 0)),
            translation.get_language() or "",
        )
    )


def _storable(request, response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not get_nonce(request)
        and not len(messages.get_messages(request))
        and getattr(request, "participant", None) is not None
    )


def personal_page(view):
    """Serve a participant page's GET from the cache for the same browser (see the module).

    Goes outside the view's permission decorator: a hit is a page that browser was allowed
    to see when it was rendered, within the limits the module describes.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        session_id = _session_id(request) if _cacheable_request(request) else None
        if session_id is None:
            return view(request, *args, **kwargs)
        owner = cache.get(_owner_key(session_id))
        key = None
        if owner is not None:
            user_id, participant_id = owner
            found = cache.get_many(
                [PUBLIC_VERSION_KEY, _user_key(user_id), _participant_key(participant_id)]
            )
            key = f"{_page_key(session_id, owner, found)}:{request.path}"
            cached = cache.get(key)
            if cached is not None:
                content, content_type = cached
                response = HttpResponse(content, content_type=content_type)
                patch_vary_headers(response, ("Cookie",))
                return response
        response = view(request, *args, **kwargs)
        if not _storable(request, response):
            return response
        rendered_owner = (request.user.pk, request.participant.pk)
        if key is not None and rendered_owner == owner:
            cache.set(key, (response.content, response["Content-Type"]), PERSONAL_PAGE_SECONDS)
        else:  # first render for this session: remember whose it is, store the next one
            cache.set(_owner_key(session_id), rendered_owner, OWNER_SECONDS)
        return response

    return wrapper


class PersonalPagesMiddleware:
    """Any change a signed-in person makes (a POST, PUT, PATCH or DELETE) makes their pages
    stale, whatever it changed: forms, profile, notices read, claims."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in _SAFE_METHODS:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                personal_pages_changed(user_id=user.pk)
        return response
