"""In-app notices, and the outbox of the emails that announce them."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailPolicy(models.TextChoices):
    """Whether a notice is also emailed. The row is the outbox entry: a sweep finds it."""

    NONE = "none", _("In the app only")
    IF_SUBSCRIBED = "subscribed", _("Emailed unless the person turned reminders off")
    IF_SUBSCRIBED_CLOSING = "closing", _("Emailed unless the person turned closing reminders off")
    ALWAYS = "always", _("Always emailed (transactional: a prize won, a claim received)")


# The bulk emails, each with the participant's own switch (a field of programme.Participant,
# named here because notifications never imports programme). Only these carry a one-click
# unsubscribe; ALWAYS emails are transactional and have none.
OPT_OUT_FIELDS = {
    EmailPolicy.IF_SUBSCRIBED: "reminder_emails",
    EmailPolicy.IF_SUBSCRIBED_CLOSING: "closing_reminder_emails",
}


class NoticeQuerySet(models.QuerySet):
    def to_email(self):
        """Notices whose email is still owed: unsent, and wanted by policy and person."""
        wanted = Q(email=EmailPolicy.ALWAYS)
        for policy, field in OPT_OUT_FIELDS.items():
            wanted |= Q(email=policy, **{f"participant__{field}": True})
        return self.filter(emailed_at__isnull=True).filter(wanted)


class Notice(models.Model):
    """An in-app notice; ``key`` makes each kind of notice at most once per participant.

    The participant is named lazily ("programme.Participant"): notifications sits below
    programme and never imports it; it reads only the recipient's address, zone and
    reminder choice through the relation.
    """

    participant = models.ForeignKey(
        "programme.Participant", on_delete=models.CASCADE, related_name="notices"
    )
    key = models.CharField(max_length=80)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email = models.CharField(
        _("email"), max_length=10, choices=EmailPolicy, default=EmailPolicy.NONE
    )
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    # What the email shows beyond title and body, rendered when it is sent: e.g.
    # {"deadline": ISO moment} (shown in the person's own zone), {"reason": "..."}.
    data = models.JSONField(_("email details"), default=dict, blank=True, db_default={})

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "key"], name="notice_once_per_key"),
        ]
        indexes = [
            models.Index(fields=["participant", "-created_at"], name="notice_recent"),
            # The outbox: notices still to email, oldest first, for the batches and the sweep.
            models.Index(
                fields=["created_at"],
                condition=Q(emailed_at__isnull=True) & ~Q(email="none"),
                name="notice_outbox",
            ),
        ]

    def __str__(self):
        return self.title
