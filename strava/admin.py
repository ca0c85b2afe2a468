from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import client, quota, services
from .models import StravaActivity, StravaJob, StravaLink, StravaQuota

# allauth's own admin would show tokens (never shown) and athletes' Strava profiles (shown
# only to their owner, by Strava's API Agreement); the application comes from settings.
for _model in (SocialApp, SocialToken, SocialAccount):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(StravaQuota)
class StravaQuotaAdmin(admin.ModelAdmin):
    """The rate-limit quota as Strava last reported it, and the webhook subscription."""

    list_display = ["__str__", "available_now", "observed_at", "paused_until"]
    actions = ["subscription_show", "subscription_create", "subscription_delete"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_subscription_permission(self, request):
        # Creating or deleting the webhook subscription changes what Strava sends.
        return request.user.has_perm("strava.change_stravaquota")

    def get_queryset(self, request):
        quota.quota_current()  # the one row exists, so the actions have something to act on
        return super().get_queryset(request)

    @admin.display(description=gettext_lazy("requests available now"))
    def available_now(self, obj):
        return quota.requests_available(timezone.now())

    def _strava(self, request, call):
        try:
            return call()
        except client.StravaError as error:
            self.message_user(request, _("Strava refused: %s") % error, messages.ERROR)
            return None

    @admin.action(description=gettext_lazy("Show the webhook subscription"), permissions=["view"])
    def subscription_show(self, request, queryset):
        subscriptions = self._strava(request, services.subscriptions_show)
        if subscriptions is None:
            return
        if not subscriptions:
            self.message_user(request, _("No webhook subscription."), messages.WARNING)
        for sub in subscriptions:
            self.message_user(
                request,
                _("Subscription %(id)s: %(url)s") % {"id": sub["id"], "url": sub["callback_url"]},
            )

    @admin.action(
        description=gettext_lazy("Create the webhook subscription"), permissions=["subscription"]
    )
    def subscription_create(self, request, queryset):
        url = services.webhook_address(reverse("strava:webhook"))
        created = self._strava(request, lambda: services.subscription_create(url))
        if created is not None:
            self.message_user(
                request, _("Created subscription %(id)s for %(url)s") % {"id": created, "url": url}
            )

    @admin.action(
        description=gettext_lazy("Delete the webhook subscription"), permissions=["subscription"]
    )
    def subscription_delete(self, request, queryset):
        deleted = self._strava(request, services.subscriptions_delete)
        if deleted is not None:
            self.message_user(
                request, _("Deleted %(count)s subscription(s).") % {"count": len(deleted)}
            )


@admin.register(StravaJob)
class StravaJobAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "athlete_id",
        "object_id",
        "due_at",
        "done_at",
        "attempts",
        "last_error",
    ]
    list_filter = ["kind", ("done_at", admin.EmptyFieldListFilter)]
    readonly_fields = [f.name for f in StravaJob._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(StravaActivity)
class StravaActivityAdmin(admin.ModelAdmin):
    # Ids, states and reasons only: the figures of a Strava run are its owner's (review of
    # a held run happens on the run itself).
    list_display = ["activity_id", "user", "state", "sport_type", "reason", "updated_at"]
    list_filter = ["state"]
    search_fields = ["activity_id", "user__email"]
    readonly_fields = [f.name for f in StravaActivity._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(StravaLink)
class StravaLinkAdmin(admin.ModelAdmin):
    list_display = ["user", "athlete_id", "scope", "connected_at", "backfill_done_at"]
    search_fields = ["user__email", "athlete_id"]
    readonly_fields = [f.name for f in StravaLink._meta.fields]

    def has_add_permission(self, request):
        return False
