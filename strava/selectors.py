"""What the Strava pages and the admin read."""

from allauth.socialaccount.models import SocialAccount
from django.db.models import Count, Q

from .models import ActivityState, StravaActivity, StravaJob, StravaLink


def link_for(user):
    return StravaLink.objects.filter(user=user).first()


def athlete_name(user):
    """The athlete's name as Strava gave it at connection (shown only to that person)."""
    account = SocialAccount.objects.filter(user=user, provider="strava").first()
    if account is None:
        return ""
    data = account.extra_data or {}
    return " ".join(p for p in (data.get("firstname"), data.get("lastname")) if p)


def sync_status(link):
    """Counts for the connection page: pending jobs, imported and skipped activities."""
    pending = StravaJob.objects.filter(athlete_id=link.athlete_id, done_at__isnull=True).count()
    counts = StravaActivity.objects.filter(athlete_id=link.athlete_id).aggregate(
        imported=Count("pk", filter=Q(state=ActivityState.IMPORTED, run__isnull=False)),
        skipped=Count("pk", filter=Q(state=ActivityState.SKIPPED)),
    )
    finished = counts["imported"] + counts["skipped"]
    return {"pending": pending, **counts, "finished": finished, "total": finished + pending}


def recent_activities(link, size=10):
    return list(
        StravaActivity.objects.filter(athlete_id=link.athlete_id)
        .select_related("run")
        .order_by("-updated_at")[:size]
    )
