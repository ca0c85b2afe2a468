"""What the app keeps of Strava: links to athletes, the activities it saw, and its work queue.

Tokens are allauth's (``SocialToken``); nothing here holds a secret.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programme.models import Run


class StravaLink(models.Model):
    """A person's connection to their Strava athlete, beside allauth's ``SocialAccount``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="strava_link"
    )
    athlete_id = models.BigIntegerField(_("Strava athlete id"), unique=True)
    # The scopes the person granted on Strava's consent page ("read,activity:read", …).
    scope = models.CharField(_("granted scope"), max_length=200, blank=True)
    connected_at = models.DateTimeField(_("connected"))
    backfill_requested_at = models.DateTimeField(_("backfill requested"), null=True, blank=True)
    backfill_done_at = models.DateTimeField(_("backfill done"), null=True, blank=True)

    class Meta:
        verbose_name = _("Strava connection")
        verbose_name_plural = _("Strava connections")

    def __str__(self):
        return f"athlete {self.athlete_id}"

    @property
    def reads_private(self):
        return "activity:read_all" in self.scope.split(",")


class ActivityState(models.TextChoices):
    IMPORTED = "imported", _("Imported")
    SKIPPED = "skipped", _("Skipped")
    WITHDRAWN = "withdrawn", _("Withdrawn (deleted or changed on Strava)")


class StravaActivity(models.Model):
    """Every Strava activity the app looked at, and what became of it.

    A run deleted here leaves ``run`` empty while the row stays "imported": the activity is
    never imported again.
    """

    activity_id = models.BigIntegerField(_("Strava activity id"), unique=True)
    athlete_id = models.BigIntegerField(_("Strava athlete id"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="strava_activities"
    )
    run = models.OneToOneField(
        Run, on_delete=models.SET_NULL, null=True, blank=True, related_name="strava_activity"
    )
    state = models.CharField(_("state"), max_length=10, choices=ActivityState)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    sport_type = models.CharField(_("sport type"), max_length=40, blank=True)
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("Strava activity")
        verbose_name_plural = _("Strava activities")

    def __str__(self):
        return f"activity {self.activity_id} ({self.state})"


class JobKind(models.TextChoices):
    ACTIVITY = "activity", _("Import or update an activity")
    DELETE = "delete", _("Withdraw a deleted activity")
    BACKFILL = "backfill", _("List an athlete's past activities")
    DEAUTHORIZE = "deauthorize", _("Forget a deauthorized athlete")


class StravaJob(models.Model):
    """One thing the app must still do with Strava: a row first, so nothing is lost.

    Webhook events, backfills and deauthorizations each add a row; ``strava.tasks.run_jobs``
    works through due rows within Strava's rate limits, and beat runs it every minute, so a
    lost broker message or a dead worker only delays a job. One pending row per kind and
    object: Strava's retries of an event add nothing.
    """

    kind = models.CharField(_("kind"), max_length=12, choices=JobKind)
    athlete_id = models.BigIntegerField(_("Strava athlete id"))
    object_id = models.BigIntegerField(_("activity id or page"), default=0)
    due_at = models.DateTimeField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("Strava job")
        verbose_name_plural = _("Strava jobs")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "athlete_id", "object_id"],
                condition=Q(done_at__isnull=True),
                name="strava_job_pending_once",
            )
        ]
        indexes = [
            models.Index(
                fields=["due_at"], condition=Q(done_at__isnull=True), name="strava_job_due"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id} for athlete {self.athlete_id}"


class StravaQuota(models.Model):
    """Strava's rate limits as its last response reported them (one row).

    Strava counts requests per application in 15-minute windows (starting on the quarter
    hour) and per UTC day, and reports limit and usage on every response.
    """

    short_limit = models.PositiveIntegerField(default=100)
    short_usage = models.PositiveIntegerField(default=0)
    daily_limit = models.PositiveIntegerField(default=1000)
    daily_usage = models.PositiveIntegerField(default=0)
    observed_at = models.DateTimeField(null=True, blank=True)
    # After a 429, nothing is sent before this moment.
    paused_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Strava quota")
        verbose_name_plural = _("Strava quota")

    def __str__(self):
        return (
            f"{self.short_usage}/{self.short_limit} this quarter hour, "
            f"{self.daily_usage}/{self.daily_limit} today"
        )
