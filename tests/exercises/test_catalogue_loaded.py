"""The data migration's catalogue, read back from the database (no loader called first)."""

from collections import Counter
from pathlib import Path

import pytest

from exercises import catalogue
from exercises.loading import catalogue_remove_unused
from exercises.models import Equipment, Exercise, Family, RoutineItem, SessionExercise
from exercises.services import catalogue_load
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def chains_from_database():
    """Every chain, easiest first, walked from the exercises nothing progresses to."""
    successor = dict(Exercise.objects.values_list("pk", "progresses_to_id"))
    has_predecessor = {after for after in successor.values() if after is not None}
    chains = []
    for start in sorted(set(successor) - has_predecessor):
        chain, step = [], start
        while step is not None:
            assert step not in chain, f"progression loop through {step}"
            chain.append(step)
            step = successor[step]
        chains.append(chain)
    return chains


def test_it_loads_at_least_eighteen_exercises_covering_every_family():
    counts = Counter(Exercise.objects.values_list("family", flat=True))
    assert sum(counts.values()) >= 18
    for family in Family.values:
        assert counts[family] >= 2, family


def test_it_loads_every_catalogue_exercise_with_its_texts_and_equipment():
    loaded = {
        exercise.slug: exercise for exercise in Exercise.objects.prefetch_related("equipment")
    }
    for entry in catalogue.EXERCISES:
        exercise = loaded[entry.slug]
        assert exercise.name == entry.name
        assert exercise.family == entry.family
        assert exercise.cue_list == entry.cues
        assert exercise.cautions == entry.cautions
        assert (exercise.sets, exercise.reps, exercise.hold_s) == (
            entry.sets,
            entry.reps,
            entry.hold_s,
        )
        assert sorted(kit.slug for kit in exercise.equipment.all()) == sorted(entry.equipment)
    assert set(Equipment.objects.values_list("slug", flat=True)) >= set(catalogue.EQUIPMENT)


def test_progression_chains_are_intact_without_loops_or_orphans():
    chains = chains_from_database()
    # No orphans and no loops: walking from the chain starts reaches every exercise once.
    walked = [pk for chain in chains for pk in chain]
    assert sorted(walked) == sorted(Exercise.objects.values_list("pk", flat=True))
    slug_of = dict(Exercise.objects.values_list("pk", "slug"))
    for entry in catalogue.EXERCISES:
        exercise = Exercise.objects.get(slug=entry.slug)
        target = slug_of.get(exercise.progresses_to_id)
        assert target == entry.progresses_to, entry.slug


@pytest.mark.parametrize(
    "expected",
    [
        ["big-toe-lift", "small-toes-lift", "single-toe-lifts"],
        ["high-heel-toe-walk", "high-heel-toe-walk-vest", "high-heel-toe-walk-medicine-ball"],
        ["towel-scrunch", "towel-push-away"],
        ["ankle-rotations-assisted", "ankle-rotations-active"],
    ],
    ids=["toe-lifts", "toe-walks", "towel", "ankle-rotations"],
)
def test_the_articles_progressions_are_chained_in_order(expected):
    slug_of = dict(Exercise.objects.values_list("pk", "slug"))
    chains = [[slug_of[pk] for pk in chain] for chain in chains_from_database()]
    chain = next(chain for chain in chains if expected[0] in chain)
    start = chain.index(expected[0])
    assert chain[start : start + len(expected)] == expected


def test_loading_again_creates_nothing_and_keeps_what_staff_changed():
    toe_lift = Exercise.objects.get(slug="big-toe-lift")
    toe_lift.name = "Big toe raise"
    toe_lift.progresses_to = None
    toe_lift.save()
    before = Exercise.objects.count()

    assert catalogue_load() == 0

    assert Exercise.objects.count() == before
    toe_lift.refresh_from_db()
    assert toe_lift.name == "Big toe raise"
    assert toe_lift.progresses_to is None


def test_unloading_keeps_exercises_in_use_and_loading_brings_the_rest_back():
    level = ProgrammeFactory().levels.get(number=1)
    used = Exercise.objects.get(slug="towel-scrunch")
    RoutineItem.objects.create(level=level, exercise=used, sets=2, reps=8)

    catalogue_remove_unused(
        equipment_model=Equipment,
        exercise_model=Exercise,
        session_exercise_model=SessionExercise,
    )
    assert list(Exercise.objects.values_list("slug", flat=True)) == ["towel-scrunch"]
    assert set(Equipment.objects.values_list("slug", flat=True)) == {"towel", "chair"}

    assert catalogue_load() == len(catalogue.EXERCISES) - 1
    assert Exercise.objects.count() == len(catalogue.EXERCISES)
    assert Exercise.objects.get(slug="big-toe-lift").progresses_to.slug == "small-toes-lift"


def test_every_exercise_has_a_drawing_served_from_static_and_a_text_alternative(client):
    from django.contrib.staticfiles import finders

    exercises = list(Exercise.objects.order_by("slug"))
    assert len(exercises) == len(catalogue.EXERCISES)
    for exercise in exercises:
        assert exercise.illustration_alt.strip(), f"{exercise.slug} has no text alternative"
        found = finders.find(exercise.illustration)
        assert found, f"{exercise.slug} has no drawing at static/{exercise.illustration}"
        drawing = Path(found).read_text(encoding="utf-8")
        assert drawing.startswith("<svg ") and "<title>" in drawing, exercise.slug

    # The catalogue shows every drawing with its text alternative.
    body = client.get("/exercises/").content.decode()
    for exercise in exercises:
        assert (
            f'<img src="/static/{exercise.illustration}" alt="{exercise.illustration_alt}"'
        ) in body, exercise.slug
    # And so does each exercise's own page.
    for exercise in exercises[:3]:
        page = client.get(exercise.get_absolute_url()).content.decode()
        assert f'alt="{exercise.illustration_alt}"' in page


def test_a_description_staff_wrote_is_kept_when_the_catalogue_loads_again():
    Exercise.objects.filter(slug="big-toe-lift").update(illustration_alt="Our own words.")
    catalogue_load()
    assert Exercise.objects.get(slug="big-toe-lift").illustration_alt == "Our own words."
