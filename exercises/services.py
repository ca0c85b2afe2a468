"""Everything that changes foot-strength state: sessions, routines, the catalogue.

Sessions follow the same lifecycle as runs (``programme.services.activity_change``): the
participant's row is locked, the session belongs to the level of the week it falls in, and
every level a change touches is re-checked in the same transaction.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from programme.errors import ProgrammeError
from programme.services import activity_change

from .loading import catalogue_ensure, illustrations_describe
from .models import (
    MAX_HOLD_S,
    MAX_REPS,
    MAX_REST_S,
    MAX_SETS,
    Equipment,
    Exercise,
    RoutineItem,
    SessionExercise,
    StrengthSession,
)

# So the weekly goal cannot be farmed by logging the same routine ten times in a row.
MAX_SESSIONS_PER_DAY = 3
MAX_SESSION_EXERCISES = 30
MAX_NOTES_LENGTH = 2000


@dataclass(frozen=True)
class SessionItem:
    """What was done of one exercise: sets × reps, or sets × seconds held."""

    exercise: Exercise
    sets: int | None
    reps: int | None = None
    hold_s: int | None = None


def prescription_check(*, sets, reps=None, hold_s=None, name=""):
    """Refuse a prescription outside the bounds, saying which number is wrong and why.

    Exactly one of ``reps`` and ``hold_s``; 1–20 sets, 1–200 reps, 1–600 seconds.
    """
    prefix = f"{name}: " if name else ""
    if sets is None:
        raise ProgrammeError(prefix + _("enter the number of sets."), field="items")
    if not 1 <= sets <= MAX_SETS:
        raise ProgrammeError(
            prefix + _("sets must be from 1 to %(max)s.") % {"max": MAX_SETS}, field="items"
        )
    if reps is not None and hold_s is not None:
        raise ProgrammeError(
            prefix + _("give the repetitions or the seconds held, not both."), field="items"
        )
    if reps is None and hold_s is None:
        raise ProgrammeError(prefix + _("give the repetitions or the seconds held."), field="items")
    if reps is not None and not 1 <= reps <= MAX_REPS:
        raise ProgrammeError(
            prefix + _("repetitions must be from 1 to %(max)s.") % {"max": MAX_REPS},
            field="items",
        )
    if hold_s is not None and not 1 <= hold_s <= MAX_HOLD_S:
        raise ProgrammeError(
            prefix + _("a hold must be from 1 to %(max)s seconds.") % {"max": MAX_HOLD_S},
            field="items",
        )


def _items_check(items):
    if not items:
        raise ProgrammeError(_("Add at least one exercise to the session."), field="items")
    if len(items) > MAX_SESSION_EXERCISES:
        raise ProgrammeError(
            _("A session can list at most %(max)s exercises.") % {"max": MAX_SESSION_EXERCISES},
            field="items",
        )
    for item in items:
        prescription_check(
            sets=item.sets, reps=item.reps, hold_s=item.hold_s, name=item.exercise.name
        )


def _details_check(*, difficulty, notes):
    if difficulty is not None and not 1 <= difficulty <= 10:
        raise ProgrammeError(_("Difficulty goes from 1 to 10."), field="difficulty")
    if len(notes) > MAX_NOTES_LENGTH:
        raise ProgrammeError(
            _("Notes can be at most %(max)s characters.") % {"max": MAX_NOTES_LENGTH},
            field="notes",
        )


def _refuse_too_many_that_day(*, participant, performed_at, exclude_pk=None):
    """At most MAX_SESSIONS_PER_DAY sessions on one calendar day of the participant's zone."""
    day = performed_at.astimezone(participant.tz).date()
    starts = datetime.combine(day, time.min, tzinfo=participant.tz)
    ends = datetime.combine(day + timedelta(days=1), time.min, tzinfo=participant.tz)
    same_day = (
        StrengthSession.objects.filter(
            participant=participant, performed_at__gte=starts, performed_at__lt=ends
        )
        .exclude(pk=exclude_pk)
        .count()
    )
    if same_day >= MAX_SESSIONS_PER_DAY:
        raise ProgrammeError(
            _(
                "You already logged %(count)s sessions on %(day)s, the most one day can count. "
                "Pick another day."
            )
            % {"count": same_day, "day": date_format(day, "l j F")},
            field="performed_at",
        )


def _items_create(session, items):
    SessionExercise.objects.bulk_create(
        SessionExercise(
            session=session,
            exercise=item.exercise,
            position=position,
            sets=item.sets,
            reps=item.reps,
            hold_s=item.hold_s,
        )
        for position, item in enumerate(items, start=1)
    )


