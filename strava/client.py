"""Strava's v3 API over HTTP, and nothing else: no database, no rules.

Base URLs are settings (``STRAVA_OAUTH_URL``, ``STRAVA_API_URL``), so the tests talk to a
local fake and production to Strava. Every response's rate-limit headers are handed back.
"""

from dataclasses import dataclass

import requests
from django.conf import settings

TIMEOUT_S = 10


class StravaError(Exception):
    """Strava answered, or failed to, in a way the caller must handle."""

    status = None  # the HTTP status, when Strava answered


class RateLimited(StravaError):
    """HTTP 429: the application used its 15-minute or daily quota."""

    def __init__(self, limits):
        super().__init__("Strava's rate limit was reached.")
        self.limits = limits


class NotFound(StravaError):
    """The activity is gone, or is private and the token may not read it."""


class Unauthorized(StravaError):
    """The token was revoked or lacks a scope."""


@dataclass(frozen=True)
class RateLimits:
    """What one response said of the quota: (15-minute, daily) limit and usage."""

    short_limit: int
    daily_limit: int
    short_usage: int
    daily_usage: int

    @classmethod
    def from_headers(cls, headers):
        # Since 2024 Strava also reports a stricter read quota; reads are all this app does.
        limit = headers.get("X-ReadRateLimit-Limit") or headers.get("X-RateLimit-Limit")
        usage = headers.get("X-ReadRateLimit-Usage") or headers.get("X-RateLimit-Usage")
        try:
            short_limit, daily_limit = (int(x) for x in limit.split(","))
            short_usage, daily_usage = (int(x) for x in usage.split(","))
        except (AttributeError, ValueError):
            return None
        return cls(short_limit, daily_limit, short_usage, daily_usage)


@dataclass(frozen=True)
class Response:
    data: object
    limits: RateLimits | None


def _call(method, url, *, token=None, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        response = requests.request(method, url, headers=headers, timeout=TIMEOUT_S, **kwargs)
    except requests.RequestException as error:
        raise StravaError(f"Strava could not be reached ({type(error).__name__}).") from error
    limits = RateLimits.from_headers(response.headers)
    if response.status_code == 429:
        raise RateLimited(limits)
    if response.status_code == 404:
        raise NotFound("Strava has no such activity, or it is private.")
    if response.status_code in (401, 403):
        raise Unauthorized("Strava refused the token.")
    if response.status_code >= 400:
        error = StravaError(f"Strava answered HTTP {response.status_code}.")
        error.status = response.status_code
        raise error
    data = response.json() if response.content else None
    return Response(data, limits)


def api(path):
    return f"{settings.STRAVA_API_URL.rstrip('/')}/{path.lstrip('/')}"


def oauth(path):
    return f"{settings.STRAVA_OAUTH_URL.rstrip('/')}/{path.lstrip('/')}"


def athlete_get(token):
    return _call("GET", api("athlete"), token=token)


def activity_get(token, activity_id):
    return _call("GET", api(f"activities/{activity_id}"), token=token)


def activity_streams_get(token, activity_id):
    return _call(
        "GET",
        api(f"activities/{activity_id}/streams"),
        token=token,
        params={"keys": "time,latlng,distance,altitude", "key_by_type": "true"},
    )


def athlete_activities_list(token, *, after, before, page, per_page=100):
    return _call(
        "GET",
        api("athlete/activities"),
        token=token,
        params={"after": after, "before": before, "page": page, "per_page": per_page},
    )


def token_refresh(refresh_token):
    return _call(
        "POST",
        oauth("token"),
        data={
            "client_id": settings.STRAVA_CLIENT_ID,
            "client_secret": settings.STRAVA_CLIENT_SECRET,
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
        },
    )


def deauthorize(token):
    return _call("POST", oauth("deauthorize"), data={"access_token": token})


def _app_credentials():
    return {"client_id": settings.STRAVA_CLIENT_ID, "client_secret": settings.STRAVA_CLIENT_SECRET}


def subscriptions_list():
    return _call("GET", api("push_subscriptions"), params=_app_credentials())


def subscription_create(callback_url):
    return _call(
        "POST",
        api("push_subscriptions"),
        data={
            **_app_credentials(),
            "callback_url": callback_url,
            "verify_token": settings.STRAVA_WEBHOOK_VERIFY_TOKEN,
        },
    )


def subscription_delete(subscription_id):
    return _call("DELETE", api(f"push_subscriptions/{subscription_id}"), params=_app_credentials())
