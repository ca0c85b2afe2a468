"""Access tokens for an athlete: allauth keeps them; this refreshes them before they expire."""

import datetime as dt

from allauth.socialaccount.models import SocialToken
from django.utils import timezone

from . import client
from .quota import quota_record

#: Refresh a token this long before Strava's expiry (tokens live six hours).
REFRESH_MARGIN = dt.timedelta(minutes=5)


class NoToken(Exception):
    """The athlete is not connected (any more)."""


def token_for(athlete_id):
    token = (
        SocialToken.objects.select_related("account")
        .filter(account__provider="strava", account__uid=str(athlete_id))
        .first()
    )
    if token is None:
        raise NoToken(f"Athlete {athlete_id} is not connected.")
    return token


def access_token(athlete_id, *, now=None):
    """A valid access token for the athlete, refreshed (and stored) when close to expiry."""
    now = now or timezone.now()
    token = token_for(athlete_id)
    if token.expires_at is None or token.expires_at - now > REFRESH_MARGIN:
        return token.token
    try:
        response = client.token_refresh(token.token_secret)
    except client.StravaError as error:
        if error.status == 400:  # Strava's answer to a refresh token it revoked
            raise client.Unauthorized("Strava revoked the refresh token.") from error
        raise
    quota_record(response.limits, now)
    data = response.data
    token.token = data["access_token"]
    token.token_secret = data.get("refresh_token") or token.token_secret
    token.expires_at = dt.datetime.fromtimestamp(int(data["expires_at"]), dt.UTC)
    token.save(update_fields=["token", "token_secret", "expires_at"])
    return token.token
