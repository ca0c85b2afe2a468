from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core.fields import DisplayNameFormField, TimeZoneFormField
from core.units import format_duration, from_metres, parse_duration, to_metres

from .models import Participant, Units


class JoinForm(forms.Form):
    display_name = DisplayNameFormField(
        label=_("Display name"),
        max_length=60,
        help_text=_("Shown on the leaderboard if you opt in. Not your email."),
    )
    time_zone = TimeZoneFormField()
    units = forms.ChoiceField(label=_("Units"), choices=Units.choices, initial=Units.KM)
    country = forms.ChoiceField(label=_("Country of residence"), choices=[("", "—"), *countries])
    # Each consent says what it is for: people agree to purposes, not to boxes.
    confirm_age = forms.BooleanField(
        label=_("I am 18 or older."),
        help_text=_("Prizes can only go to adults; we record when you confirmed it."),
    )
    confirm_residence = forms.BooleanField(
        label=_(
            "I live in the country I selected, and it is one where the rules allow me to enter."
        ),
        help_text=_("Prize draws are only open where the rules allow; prizes ship there."),
    )
    accept_rules = forms.BooleanField(
        label=_("I have read and accept the official rules."),
        help_text=_("The rules say how tickets, draws and prize claims work."),
    )
    leaderboard_opt_in = forms.BooleanField(
        label=_("Show my display name and distance on the leaderboard."),
        required=False,
        help_text=_("Optional. Other participants see your name there; you can change it later."),
    )


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in the browser's datetime-local box, in the participant's zone.

    The browser sends no zone: the form sets ``time_zone`` to the participant's, and the
    cleaned value is an aware datetime in it. Years far from now are refused as typos.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
    default_error_messages = {"year": _("Enter a date between the years 2000 and 2999.")}
    time_zone = None

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        if not 2000 <= value.year <= 2999:
            raise forms.ValidationError(self.error_messages["year"], code="year")
        return timezone.make_aware(value.replace(tzinfo=None), self.time_zone)

    def has_changed(self, initial, data):
        # Initial values are the box's text; compare them as moments, like the data.
        if isinstance(initial, str):
            try:
                initial = self.to_python(initial)
            except forms.ValidationError:
                return True
        return super().has_changed(initial, data)

    @staticmethod
    def local_text(moment, tz):
        """``moment`` as the box shows it, in ``tz``."""
        return moment.astimezone(tz).strftime("%Y-%m-%dT%H:%M")


class RunForm(forms.Form):
    """A run as a person types it: local date and time, distance in their unit, h:mm:ss."""

    started_at = LocalDateTimeField(label=_("Start date and time"))
    distance = forms.DecimalField(
        label=_("Distance"),
        min_value=Decimal("0.01"),
        max_value=Decimal("1000"),
        max_digits=7,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    duration = forms.CharField(
        label=_("Duration"),
        max_length=20,
        help_text=_("Hours:minutes:seconds, e.g. 0:32:15, or minutes:seconds."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "0:30:00"}),
    )
    effort = forms.TypedChoiceField(
        label=_("Effort"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("—"))] + [(n, str(n)) for n in range(1, 11)],
        help_text=_("1 is very easy, 10 is all-out."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant = participant
        self.fields["started_at"].time_zone = participant.tz
        self.fields["distance"].label = _("Distance (%(unit)s)") % {"unit": participant.units}

    def clean_duration(self):
        try:
            return parse_duration(self.cleaned_data["duration"])
        except ValueError:
            raise forms.ValidationError(
                _("Write the duration as hours:minutes:seconds, e.g. 0:32:15.")
            ) from None

    @property
    def distance_m(self):
        return to_metres(self.cleaned_data["distance"], self.participant.units)

    def changes_to(self, run):
        """(started_at, distance_m) for an edit of ``run``.

        The form shows distances to 0.01 of a unit and starts to the minute; a field the
        person left alone keeps the run's exact stored value instead of the rounded one.
        """
        started_at = (
            self.cleaned_data["started_at"] if "started_at" in self.changed_data else run.started_at
        )
        distance_m = self.distance_m if "distance" in self.changed_data else run.distance_m
        return started_at, distance_m

    @classmethod
    def initial_for(cls, run, participant):
        return {
            "started_at": LocalDateTimeField.local_text(run.started_at, participant.tz),
            "distance": round(Decimal(from_metres(run.distance_m, participant.units)), 2),
            "duration": format_duration(run.duration_s),
            "effort": run.effort,
            "notes": run.notes,
        }


class ProfileForm(forms.ModelForm):
    # display_name and time_zone: the model's fields bring core.fields' form fields.
    class Meta:
        model = Participant
        fields = [
            "display_name",
            "time_zone",
            "units",
            "leaderboard_opt_in",
            "reminder_emails",
            "closing_reminder_emails",
        ]
        help_texts = {
            "leaderboard_opt_in": _("Your display name and distance, never your email."),
            "reminder_emails": _("An email when a new week opens and before a claim deadline."),
            "closing_reminder_emails": _(
                "An email 24 hours before a week closes while it still has goals for you."
            ),
        }
