"""The catalogue, routine and session pages cost the same few queries however much data grows."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from exercises import catalogue
from exercises.models import Exercise, RoutineItem
from exercises.services import routine_replace
from tests.factories import (
    EquipmentFactory,
    ExerciseFactory,
    ParticipantFactory,
    ProgrammeFactory,
    StrengthSessionFactory,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10
PAGES = [
    "/exercises/",
    "/exercises/?family=strengthen&equipment=resistance-band",
    "/exercises/high-heel-toe-walk-medicine-ball/",
    "/levels/1/routine/",
    "/sessions/",
    "/sessions/new/",
    "/sessions/new/?level=1",
    "session-page",
    "session-delete-page",
]


@pytest.fixture
def world(exercise_catalogue):
    programme = ProgrammeFactory()
    routine_replace(level=programme.levels.get(number=1), items=catalogue.ROUTINES[1])
    participant = ParticipantFactory(programme=programme)
    client = Client()
    client.force_login(participant.user)
    session = StrengthSessionFactory(
        participant=participant,
        items=[exercise_catalogue["big-toe-lift"], exercise_catalogue["towel-scrunch"]],
    )
    return {
        "programme": programme,
        "participant": participant,
        "client": client,
        "session": session,
    }


def grow(world, times):
    """More of everything each page shows: exercises (with equipment, in a longer chain),
    routine items, the weeks using an exercise, sessions with several exercises each."""
    programme, participant = world["programme"], world["participant"]
    level = programme.levels.get(number=1)
    band = Exercise.objects.get(slug="band-inversion").equipment.first()
    last = Exercise.objects.get(slug="high-heel-toe-walk-medicine-ball")
    for n in range(times):
        kit = EquipmentFactory()
        exercise = ExerciseFactory(equipment=[kit, band])
        Exercise.objects.filter(pk=last.pk).update(progresses_to=exercise)
        last = exercise
        RoutineItem.objects.create(level=level, exercise=exercise, position=20 + n, sets=2, reps=5)
        other_level = programme.levels.get(number=2 + n % 5)
        RoutineItem.objects.create(
            level=other_level,
            exercise=Exercise.objects.get(slug="high-heel-toe-walk-medicine-ball"),
            position=30 + n,
            sets=2,
            reps=5,
        )
        StrengthSessionFactory(
            participant=participant,
            performed_at=timezone.now() - dt.timedelta(minutes=5 + n),
            items=[exercise, Exercise.objects.get(slug="short-foot"), last],
        )


def queries_for(world, page):
    session = world["session"]
    url = {
        "session-page": f"/sessions/{session.pk}/",
        "session-delete-page": f"/sessions/{session.pk}/delete/",
    }.get(page, page)
    with CaptureQueriesContext(connection) as queries:
        response = world["client"].get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("page", PAGES)
def test_the_page_costs_the_same_few_queries_as_data_grows(world, page):
    before = queries_for(world, page)
    grow(world, 12)
    after = queries_for(world, page)

    assert after == before, f"{page}: {before} queries, then {after} with more data"
    assert after <= MAX_QUERIES, f"{page}: {after} queries"
