"""Prizes, verifiable draws (spec: prize-draw v1), their results, claims and audit trail.

The rules live in ``rewards.services``; these models hold fields, invariants and tiny helpers.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.models import TimeStampedModel
from programme.models import Level, Participant, Programme

from .validators import validate_draw_slug, validate_prize_image


class Prize(TimeStampedModel):
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="prizes", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    sponsor = models.CharField(_("partner or sponsor"), max_length=120, blank=True)
    quantity = models.PositiveIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1)]
    )
    image = models.FileField(
        _("image"),
        upload_to="prizes/",
        blank=True,
        validators=[validate_prize_image],
        help_text=_("Optional. PNG, JPEG or WebP, at most 2 MB."),
    )
    needs_shoe_size = models.BooleanField(
        _("needs a shoe size"),
        default=False,
        help_text=_("Winners give their shoe size and size system when they claim."),
    )

    class Meta:
        verbose_name = _("prize")
        verbose_name_plural = _("prizes")
        ordering = ["programme", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="prize_quantity_positive"),
        ]

    def __str__(self):
        return self.name


class DrawState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled: commitment published")
    ENTRIES_CLOSED = "entries_closed", _("Entries closed: entries file published")
    DRAWN = "drawn", _("Drawn: seed and result published")
    FINISHED = "finished", _("Finished")


class Draw(TimeStampedModel):
    """One commit–reveal draw of a prize.

    ``seed`` is the secret behind ``commitment``: it is written once when the draw is
    scheduled and must never leave the database before the draw has run (no form, list,
    log, export or task result shows it). Everything else here is public once published.
    """

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="draws", verbose_name=_("programme")
    )
    prize = models.ForeignKey(
        Prize, on_delete=models.PROTECT, related_name="draws", verbose_name=_("prize")
    )
    slug = models.SlugField(
        _("public address"),
        unique=True,
        validators=[validate_draw_slug],
        help_text=_("Used in /draws/<slug>/."),
    )
    title = models.CharField(_("title"), max_length=160)
    winners = models.PositiveSmallIntegerField(
        _("winners"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10_000)],
        help_text=_("How many prizes the draw awards: one to each winner."),
    )
    alternates = models.PositiveSmallIntegerField(
        _("alternates"),
        default=0,
        validators=[MaxValueValidator(10_000)],
        help_text=_(
            "Drawn after the winners; used in rank order when a winner forfeits or is disqualified."
        ),
    )
    level = models.ForeignKey(
        Level,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("required level"),
        help_text=_(
            "Only participants who completed this level enter, with its tickets. "
            "Leave empty: every completed level counts, tickets add up."
        ),
    )
    one_prize_per_person = models.BooleanField(
        _("one prize per person"),
        default=True,
        help_text=_(
            "When ticked, anyone who holds a prize from another draw of this programme does "
            "not enter, so the prizes go to more people. With few entrants this can leave "
            "prizes unawarded: each entrant wins at most once, so a draw with fewer entrants "
            "than winners awards fewer prizes. The confirmation pages show the numbers."
        ),
    )
    eligible_countries = CountryField(
        _("eligible countries"),
        multiple=True,
        blank=True,
        help_text=_("Leave empty for every country."),
    )
    claim_window_days = models.PositiveSmallIntegerField(
        _("claim window (days)"), default=14, validators=[MinValueValidator(1)]
    )
    state = models.CharField(
        _("state"), max_length=16, choices=DrawState, default=DrawState.DRAFT, editable=False
    )
    seed = models.BinaryField(null=True, editable=False)
    commitment = models.CharField(_("commitment"), max_length=64, blank=True, editable=False)
    public_entropy = models.CharField(
        _("public entropy"), max_length=200, blank=True, editable=False
    )
    scheduled_at = models.DateTimeField(_("scheduled at"), null=True, editable=False)
    # The committed beacon (prize-draw.md v1.1): fixed with the commitment, before entries
    # close, so the public entropy is a drand round's randomness and nobody chooses it.
    beacon = models.CharField(
        _("beacon"),
        max_length=100,
        blank=True,
        editable=False,
        help_text=_("drand:<chain hash>:<round>"),
    )
    beacon_public_key = models.CharField(
        _("beacon public key"), max_length=192, blank=True, editable=False
    )
    beacon_scheme = models.CharField(_("beacon scheme"), max_length=40, blank=True, editable=False)
    beacon_round_at = models.DateTimeField(_("beacon round time"), null=True, editable=False)
    beacon_committed_at = models.DateTimeField(_("beacon committed at"), null=True, editable=False)
    beacon_signature = models.CharField(
        _("beacon signature"), max_length=192, blank=True, editable=False
    )
    # Chained schemes sign the previous round's signature too; empty for unchained ones.
    beacon_previous_signature = models.CharField(
        _("beacon previous signature"), max_length=192, blank=True, editable=False
    )
    beacon_signature_entered_at = models.DateTimeField(
        _("beacon signature entered at"), null=True, editable=False
    )
    entries_closed_at = models.DateTimeField(_("entries closed at"), null=True, editable=False)
    run_requested_at = models.DateTimeField(_("run last requested at"), null=True, editable=False)
    run_task_id = models.CharField(max_length=64, blank=True, editable=False)
    # Written (and committed) by the worker as it begins drawing, before the draw's own
    # transaction: the run page and the stalled-draw sweep tell "queued, never picked up"
    # from "picked up", and a draw under way holds its row lock until it is drawn.
    run_started_at = models.DateTimeField(_("run last started at"), null=True, editable=False)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, editable=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, editable=False)

    class Meta:
        verbose_name = _("draw")
        verbose_name_plural = _("draws")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(winners__gte=1), name="draw_winners_positive"),
            models.CheckConstraint(
                condition=Q(claim_window_days__gte=1), name="draw_claim_window_positive"
            ),
            models.CheckConstraint(
                condition=Q(state=DrawState.DRAFT)
                | (Q(seed__isnull=False) & ~Q(commitment="") & Q(scheduled_at__isnull=False)),
                name="draw_committed_once_scheduled",
            ),
            # The entropy is the signature's hash; never one without the other.
            models.CheckConstraint(
                condition=Q(beacon_signature="") | ~Q(public_entropy=""),
                name="draw_entropy_with_signature",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def seed_is_public(self):
        return self.state in (DrawState.DRAWN, DrawState.FINISHED)

    @property
    def entries_are_public(self):
        return self.state not in (DrawState.DRAFT, DrawState.SCHEDULED)


class DrawSnapshot(models.Model):
    """The canonical entries file of a draw, byte for byte as published, and its digest."""

    draw = models.OneToOneField(
        Draw, on_delete=models.CASCADE, primary_key=True, related_name="snapshot"
    )
    entries = models.BinaryField()
    digest = models.CharField(_("entries digest"), max_length=64)
    entrant_count = models.PositiveIntegerField(_("entrants"))
    ticket_count = models.PositiveBigIntegerField(_("tickets"))
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("entries snapshot")
        verbose_name_plural = _("entries snapshots")

    def __str__(self):
        return f"{self.draw} – {self.digest[:12]}"


class Role(models.TextChoices):
    WINNER = "winner", _("Winner")
    ALTERNATE = "alternate", _("Alternate")


class ResultStatus(models.TextChoices):
    WAITING = "waiting", _("Alternate, not needed so far")
    NOTIFIED = "notified", _("Notified, claim pending")
    CLAIMED = "claimed", _("Claimed")
    SHIPPED = "shipped", _("Shipped")
    FORFEITED = "forfeited", _("Forfeited")
    DISQUALIFIED = "disqualified", _("Disqualified")


# A result in one of these states holds a prize.
HOLDING = (ResultStatus.NOTIFIED, ResultStatus.CLAIMED, ResultStatus.SHIPPED)
# A place that can still be taken away (disqualified, or released when the person leaves).
OPEN = (ResultStatus.WAITING, ResultStatus.NOTIFIED, ResultStatus.CLAIMED)


class DrawResult(models.Model):
    """One ranked entrant of a drawn draw: winners 1..k, alternates k+1..k+m."""

    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="results")
    rank = models.PositiveIntegerField(_("rank"))
    entrant = models.UUIDField(_("entrant"))
    participant = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="draw_results",
        verbose_name=_("participant"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role)
    status = models.CharField(_("status"), max_length=12, choices=ResultStatus)
    awarded_at = models.DateTimeField(_("awarded at"), null=True, blank=True)
    claim_deadline = models.DateTimeField(_("claim deadline"), null=True, blank=True)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("took the prize of"),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    tracking = models.CharField(_("tracking"), max_length=120, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"))

    class Meta:
        verbose_name = _("draw result")
        verbose_name_plural = _("draw results")
        ordering = ["draw", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "rank"], name="result_rank_once"),
            models.UniqueConstraint(fields=["draw", "entrant"], name="result_entrant_once"),
            models.UniqueConstraint(fields=["draw", "participant"], name="result_participant_once"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="result_rank_positive"),
            models.CheckConstraint(
                condition=~Q(status__in=HOLDING) | Q(claim_deadline__isnull=False),
                name="result_holder_has_deadline",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "claim_deadline"], name="result_status_deadline"),
        ]

    def __str__(self):
        return _("%(draw)s, rank %(rank)s") % {"draw": self.draw_id, "rank": self.rank}

    @property
    def holds_prize(self):
        return self.status in HOLDING

    @property
    def alternate_place(self):
        return self.rank - self.draw.winners

    @property
    def is_open(self):
        """Not yet shipped, forfeited or disqualified: staff may still take it away."""
        return self.status in OPEN

    def is_claimable(self, now):
        """The winner may still claim it: notified, and the deadline has not passed."""
        return self.status == ResultStatus.NOTIFIED and now <= self.claim_deadline


class SizeSystem(models.TextChoices):
    EU = "eu", _("EU")
    UK = "uk", _("UK")
    US_MEN = "us_men", _("US men's")
    US_WOMEN = "us_women", _("US women's")


class Claim(models.Model):
    """What a winner sends to receive the prize. Addresses: staff with the permission only."""

    result = models.OneToOneField(DrawResult, on_delete=models.CASCADE, related_name="claim")
    size_system = models.CharField(_("size system"), max_length=10, choices=SizeSystem, blank=True)
    shoe_size = models.DecimalField(
        _("shoe size"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    full_name = models.CharField(_("full name"), max_length=120)
    address_line1 = models.CharField(_("address"), max_length=160)
    address_line2 = models.CharField(_("address line 2"), max_length=160, blank=True)
    city = models.CharField(_("town or city"), max_length=100)
    region = models.CharField(_("state, province or county"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = CountryField(_("country"))
    phone = models.CharField(_("phone"), max_length=32)
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        permissions = [
            (
                "view_shipping_address",
                _("Can see shipping addresses, export the fulfilment list and mark shipped"),
            ),
        ]

    def __str__(self):
        return _("Claim for %(result)s") % {"result": self.result}


class DrawEvent(models.Model):
    """The audit trail: who did what to a draw, and when (the task is "system")."""

    class Action(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled, commitment published")
        ENTRIES_CLOSED = "entries_closed", _("Entries closed, snapshot taken")
        RUN_REQUESTED = "run_requested", _("Run requested")
        RUN_REQUEUED = "run_requeued", _("Run queued again")
        DRAWN = "drawn", _("Drawn")
        CLAIMED = "claimed", _("Prize claimed")
        FORFEITED = "forfeited", _("Claim deadline missed")
        DISQUALIFIED = "disqualified", _("Disqualified")
        PROMOTED = "promoted", _("Alternate promoted")
        UNAWARDED = "unawarded", _("No alternate left: prize unawarded")
        EXPORTED = "exported", _("Fulfilment list exported")
        SHIPPED = "shipped", _("Marked shipped")
        FINISHED = "finished", _("Finished")

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="events")
    result = models.ForeignKey(
        DrawResult, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("what"), max_length=16, choices=Action)
    note = models.CharField(_("note"), max_length=300, blank=True)
    at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("draw event")
        verbose_name_plural = _("draw events")
        ordering = ["at", "pk"]
        constraints = [
            # Each step of a draw happens once; a second "drawn" row cannot exist.
            models.UniqueConstraint(
                fields=["draw", "action"],
                condition=Q(action__in=["scheduled", "entries_closed", "drawn", "finished"]),
                name="draw_event_step_once",
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} ({self.at:%Y-%m-%d %H:%M})"
