import uuid
import zoneinfo
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.fields import DisplayNameField, LogoURLField, TimeZoneField
from core.models import TimeStampedModel

# Migration 0001 names the validator here.
from core.validators import validate_time_zone  # noqa: F401

colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #0b6e4f."))


class Units(models.TextChoices):
    KM = "km", _("Kilometres")
    MILES = "mi", _("Miles")


class ProgrammeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Programme(TimeStampedModel):
    """One six-week campaign. Several may exist; one is active (open for joining) at a time."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("start date"))
    time_zone = TimeZoneField(_("time zone"), default="Europe/London")
    unlock_time = models.TimeField(
        _("unlock time of day"),
        default=time(6, 0),
        help_text=_("Each week's level opens at this time, in the programme's time zone."),
    )
    weeks = models.PositiveSmallIntegerField(
        _("number of weeks"), default=6, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    logging_close_days = models.PositiveSmallIntegerField(
        _("logging close (days)"),
        default=3,
        help_text=_("How many days after a week ends its activity may still be logged."),
    )
    run_min_distance_m = models.PositiveIntegerField(
        _("shortest run that counts (metres)"),
        default=500,
        validators=[MinValueValidator(1)],
        help_text=_("Typed and imported runs shorter than this are refused."),
    )
    run_min_duration_s = models.PositiveIntegerField(
        _("shortest run that counts (seconds)"),
        default=120,
        validators=[MinValueValidator(1)],
        help_text=_("Typed and imported runs that took less time than this are refused."),
    )
    walks_count = models.BooleanField(
        _("walks count as runs"),
        default=False,
        help_text=_(
            "Whether imported walks and hikes (by their sport, or by a walking pace when the "
            "file names none) count as runs."
        ),
    )
    rules = models.TextField(_("official rules"), blank=True)
    is_active = models.BooleanField(_("active"), default=False)
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, blank=True, validators=[colour_validator]
    )
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, blank=True, validators=[colour_validator]
    )
    logo_url = LogoURLField(
        _("logo address"),
        max_length=300,
        blank=True,
        help_text=_("https://… or a path on this site such as /static/logo.svg."),
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="programme_one_active",
                violation_error_message=_("Only one programme can be active at a time."),
            ),
        ]

    def __str__(self):
        return self.name

    @cached_property
    def tz(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    def week_start(self, number):
        """The default unlock moment of week ``number`` (1-based), in the programme's zone."""
        day = self.starts_on + timedelta(weeks=number - 1)
        return datetime.combine(day, self.unlock_time, tzinfo=self.tz)

    @property
    def starts_at(self):
        return self.week_start(1)

    @property
    def ends_at(self):
        return self.week_start(self.weeks + 1)

    @property
    def logging_closes_at(self):
        return self.ends_at + timedelta(days=self.logging_close_days)


