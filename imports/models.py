"""Activity files people upload, and what an imported file adds to its run."""

import uuid

from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from programme.models import Participant, Run


class RunTrack(models.Model):
    """What an imported file adds to its run: the route sketch and the splits.

    Kept beside the run, not on it, so lists of runs never carry 500 positions each.
    """

    run = models.OneToOneField(
        Run, on_delete=models.CASCADE, primary_key=True, related_name="track"
    )
    upload = models.ForeignKey(
        "ActivityUpload",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tracks",
        verbose_name=_("imported from"),
    )
    # [[lat, lon], ...], at most 500 points, cleaned of GPS teleports.
    points = models.JSONField(_("route"), default=list, blank=True)
    # Seconds for each whole kilometre, in order.
    splits_s = models.JSONField(_("splits (seconds per km)"), default=list, blank=True)
    max_sustained_speed_mps = models.FloatField(_("best sustained speed (m/s)"), default=0)
    point_count = models.PositiveIntegerField(_("recorded points"), default=0)

    class Meta:
        verbose_name = _("run track")
        verbose_name_plural = _("run tracks")

    def __str__(self):
        return str(self.run)


class UploadState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    PARSING = "parsing", _("Reading")
    DONE = "done", _("Imported")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Failed")


UPLOAD_FINAL_STATES = (UploadState.DONE, UploadState.REFUSED, UploadState.FAILED)
# An upload in one of these states holds its file's hash: the same file again is refused.
UPLOAD_HOLDING_STATES = (UploadState.QUEUED, UploadState.PARSING, UploadState.DONE)


def private_storage():
    return storages["private"]


def activity_upload_path(instance, filename):
    """A random name in the participant's folder: the person's file name never reaches the disk."""
    return f"activity-files/{instance.participant_id}/{uuid.uuid4().hex}"


class ActivityUpload(TimeStampedModel):
    """One GPX, TCX or FIT file a participant uploaded, and what became of it."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="uploads")
    file = models.FileField(
        _("file"),
        upload_to=activity_upload_path,
        storage=private_storage,
        max_length=200,
        blank=True,
    )
    original_name = models.CharField(_("file name"), max_length=255)
    size_bytes = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # The files sent in one request share a batch: the page's progress bar follows the latest.
    batch = models.UUIDField(_("batch"), default=uuid.uuid4)
    state = models.CharField(
        _("state"), max_length=8, choices=UploadState, default=UploadState.QUEUED
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    # The file's activities that were not imported, each with why:
    # [{"sport", "started_at" (ISO or null), "distance_m" (or null), "reason"}].
    skipped = models.JSONField(_("activities left out"), default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    file_deleted_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("activity upload")
        verbose_name_plural = _("activity uploads")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "sha256"],
                condition=Q(state__in=UPLOAD_HOLDING_STATES),
                name="upload_file_once_per_participant",
            ),
        ]
        indexes = [
            models.Index(fields=["participant", "-created_at"], name="upload_participant_recent"),
            models.Index(fields=["state", "updated_at"], name="upload_state_updated"),
        ]

    def __str__(self):
        return self.original_name

    @property
    def is_finished(self):
        return self.state in UPLOAD_FINAL_STATES
