"""Create, show or delete the app's Strava webhook (push) subscription.

Strava allows one subscription per application; it checks the callback address by calling it
with a challenge while this command waits, so the site must be reachable at that address.
"""

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from strava import client, services


class Command(BaseCommand):
    help = "Manage the Strava webhook subscription: show (default), create or delete."

    def add_arguments(self, parser):
        parser.add_argument(
            "action", nargs="?", choices=["show", "create", "delete"], default="show"
        )
        parser.add_argument(
            "--callback-url",
            help="The public address of the webhook (default: SITE_URL + /strava/webhook/).",
        )

    def handle(self, *args, action, callback_url=None, **options):
        if not services.strava_enabled():
            raise CommandError(
                "Strava is not configured: set STRAVA_CLIENT_ID, STRAVA_CLIENT_SECRET and "
                "STRAVA_WEBHOOK_VERIFY_TOKEN."
            )
        try:
            if action == "create":
                url = callback_url or services.webhook_address(reverse("strava:webhook"))
                subscription_id = services.subscription_create(url)
                self.stdout.write(f"Created subscription {subscription_id} for {url}")
            elif action == "delete":
                deleted = services.subscriptions_delete()
                self.stdout.write(
                    f"Deleted subscription {', '.join(map(str, deleted))}"
                    if deleted
                    else "No subscription."
                )
            else:
                subscriptions = services.subscriptions_show()
                if not subscriptions:
                    self.stdout.write("No subscription.")
                for sub in subscriptions:
                    self.stdout.write(f"Subscription {sub['id']}: {sub['callback_url']}")
        except client.StravaError as error:
            raise CommandError(f"Strava refused: {error}") from error