class Level(TimeStampedModel):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="levels")
    number = models.PositiveSmallIntegerField(_("week"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=120)
    focus = models.CharField(_("focus"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    unlocks_at = models.DateTimeField(_("unlocks at"))
    announced_at = models.DateTimeField(
        _("unlock announced at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set once by the unlock task; notices and emails go out exactly once."),
    )
    goal_runs = models.PositiveSmallIntegerField(_("minimum runs"), null=True, blank=True)
    goal_distance_m = models.PositiveIntegerField(
        _("minimum distance (metres)"), null=True, blank=True
    )
    goal_sessions = models.PositiveSmallIntegerField(
        _("minimum foot-strength sessions"), null=True, blank=True
    )
    tickets = models.PositiveSmallIntegerField(
        _("draw tickets on completion"), default=1, validators=[MinValueValidator(1)]
    )
    completions_locked_at = models.DateTimeField(
        _("completions locked at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when a draw's entries close; completions are no longer taken back."),
    )

    class Meta:
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="level_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="level_number_positive"),
        ]
        indexes = [models.Index(fields=["announced_at", "unlocks_at"])]

    def __str__(self):
        return _("Week %(number)s: %(title)s") % {"number": self.number, "title": self.title}

    def is_open(self, now):
        return self.unlocks_at <= now

    @property
    def has_goals(self):
        return any(g for g in (self.goal_runs, self.goal_distance_m, self.goal_sessions))

    def goals_met(self, *, runs, distance_m, sessions):
        """Whether a week's counted activity meets every goal this level sets."""
        return self.has_goals and (
            runs >= (self.goal_runs or 0)
            and distance_m >= (self.goal_distance_m or 0)
            and sessions >= (self.goal_sessions or 0)
        )


class Participant(TimeStampedModel):
    """A user's membership of one programme."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="participants")
    display_name = DisplayNameField(_("display name"), max_length=60)
    time_zone = TimeZoneField(_("time zone"))
    units = models.CharField(_("units"), max_length=2, choices=Units, default=Units.KM)
    country = CountryField(_("country"))
    confirmed_age_at = models.DateTimeField(_("confirmed age"), null=True, blank=True)
    confirmed_residence_at = models.DateTimeField(_("confirmed residence"), null=True, blank=True)
    consented_rules_at = models.DateTimeField(_("accepted the rules"), null=True, blank=True)
    leaderboard_opt_in = models.BooleanField(_("show me on the leaderboard"), default=False)
    reminder_emails = models.BooleanField(_("weekly unlock and reminder emails"), default=True)
    closing_reminder_emails = models.BooleanField(
        _("an email a day before a week closes, with goals left"), default=True, db_default=True
    )
    draw_id = models.UUIDField(_("public draw id"), default=uuid.uuid4, unique=True, editable=False)
    # Maintained by programme.services so the leaderboard reads an index, not a scan.
    total_distance_m = models.PositiveBigIntegerField(_("total distance (metres)"), default=0)
    tickets = models.PositiveIntegerField(_("draw tickets"), default=0)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["user", "programme"], name="participant_one_per_user"),
        ]
        indexes = [
            models.Index(
                "programme",
                F("total_distance_m").desc(),
                "id",
                name="participant_leaderboard",
                condition=Q(leaderboard_opt_in=True),
            ),
            models.Index(fields=["programme", "country"], name="participant_programme_country"),
        ]

    def __str__(self):
        return self.display_name

    @cached_property
    def tz(self):
        return zoneinfo.ZoneInfo(self.time_zone)


class Source(models.TextChoices):
    MANUAL = "manual", _("Logged by hand")
    GPX = "gpx", _("GPX file")
    TCX = "tcx", _("TCX file")
    FIT = "fit", _("FIT file")
    STRAVA = "strava", _("Strava")


class ReviewStatus(models.TextChoices):
    COUNTED = "counted", _("Counted")
    HELD = "held", _("Held for review")
    REJECTED = "rejected", _("Rejected")


class Run(TimeStampedModel):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="runs")
    level = models.ForeignKey(
        Level,
        on_delete=models.PROTECT,
        related_name="runs",
        null=True,
        blank=True,
        help_text=_("The week this run falls in."),
    )
    started_at = models.DateTimeField(_("start"))
    distance_m = models.PositiveIntegerField(_("distance (metres)"))
    duration_s = models.PositiveIntegerField(_("duration (seconds)"))
    source = models.CharField(_("source"), max_length=8, choices=Source, default=Source.MANUAL)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    effort = models.PositiveSmallIntegerField(
        _("effort (1–10)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    elevation_gain_m = models.PositiveIntegerField(
        _("elevation gain (metres)"), null=True, blank=True
    )
    status = models.CharField(
        _("review status"), max_length=10, choices=ReviewStatus, default=ReviewStatus.COUNTED
    )
    review_reason = models.CharField(_("review reason"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    # The form's one-time token: a double-submitted form finds the run it already made.
    submission_token = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("run")
        verbose_name_plural = _("runs")
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(distance_m__gt=0, distance_m__lte=200_000), name="run_distance_range"
            ),
            models.CheckConstraint(
                condition=Q(duration_s__gt=0, duration_s__lte=86_400), name="run_duration_range"
            ),
            models.CheckConstraint(
                condition=Q(effort__isnull=True) | Q(effort__gte=1, effort__lte=10),
                name="run_effort_range",
            ),
            models.UniqueConstraint(
                fields=["participant", "submission_token"], name="run_submitted_once"
            ),
        ]
        indexes = [
            models.Index(fields=["participant", "-started_at"], name="run_participant_start"),
            models.Index(fields=["status", "-started_at"], name="run_status_start"),
        ]

    def __str__(self):
        return _("%(distance).2f km on %(date)s") % {
            "distance": self.distance_m / 1000,
            "date": timezone.localtime(self.started_at).date(),
        }


class WeeklyTally(models.Model):
    """A participant's counted activity in one level's week, kept by programme.services.

    Completion checks, the dashboard, the weekly chart and the weekly leaderboard read
    this one row instead of aggregating runs on every request.
    """

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="tallies")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="tallies")
    run_count = models.PositiveIntegerField(default=0)
    distance_m = models.PositiveBigIntegerField(default=0)
    session_count = models.PositiveIntegerField(default=0)
    leaderboard_opt_in = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("weekly tally")
        verbose_name_plural = _("weekly tallies")
        constraints = [
            models.UniqueConstraint(fields=["participant", "level"], name="tally_one_per_week"),
        ]
        indexes = [
            models.Index(
                "level",
                F("distance_m").desc(),
                "participant",
                name="tally_leaderboard",
                condition=Q(leaderboard_opt_in=True),
            ),
        ]

    def __str__(self):
        return f"{self.participant} – {self.level}"


class LevelCompletion(models.Model):
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="completions"
    )
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(_("completed at"))
    tickets = models.PositiveSmallIntegerField(_("tickets"))

    class Meta:
        verbose_name = _("level completion")
        verbose_name_plural = _("level completions")
        constraints = [
            models.UniqueConstraint(fields=["participant", "level"], name="completion_once"),
        ]

    def __str__(self):
        return f"{self.participant} – {self.level}"
