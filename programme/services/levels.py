"""A programme's levels: the default unlock moment, and goal edits that re-check progress."""

from django.db import transaction
from django.utils import timezone

from ..models import Level, Participant, WeeklyTally
from .progress import level_progress_refresh, participant_lock

GOAL_FIELDS = ("goal_runs", "goal_distance_m", "goal_sessions", "tickets")


def programme_levels_ensure(*, programme, levels):
    """Create or update the programme's levels from ``levels`` (dicts keyed by number)."""
    for number, fields in sorted(levels.items()):
        level = Level.objects.filter(programme=programme, number=number).first() or Level(
            programme=programme, number=number
        )
        level.unlocks_at = None  # the default, unless ``fields`` names one
        for name, value in fields.items():
            setattr(level, name, value)
        level_save(level=level)


def level_save(*, level, now=None):
    """Save ``level``; the one place that fills in the default unlock moment.

    An empty unlock moment means the start of the level's week at the programme's unlock
    time. When the goals or tickets of an existing level change,
    every participant with activity in its week is re-checked, so completions and tickets
    follow the new goals (a completion a closed draw counted is kept, as always).
    """
    now = now or timezone.now()
    if level.unlocks_at is None:
        level.unlocks_at = level.programme.week_start(level.number)
    before = Level.objects.filter(pk=level.pk).values(*GOAL_FIELDS).first() if level.pk else None
    with transaction.atomic():
        level.save()
        if before and any(before[name] != getattr(level, name) for name in GOAL_FIELDS):
            levels_progress_refresh(level=level, now=now)
    return level


def levels_progress_refresh(*, level, now):
    """Re-check ``level`` for everyone with activity in its week; returns how many."""
    participant_ids = list(
        WeeklyTally.objects.filter(level=level).values_list("participant_id", flat=True)
    )
    for participant_id in participant_ids:
        with transaction.atomic():
            participant = participant_lock(Participant(pk=participant_id))
            level_progress_refresh(participant=participant, level=level, now=now)
    return len(participant_ids)
