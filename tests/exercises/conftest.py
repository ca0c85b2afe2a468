import datetime as dt

import pytest

from exercises import catalogue
from exercises.services import SessionItem, routine_replace
from tests.factories import ParticipantFactory, ProgrammeFactory

# A programme on fixed dates, so services get "now" passed in and every boundary is exact.
# Week 1 opens Monday 1 June 2026, 06:00 in London (05:00 UTC).
START = dt.date(2026, 6, 1)


@pytest.fixture
def june(db):
    return ProgrammeFactory(name="June Feet", starts_on=START)


@pytest.fixture
def week_one(june):
    """Week 1 completes on two foot-strength sessions alone."""
    level = june.levels.get(number=1)
    level.goal_runs = level.goal_distance_m = None
    level.goal_sessions = 2
    level.tickets = 3
    level.save()
    return level


@pytest.fixture
def now(june):
    """Wednesday of week 1, midday in London."""
    return june.week_start(1) + dt.timedelta(days=2, hours=6)


@pytest.fixture
def runner(june):
    return ParticipantFactory(programme=june, display_name="Ada")


@pytest.fixture
def routines(june, exercise_catalogue):
    """Every level of the June programme with the catalogue's routine for its week."""
    for level in june.levels.all():
        routine_replace(level=level, items=catalogue.ROUTINES[level.number])
    return june


@pytest.fixture
def two_items(exercise_catalogue):
    return [
        SessionItem(exercise=exercise_catalogue["big-toe-lift"], sets=2, reps=10),
        SessionItem(exercise=exercise_catalogue["sole-roller-roll"], sets=1, hold_s=60),
    ]
