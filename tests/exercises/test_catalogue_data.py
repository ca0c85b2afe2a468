"""Integrity checks for the plain-data foot-strength catalogue (no database, no Django)."""

import ast
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from exercises import catalogue
from exercises.catalogue import (
    EQUIPMENT,
    EXERCISES,
    EXERCISES_BY_SLUG,
    FAMILIES,
    LEVELS,
    MAX_HOLD_S,
    MAX_REPS,
    MAX_SETS,
    ROUTINES,
)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FAMILY_SLUGS = [family.slug for family in FAMILIES]
LEVEL_NUMBERS = [1, 2, 3, 4, 5, 6]


def predecessors() -> dict[str, str]:
    """Map each exercise slug to the slug of the exercise that progresses to it."""
    result: dict[str, str] = {}
    for exercise in EXERCISES:
        if exercise.progresses_to is not None:
            result[exercise.progresses_to] = exercise.slug
    return result


def chain_from(slug: str) -> list[str]:
    chain = [slug]
    seen = {slug}
    while (nxt := EXERCISES_BY_SLUG[chain[-1]].progresses_to) is not None:
        assert nxt not in seen, f"cycle through {nxt}"
        seen.add(nxt)
        chain.append(nxt)
    return chain


def assert_in_order(chain: list[str], expected: list[str]) -> None:
    """``expected`` must appear consecutively, in order, within ``chain``."""
    start = chain.index(expected[0])
    assert chain[start : start + len(expected)] == expected


# --------------------------------------------------------------------------- module shape


def test_catalogue_imports_only_the_standard_library():
    tree = ast.parse(Path(catalogue.__file__).read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module.split(".")[0])
    assert modules, "expected at least the dataclasses import"
    assert modules <= set(sys.stdlib_module_names) | {"__future__"}
    assert "django" not in modules


# ------------------------------------------------------------------ families and equipment


def test_families_in_order():
    assert [(f.slug, f.name) for f in FAMILIES] == [
        ("stretch-and-roll", "Stretch and roll"),
        ("activate-and-engage", "Activate and engage"),
        ("mobilisation", "Mobilisation"),
        ("active-stretching", "Active stretching"),
        ("strengthen", "Strengthen"),
    ]
    for family in FAMILIES:
        assert family.description.strip()


def test_equipment_slugs_and_names():
    for slug in ("none", "towel", "small-ball", "roller", "hockey-ball", "resistance-band"):
        assert slug in EQUIPMENT
    for slug, name in EQUIPMENT.items():
        assert SLUG_RE.match(slug)
        assert name.strip()


# ---------------------------------------------------------------------------- exercises


def test_enough_exercises():
    assert len(EXERCISES) >= 18


def test_every_family_has_at_least_two_exercises():
    counts = Counter(exercise.family for exercise in EXERCISES)
    for slug in FAMILY_SLUGS:
        assert counts[slug] >= 2, slug


def test_every_exercise_belongs_to_a_known_family():
    for exercise in EXERCISES:
        assert exercise.family in FAMILY_SLUGS, exercise.slug


def test_slugs_unique_and_slug_shaped():
    slugs = [exercise.slug for exercise in EXERCISES]
    assert len(slugs) == len(set(slugs))
    assert set(slugs) == set(EXERCISES_BY_SLUG)
    for slug in slugs:
        assert SLUG_RE.match(slug), slug


def test_equipment_is_known_and_non_empty():
    for exercise in EXERCISES:
        assert exercise.equipment, exercise.slug
        for slug in exercise.equipment:
            assert slug in EQUIPMENT, (exercise.slug, slug)
        if "none" in exercise.equipment:
            assert exercise.equipment == ["none"], exercise.slug


def test_texts_present():
    for exercise in EXERCISES:
        assert exercise.name.strip()
        assert exercise.summary.strip()
        assert exercise.benefits.strip()
        assert exercise.cautions.strip()
        assert 3 <= len(exercise.cues) <= 6, exercise.slug
        assert all(isinstance(cue, str) and cue.strip() for cue in exercise.cues)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.slug)
def test_prescription_has_exactly_one_measure_and_respects_bounds(exercise):
    assert (exercise.reps is None) != (exercise.hold_s is None)
    assert isinstance(exercise.sets, int) and 1 <= exercise.sets <= MAX_SETS
    if exercise.reps is not None:
        assert isinstance(exercise.reps, int) and 1 <= exercise.reps <= MAX_REPS
    if exercise.hold_s is not None:
        assert isinstance(exercise.hold_s, int) and 1 <= exercise.hold_s <= MAX_HOLD_S
    assert isinstance(exercise.per_foot, bool)
    assert isinstance(exercise.rest_s, int) and exercise.rest_s >= 0


def test_bounds_are_the_agreed_ones():
    assert (MAX_SETS, MAX_REPS, MAX_HOLD_S) == (20, 200, 600)


# ------------------------------------------------------------------------- progressions


def test_progressions_point_to_existing_exercises():
    for exercise in EXERCISES:
        if exercise.progresses_to is not None:
            assert exercise.progresses_to in EXERCISES_BY_SLUG, exercise.slug
            assert exercise.progresses_to != exercise.slug


def test_at_most_one_predecessor_each():
    targets = Counter(e.progresses_to for e in EXERCISES if e.progresses_to is not None)
    assert all(count == 1 for count in targets.values()), targets


def test_no_cycles():
    for exercise in EXERCISES:
        chain = chain_from(exercise.slug)  # asserts on a repeat
        assert len(chain) <= len(EXERCISES)


