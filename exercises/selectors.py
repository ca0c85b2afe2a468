"""Reads for the catalogue, routine and session pages: each in a fixed, small number of queries."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from programme.models import Level

from . import catalogue
from .models import Equipment, Exercise, Family, RoutineItem, SessionExercise, StrengthSession

FAMILY_ORDER = {value: index for index, value in enumerate(Family.values)}
FAMILY_DESCRIPTIONS = {family.slug: family.description for family in catalogue.FAMILIES}


@dataclass
class FamilyGroup:
    slug: str
    name: str
    description: str
    exercises: list = field(default_factory=list)


def equipment_all():
    return Equipment.objects.order_by("name")


def catalogue_groups(*, family="", equipment=""):
    """The catalogue by family (in the families' own order), optionally filtered.

    ``family`` is a Family value and ``equipment`` an Equipment slug; empty means any.
    Two queries, whatever the size of the catalogue.
    """
    exercises = Exercise.objects.prefetch_related(
        Prefetch("equipment", queryset=Equipment.objects.order_by("name"))
    )
    if family:
        exercises = exercises.filter(family=family)
    if equipment:
        exercises = exercises.filter(equipment__slug=equipment)
    groups = {}
    for exercise in sorted(exercises, key=lambda e: (FAMILY_ORDER[e.family], e.name)):
        if exercise.family not in groups:
            groups[exercise.family] = FamilyGroup(
                slug=exercise.family,
                name=Family(exercise.family).label,
                description=FAMILY_DESCRIPTIONS.get(exercise.family, ""),
            )
        groups[exercise.family].exercises.append(exercise)
    return list(groups.values())


def progression_chain(exercise):
    """The whole chain ``exercise`` belongs to, easiest first, in one query.

    Walks the (id → next id) pairs in Python, so a long chain costs no extra queries; a
    loop (which the admin refuses) stops the walk instead of hanging it.
    """
    successor = dict(
        Exercise.objects.filter(progresses_to__isnull=False).values_list("pk", "progresses_to_id")
    )
    predecessor = {after: before for before, after in successor.items()}
    start, seen = exercise.pk, {exercise.pk}
    while start in predecessor and predecessor[start] not in seen:
        start = predecessor[start]
        seen.add(start)
    order, step = [], start
    while step is not None and step not in order:
        order.append(step)
        step = successor.get(step)
    if len(order) == 1:
        return [exercise]
    by_pk = Exercise.objects.in_bulk(order)
    return [exercise if pk == exercise.pk else by_pk[pk] for pk in order]


def exercise_detail(slug):
    """One exercise with its equipment, its progression chain and the active programme's
    levels whose routine uses it; None when there is no such exercise."""
    exercise = (
        Exercise.objects.filter(slug=slug)
        .prefetch_related(Prefetch("equipment", queryset=Equipment.objects.order_by("name")))
        .first()
    )
    if exercise is None:
        return None
    chain = progression_chain(exercise)
    index = chain.index(exercise)
    uses = list(
        RoutineItem.objects.filter(exercise=exercise, level__programme__is_active=True)
        .select_related("level")
        .order_by("level__number", "position")
    )
    return {
        "exercise": exercise,
        "chain": chain,
        "easier": chain[index - 1] if index > 0 else None,
        "harder": chain[index + 1] if index + 1 < len(chain) else None,
        "routine_uses": uses,
    }


def routine_items(level):
    """A level's routine in order, with each exercise and its equipment."""
    return list(
        level.routine_items.select_related("exercise")
        .prefetch_related(
            Prefetch("exercise__equipment", queryset=Equipment.objects.order_by("name"))
        )
        .order_by("position", "pk")
    )


def level_for(participant, number):
    """The participant's programme's level ``number``, or None."""
    return Level.objects.filter(programme_id=participant.programme_id, number=number).first()


def routine_for(participant, number, now):
    """The guided-session page of level ``number``: None when the programme has no such level."""
    level = level_for(participant, number)
    if level is None:
        return None
    is_open = level.is_open(now)
    return {
        "participant": participant,
        "level": level,
        "is_open": is_open,
        "routine": routine_items(level) if is_open else [],
    }


def routine_prefill(participant, number, item_ids, now):
    """(level, routine items) to pre-fill the log form from level ``number``'s routine.

    Only the items in ``item_ids`` when any are given (what the checklist ticked); the
    whole routine otherwise. (None, []) when the level does not exist or is not open yet.
    """
    level = level_for(participant, number)
    if level is None or not level.is_open(now):
        return None, []
    items = level.routine_items.select_related("exercise").order_by("position", "pk")
    if item_ids:
        items = items.filter(pk__in=item_ids)
    return level, list(items)


def exercise_choices():
    """(choices grouped by family for a <select>, {id: exercise}), from one query."""
    exercises = sorted(Exercise.objects.all(), key=lambda e: (FAMILY_ORDER[e.family], e.name))
    groups = {}
    for exercise in exercises:
        groups.setdefault(Family(exercise.family).label, []).append((exercise.pk, exercise.name))
    return list(groups.items()), {exercise.pk: exercise for exercise in exercises}


def sessions_for(participant):
    return (
        StrengthSession.objects.filter(participant=participant)
        .select_related("level")
        .prefetch_related(
            Prefetch("items", queryset=SessionExercise.objects.select_related("exercise"))
        )
        .order_by("-performed_at", "-pk")
    )


def session_for(participant, session_id):
    """One of the participant's own sessions, or None (another's is as good as absent)."""
    return sessions_for(participant).filter(pk=session_id).first()


def level_routine_part(state, participant):
    """The level page's routine section (registered with programme)."""
    return {
        "template": "exercises/includes/level_routine.html",
        "context": {"routine": routine_items(state.level) if state.is_open else []},
    }