def session_log(
    *,
    participant,
    performed_at,
    items,
    from_routine=False,
    difficulty=None,
    notes="",
    submission_token=None,
    level=None,
    now=None,
):
    """Log a foot-strength session and re-check its week's level, in one transaction.

    It counts toward the week ``performed_at`` falls in, or toward ``level`` when given (the
    week whose routine was done; see ``programme.services.activity_week``). A repeated
    ``submission_token`` returns the session the first submission made.
    """
    now = now or timezone.now()
    notes = notes.strip()
    with activity_change(participant, now=now) as change:
        if existing := change.submitted_before(StrengthSession, submission_token):
            return existing
        _items_check(items)
        _details_check(difficulty=difficulty, notes=notes)
        level = change.week_of(performed_at, field="performed_at", level=level)
        _refuse_too_many_that_day(participant=change.participant, performed_at=performed_at)
        session = StrengthSession.objects.create(
            participant=change.participant,
            level=level,
            performed_at=performed_at,
            from_routine=from_routine,
            difficulty=difficulty,
            notes=notes,
            submission_token=submission_token,
        )
        _items_create(session, items)
    return session


def session_update(
    *, session, performed_at, items, difficulty=None, notes="", level=None, now=None
):
    """Change a session; both its old and its new week are re-checked.

    ``level`` as in ``session_log``: the week it counts toward, or None for its date's week.
    """
    now = now or timezone.now()
    notes = notes.strip()
    with activity_change(session.participant, now=now) as change:
        session = change.lock(session, moment_field="performed_at")
        _items_check(items)
        _details_check(difficulty=difficulty, notes=notes)
        level = change.week_of(performed_at, field="performed_at", level=level)
        _refuse_too_many_that_day(
            participant=change.participant, performed_at=performed_at, exclude_pk=session.pk
        )
        session.performed_at, session.level = performed_at, level
        session.difficulty, session.notes = difficulty, notes
        session.save(update_fields=["performed_at", "level", "difficulty", "notes", "updated_at"])
        session.items.all().delete()
        _items_create(session, items)
    return session


def session_delete(*, session, now=None):
    """Delete a session; its week's level is re-checked (and taken back if it no longer counts)."""
    now = now or timezone.now()
    with activity_change(session.participant, now=now) as change:
        session = change.lock(session, moment_field="performed_at")
        session.delete()


# Routines and the catalogue ------------------------------------------------------------


def routine_replace(*, level, items):
    """Make ``level``'s routine exactly ``items``, in order; nothing changes when it already is.

    ``items`` are dicts as in ``exercises.catalogue.ROUTINES``: ``exercise`` (a slug or an
    Exercise), ``sets``, ``reps`` or ``hold_s``, ``rest_s``. Returns True when it wrote.
    """
    slugs = [item["exercise"] for item in items if isinstance(item["exercise"], str)]
    by_slug = {exercise.slug: exercise for exercise in Exercise.objects.filter(slug__in=slugs)}
    missing = sorted(set(slugs) - set(by_slug))
    if missing:
        raise ProgrammeError(_("Unknown exercises: %(slugs)s.") % {"slugs": ", ".join(missing)})
    wanted = []
    for item in items:
        exercise = item["exercise"]
        exercise = by_slug[exercise] if isinstance(exercise, str) else exercise
        reps, hold_s, rest_s = item.get("reps"), item.get("hold_s"), item.get("rest_s", 30)
        prescription_check(sets=item["sets"], reps=reps, hold_s=hold_s, name=exercise.name)
        if not 0 <= rest_s <= MAX_REST_S:
            raise ProgrammeError(
                _("%(name)s: rest must be from 0 to %(max)s seconds.")
                % {"name": exercise.name, "max": MAX_REST_S}
            )
        wanted.append((exercise.pk, item["sets"], reps, hold_s, rest_s))
    with transaction.atomic():
        current = list(
            RoutineItem.objects.filter(level=level)
            .order_by("position", "pk")
            .values_list("exercise_id", "sets", "reps", "hold_s", "rest_s")
        )
        if current == wanted:
            return False
        RoutineItem.objects.filter(level=level).delete()
        RoutineItem.objects.bulk_create(
            RoutineItem(
                level=level,
                position=position,
                exercise_id=exercise_id,
                sets=sets,
                reps=reps,
                hold_s=hold_s,
                rest_s=rest_s,
            )
            for position, (exercise_id, sets, reps, hold_s, rest_s) in enumerate(wanted, start=1)
        )
    return True


def catalogue_load():
    """Create whatever of the standard catalogue is missing (the data migration does it first)."""
    with transaction.atomic():
        created = catalogue_ensure(equipment_model=Equipment, exercise_model=Exercise)
        illustrations_describe(exercise_model=Exercise)
        return created


def progression_check(*, exercise, progresses_to):
    """Refuse a progression that would make the chain loop back to ``exercise``."""
    if progresses_to is None:
        return
    if exercise.pk is not None and progresses_to.pk == exercise.pk:
        raise ProgrammeError(_("An exercise cannot progress to itself."), field="progresses_to")
    successor = dict(
        Exercise.objects.filter(progresses_to__isnull=False).values_list("pk", "progresses_to_id")
    )
    step, seen = progresses_to.pk, set()
    while step is not None and step not in seen:
        if step == exercise.pk:
            raise ProgrammeError(
                _("%(harder)s already leads back to %(name)s: that would make a loop.")
                % {"harder": progresses_to.name, "name": exercise.name},
                field="progresses_to",
            )
        seen.add(step)
        step = successor.get(step)