@pytest.mark.parametrize(
    "expected",
    [
        ["big-toe-lift", "small-toes-lift", "single-toe-lifts"],
        ["high-heel-toe-walk", "high-heel-toe-walk-vest", "high-heel-toe-walk-medicine-ball"],
        ["ankle-rotations-assisted", "ankle-rotations-active"],
        ["towel-scrunch", "towel-push-away"],
    ],
    ids=["toe-lifts", "toe-walks", "ankle-rotations", "towel"],
)
def test_named_chains_exist_in_order(expected):
    for slug in expected:
        assert slug in EXERCISES_BY_SLUG, slug
    assert_in_order(chain_from(expected[0]), expected)


def test_toe_walk_progressions_use_the_right_equipment():
    assert "weighted-vest" in EXERCISES_BY_SLUG["high-heel-toe-walk-vest"].equipment
    assert "medicine-ball" in EXERCISES_BY_SLUG["high-heel-toe-walk-medicine-ball"].equipment


def test_article_exercises_are_all_present():
    required = {
        "sole-roller-roll",
        "cross-fibre-ball-roll",
        "forefoot-ball-release",
        "towel-scrunch",
        "towel-push-away",
        "short-foot",
        "big-toe-lift",
        "small-toes-lift",
        "single-toe-lifts",
        "ankle-rotations-active",
        "ankle-rotations-assisted",
        "good-toes-bad-toes",
        "knee-over-toes-lunge",
        "hockey-ball-big-toe-roll",
        "big-toe-hand-mobilisation",
        "bear-foot-calf-raise",
        "high-heel-toe-walk",
        "high-heel-toe-walk-vest",
        "high-heel-toe-walk-medicine-ball",
        "band-dorsiflexion",
        "band-plantar-flexion",
        "band-inversion",
        "band-eversion",
        "toe-ball-grab",
    }
    assert required <= set(EXERCISES_BY_SLUG)
    for slug in ("band-dorsiflexion", "band-plantar-flexion", "band-inversion", "band-eversion"):
        assert EXERCISES_BY_SLUG[slug].family == "strengthen"
        assert "resistance-band" in EXERCISES_BY_SLUG[slug].equipment


# ----------------------------------------------------------------------------- routines


def test_routines_cover_levels_one_to_six():
    assert sorted(ROUTINES) == LEVEL_NUMBERS


@pytest.mark.parametrize("level", LEVEL_NUMBERS)
def test_routine_items_are_valid(level):
    items = ROUTINES[level]
    assert 5 <= len(items) <= 8
    slugs = [item["exercise"] for item in items]
    assert len(slugs) == len(set(slugs)), "an exercise appears twice in one routine"
    for item in items:
        assert set(item) == {"exercise", "sets", "reps", "hold_s", "rest_s"}
        exercise = EXERCISES_BY_SLUG[item["exercise"]]
        assert isinstance(item["sets"], int) and 1 <= item["sets"] <= MAX_SETS
        assert (item["reps"] is None) != (item["hold_s"] is None), item
        if item["reps"] is not None:
            assert isinstance(item["reps"], int) and 1 <= item["reps"] <= MAX_REPS
            assert exercise.reps is not None, "routine measure differs from the exercise's"
        if item["hold_s"] is not None:
            assert isinstance(item["hold_s"], int) and 1 <= item["hold_s"] <= MAX_HOLD_S
            assert exercise.hold_s is not None, "routine measure differs from the exercise's"
        assert isinstance(item["rest_s"], int) and item["rest_s"] >= 0


@pytest.mark.parametrize("level", LEVEL_NUMBERS[1:])
def test_later_weeks_bring_in_a_progression_not_used_in_week_one(level):
    has_predecessor = set(predecessors())
    week_one = {item["exercise"] for item in ROUTINES[1]}
    new_progressions = {
        item["exercise"]
        for item in ROUTINES[level]
        if item["exercise"] in has_predecessor and item["exercise"] not in week_one
    }
    assert new_progressions, f"week {level} adds no progression"


def test_hardest_variants_come_late():
    def weeks_using(slug):
        return {level for level, items in ROUTINES.items() for i in items if i["exercise"] == slug}

    assert 1 not in weeks_using("single-toe-lifts")
    assert weeks_using("high-heel-toe-walk-vest") | weeks_using(
        "high-heel-toe-walk-medicine-ball"
    ) <= {5, 6}
    assert weeks_using("high-heel-toe-walk-medicine-ball") & {5, 6}
    assert weeks_using("single-toe-lifts") & {5, 6}


def test_week_one_uses_no_exercise_at_the_end_of_a_long_chain():
    preds = predecessors()

    def depth(slug):
        n = 0
        while slug in preds:
            slug = preds[slug]
            n += 1
        return n

    assert all(depth(item["exercise"]) <= 1 for item in ROUTINES[1])


def test_volume_rises_gently():
    def total_sets(level):
        return sum(item["sets"] for item in ROUTINES[level])

    totals = [total_sets(level) for level in LEVEL_NUMBERS]
    assert totals == sorted(totals), totals
    assert totals[-1] > totals[0]


# ------------------------------------------------------------------------------- levels


def test_levels_have_title_focus_and_description():
    assert sorted(LEVELS) == LEVEL_NUMBERS
    titles = [LEVELS[level]["title"] for level in LEVEL_NUMBERS]
    assert len(set(titles)) == len(titles)
    assert LEVELS[1]["title"] == "Wake up your feet"
    for level in LEVEL_NUMBERS:
        entry = LEVELS[level]
        assert set(entry) == {"title", "focus", "description"}
        assert entry["title"].strip()
        assert 1 <= len(entry["focus"].split()) <= 6
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", entry["description"].strip()) if s]
        assert 2 <= len(sentences) <= 3, (level, sentences)
