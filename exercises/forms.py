from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programme.errors import ProgrammeError
from programme.forms import LocalDateTimeField

from .models import MAX_HOLD_S, MAX_REPS, MAX_SETS, Family
from .services import MAX_NOTES_LENGTH, MAX_SESSION_EXERCISES, SessionItem, prescription_check


class CatalogueFilterForm(forms.Form):
    """The catalogue's filters: a GET form, so a filtered list is a link anyone can share."""

    family = forms.ChoiceField(
        label=_("Family"), required=False, choices=[("", _("All families")), *Family.choices]
    )
    equipment = forms.ChoiceField(label=_("Equipment"), required=False)

    def __init__(self, *args, equipment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["equipment"].choices = [
            ("", _("Any equipment")),
            *((item.slug, item.name) for item in equipment),
        ]


def _count_input(maximum, label):
    return forms.IntegerField(
        label=label,
        required=False,
        # Bounds are checked (and explained) by prescription_check; these only guide the keyboard.
        widget=forms.NumberInput(attrs={"min": 1, "max": maximum, "inputmode": "numeric"}),
    )


class SessionItemForm(forms.Form):
    """One exercise of a session: which one, sets, and reps or seconds held."""

    exercise = forms.TypedChoiceField(
        label=_("Exercise"), required=False, coerce=int, empty_value=None
    )
    sets = _count_input(MAX_SETS, _("Sets"))
    reps = _count_input(MAX_REPS, _("Reps"))
    hold_s = _count_input(MAX_HOLD_S, _("Seconds"))

    def __init__(self, *args, exercise_choices, exercises_by_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.exercises_by_id = exercises_by_id
        self.fields["exercise"].choices = [("", _("— choose —")), *exercise_choices]

    def clean(self):
        data = super().clean()
        exercise_id = data.get("exercise")
        numbers = [data.get(name) for name in ("sets", "reps", "hold_s")]
        if exercise_id is None:
            if any(number is not None for number in numbers) and not self.errors:
                raise forms.ValidationError(_("Choose the exercise these numbers are for."))
            return data
        if self.errors:
            return data
        exercise = self.exercises_by_id[exercise_id]
        try:
            prescription_check(
                sets=data.get("sets"),
                reps=data.get("reps"),
                hold_s=data.get("hold_s"),
                name=exercise.name,
            )
        except ProgrammeError as error:
            raise forms.ValidationError(error.message) from None
        data["item"] = SessionItem(
            exercise=exercise, sets=data["sets"], reps=data.get("reps"), hold_s=data.get("hold_s")
        )
        return data

    @staticmethod
    def initial_from(prescription):
        """Initial values from anything with exercise, sets, reps and hold_s (routine or log)."""
        return {
            "exercise": prescription.exercise_id,
            "sets": prescription.sets,
            "reps": prescription.reps,
            "hold_s": prescription.hold_s,
        }


class BaseSessionItemFormSet(forms.BaseFormSet):
    def items(self):
        """What the rows say was done, in order: rows left out or left blank are skipped."""
        return [
            form.cleaned_data["item"]
            for form in self.forms
            if form.cleaned_data
            and not self._should_delete_form(form)
            and form.cleaned_data.get("item") is not None
        ]


SessionItemFormSet = forms.formset_factory(
    SessionItemForm,
    formset=BaseSessionItemFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_SESSION_EXERCISES,
    validate_max=True,
    absolute_max=MAX_SESSION_EXERCISES,
)


class SessionForm(forms.Form):
    """When, how hard, notes; the exercises come in a formset beside it (prefix ``items``)."""

    performed_at = LocalDateTimeField(label=_("Date and time"))
    difficulty = forms.TypedChoiceField(
        label=_("How hard was it?"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("—"))] + [(n, str(n)) for n in range(1, 11)],
        help_text=_("1 is very easy, 10 is as hard as it gets."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=MAX_NOTES_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    week = forms.TypedChoiceField(
        label=_("Counts toward"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_(
            "A week's routine done in the days after that week ended can still count toward "
            "it, until its logging closes."
        ),
    )
    from_routine = forms.BooleanField(widget=forms.HiddenInput, required=False)
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, participant, weeks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.participant = participant
        self.fields["performed_at"].time_zone = participant.tz
        self.levels_by_number = {level.number: level for level in weeks}
        self.fields["week"].choices = [
            ("", _("The week the date falls in")),
            *(
                (
                    level.number,
                    _("Week %(number)s: %(title)s")
                    % {"number": level.number, "title": level.title},
                )
                for level in weeks
            ),
        ]

    def clean(self):
        data = super().clean()
        # The level the session is asked to count toward, or None for its date's week.
        data["level"] = self.levels_by_number.get(data.get("week"))
        return data

    @classmethod
    def initial_now(cls, participant, **extra):
        return {
            "performed_at": LocalDateTimeField.local_text(timezone.now(), participant.tz),
            **extra,
        }

    @classmethod
    def initial_for(cls, session, participant):
        return {
            "performed_at": LocalDateTimeField.local_text(session.performed_at, participant.tz),
            "difficulty": session.difficulty,
            "notes": session.notes,
            "from_routine": session.from_routine,
            "week": session.level.number if session.level_id else None,
        }


def session_forms(data, *, participant, choices, initial, rows, extra_rows, weeks=()):
    """The session form and its exercise rows, bound to ``data`` (a POST) or unbound.

    ``weeks``: the levels the session may be counted toward (those still open for logging).
    """
    exercise_choices, exercises_by_id = choices
    form = SessionForm(data, participant=participant, initial=initial, weeks=weeks)
    formset = SessionItemFormSet(
        data,
        prefix="items",
        initial=rows,
        form_kwargs={"exercise_choices": exercise_choices, "exercises_by_id": exercises_by_id},
    )
    formset.extra = max(0, min(extra_rows, MAX_SESSION_EXERCISES - len(rows)))
    return form, formset
