"""django-allauth's Strava provider, with its addresses taken from settings.

allauth's ``StravaOAuth2Adapter`` names www.strava.com in class attributes; this subclass
reads ``STRAVA_OAUTH_URL`` and ``STRAVA_API_URL``, so tests run the same flow against a local
fake. The provider is registered only when the organiser configured a Strava application.
"""

from allauth.socialaccount.providers.strava.provider import StravaProvider as AllauthStrava
from allauth.socialaccount.providers.strava.views import StravaOAuth2Adapter
from django.conf import settings

from . import client


class StravaAdapter(StravaOAuth2Adapter):
    @property
    def access_token_url(self):
        return client.oauth("token")

    @property
    def authorize_url(self):
        return client.oauth("authorize")

    @property
    def profile_url(self):
        return client.api("athlete")


class StravaProvider(AllauthStrava):
    oauth2_adapter_class = StravaAdapter
    # allauth finds the login and callback views and their URLs here.
    package = "strava.oauth"


provider_classes = [StravaProvider] if settings.STRAVA_ENABLED else []
