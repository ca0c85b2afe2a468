from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

MAX_SETS = 20
MAX_REPS = 200
MAX_HOLD_S = 600
MAX_REST_S = 600


class Family(models.TextChoices):
    STRETCH_AND_ROLL = "stretch-and-roll", _("Stretch and roll")
    ACTIVATE_AND_ENGAGE = "activate-and-engage", _("Activate and engage")
    MOBILISATION = "mobilisation", _("Mobilisation")
    ACTIVE_STRETCHING = "active-stretching", _("Active stretching")
    STRENGTHEN = "strengthen", _("Strengthen")


class Equipment(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        ordering = ["name"]

    def __str__(self):
        return self.name


def _one_of_reps_or_hold(prefix):
    return models.CheckConstraint(
        condition=(
            Q(reps__isnull=False, hold_s__isnull=True) | Q(reps__isnull=True, hold_s__isnull=False)
        ),
        name=f"{prefix}_reps_xor_hold",
        violation_error_message=_("Give either repetitions or a hold time, not both."),
    )


def _prescription_in_bounds(prefix):
    """The database keeps the same bounds as the validators: 1–20 sets, 1–200 reps, 1–600 s."""
    return models.CheckConstraint(
        condition=(
            Q(sets__gte=1, sets__lte=MAX_SETS)
            & (Q(reps__isnull=True) | Q(reps__gte=1, reps__lte=MAX_REPS))
            & (Q(hold_s__isnull=True) | Q(hold_s__gte=1, hold_s__lte=MAX_HOLD_S))
        ),
        name=f"{prefix}_prescription_in_bounds",
    )


class Prescription(models.Model):
    """Sets × reps, or sets × hold seconds: exactly one of the two."""

    sets = models.PositiveSmallIntegerField(
        _("sets"), validators=[MinValueValidator(1), MaxValueValidator(MAX_SETS)]
    )
    reps = models.PositiveSmallIntegerField(
        _("reps"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REPS)],
    )
    hold_s = models.PositiveSmallIntegerField(
        _("hold (seconds)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HOLD_S)],
    )

    class Meta:
        abstract = True

    @property
    def amount_label(self):
        if self.hold_s:
            return _("%(sets)s × %(seconds)s s") % {"sets": self.sets, "seconds": self.hold_s}
        return _("%(sets)s × %(reps)s") % {"sets": self.sets, "reps": self.reps}


class Exercise(TimeStampedModel, Prescription):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)
    family = models.CharField(_("family"), max_length=24, choices=Family)
    summary = models.CharField(_("summary"), max_length=300)
    cues = models.TextField(_("cues"), help_text=_("One step per line."))
    benefits = models.TextField(_("what it is good for"), blank=True)
    cautions = models.CharField(_("cautions"), max_length=300, blank=True)
    equipment = models.ManyToManyField(Equipment, related_name="exercises", blank=True)
    per_foot = models.BooleanField(
        _("per foot"),
        default=False,
        help_text=_("Each set is done with one foot, then the other (the guide times both)."),
    )
    rest_s = models.PositiveSmallIntegerField(
        _("rest (seconds)"), default=30, validators=[MaxValueValidator(MAX_REST_S)]
    )
    illustration_alt = models.CharField(
        _("picture description"),
        max_length=200,
        blank=True,
        help_text=_(
            "What the drawing in static/exercises/illustrations/<slug>.svg shows, for those who "
            "cannot see it. Leave empty when there is no drawing for this exercise."
        ),
    )
    # One-to-one: a chain from easier to harder, each step with one successor and one
    # predecessor at most.
    progresses_to = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="progresses_from",
        verbose_name=_("progresses to"),
    )

    class Meta:
        verbose_name = _("exercise")
        verbose_name_plural = _("exercises")
        ordering = ["family", "name"]
        constraints = [
            _one_of_reps_or_hold("exercise"),
            _prescription_in_bounds("exercise"),
            models.CheckConstraint(
                condition=~Q(progresses_to=models.F("pk")), name="exercise_not_own_progression"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("exercises:detail", args=[self.slug])

    @property
    def illustration(self):
        """The drawing's static path, or "" when this exercise has none (no description)."""
        return f"exercises/illustrations/{self.slug}.svg" if self.illustration_alt else ""

    @property
    def cue_list(self):
        return [line.strip() for line in self.cues.splitlines() if line.strip()]


class RoutineItem(Prescription):
    """One exercise of a level's weekly routine, with that week's prescription."""

    level = models.ForeignKey(
        "programme.Level", on_delete=models.CASCADE, related_name="routine_items"
    )
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="routine_items")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    rest_s = models.PositiveSmallIntegerField(
        _("rest (seconds)"), default=30, validators=[MaxValueValidator(MAX_REST_S)]
    )

    class Meta:
        verbose_name = _("routine exercise")
        verbose_name_plural = _("routine")
        ordering = ["level", "position", "id"]
        constraints = [
            _one_of_reps_or_hold("routineitem"),
            _prescription_in_bounds("routineitem"),
        ]

    def __str__(self):
        return f"{self.exercise} ({self.amount_label})"


class StrengthSession(TimeStampedModel):
    participant = models.ForeignKey(
        "programme.Participant", on_delete=models.CASCADE, related_name="strength_sessions"
    )
    level = models.ForeignKey(
        "programme.Level",
        on_delete=models.PROTECT,
        related_name="strength_sessions",
        null=True,
        blank=True,
    )
    performed_at = models.DateTimeField(_("date and time"))
    from_routine = models.BooleanField(_("the week's routine"), default=False)
    difficulty = models.PositiveSmallIntegerField(
        _("perceived difficulty (1–10)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    submission_token = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("foot-strength session")
        verbose_name_plural = _("foot-strength sessions")
        ordering = ["-performed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "submission_token"], name="session_submitted_once"
            ),
            models.CheckConstraint(
                condition=Q(difficulty__isnull=True) | Q(difficulty__gte=1, difficulty__lte=10),
                name="session_difficulty_range",
            ),
        ]
        indexes = [
            models.Index(fields=["participant", "-performed_at"], name="session_participant_time")
        ]

    def __str__(self):
        return _("Foot-strength session on %(date)s") % {"date": self.performed_at.date()}


class SessionExercise(Prescription):
    session = models.ForeignKey(StrengthSession, on_delete=models.CASCADE, related_name="items")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"), default=1)

    class Meta:
        verbose_name = _("exercise done")
        verbose_name_plural = _("exercises done")
        ordering = ["session", "position", "id"]
        constraints = [
            _one_of_reps_or_hold("sessionexercise"),
            _prescription_in_bounds("sessionexercise"),
        ]

    def __str__(self):
        return f"{self.exercise} ({self.amount_label})"
