"""When allauth has stored a Strava connection, keep the app's side of it."""

from allauth.socialaccount.signals import (
    social_account_added,
    social_account_removed,
    social_account_updated,
)
from django.dispatch import receiver
from django.utils import timezone

from . import services


@receiver(social_account_added)
@receiver(social_account_updated)
def strava_connected(sender, request, sociallogin, **kwargs):
    account = sociallogin.account
    if account.provider != "strava":
        return
    # Strava sends back the scopes the person left ticked on its consent page.
    services.link_connected(
        user=account.user,
        athlete_id=int(account.uid),
        scope=request.GET.get("scope", ""),
        now=timezone.now(),
    )


@receiver(social_account_removed)
def strava_removed(sender, request, socialaccount, **kwargs):
    """Removed from allauth's own connections page: forget it as a disconnect would."""
    if socialaccount.provider == "strava":
        services.athlete_forget(athlete_id=int(socialaccount.uid))
