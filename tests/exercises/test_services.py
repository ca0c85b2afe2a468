import datetime as dt
import uuid
import zoneinfo

import pytest
from django.core.management import call_command

from exercises import catalogue
from exercises.models import RoutineItem, StrengthSession
from exercises.services import (
    MAX_SESSIONS_PER_DAY,
    SessionItem,
    prescription_check,
    progression_check,
    routine_replace,
    session_delete,
    session_log,
    session_update,
)
from programme.errors import ProgrammeError
from programme.models import LevelCompletion, Participant, Programme, WeeklyTally
from programme.selectors import streak_days
from tests.factories import ParticipantFactory, RunFactory

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


def log(participant, items, *, at, now, **extra):
    return session_log(participant=participant, performed_at=at, items=items, now=now, **extra)


# Prescriptions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sets", "reps", "hold_s"),
    [(1, 1, None), (20, 200, None), (1, None, 1), (20, None, 600), (3, 12, None)],
)
def test_prescriptions_within_the_bounds_pass(sets, reps, hold_s):
    prescription_check(sets=sets, reps=reps, hold_s=hold_s)


@pytest.mark.parametrize(
    ("sets", "reps", "hold_s", "why"),
    [
        (None, 10, None, "enter the number of sets"),
        (0, 10, None, "sets must be from 1 to 20"),
        (21, 10, None, "sets must be from 1 to 20"),
        (-3, 10, None, "sets must be from 1 to 20"),
        (2, None, None, "give the repetitions or the seconds held"),
        (2, 10, 30, "not both"),
        (2, 0, None, "repetitions must be from 1 to 200"),
        (2, 201, None, "repetitions must be from 1 to 200"),
        (2, None, 0, "a hold must be from 1 to 600 seconds"),
        (2, None, 601, "a hold must be from 1 to 600 seconds"),
    ],
)
def test_prescriptions_out_of_bounds_are_refused_saying_why(sets, reps, hold_s, why):
    with pytest.raises(ProgrammeError) as refused:
        prescription_check(sets=sets, reps=reps, hold_s=hold_s, name="Towel scrunch")
    assert refused.value.message.startswith("Towel scrunch: ")
    assert why in refused.value.message


# Logging ----------------------------------------------------------------------------------


def test_it_logs_a_session_with_its_exercises_in_order(runner, week_one, now, two_items):
    session = log(runner, two_items, at=now - HOUR, now=now, difficulty=6, notes="  Easy  ")

    assert session.level == week_one
    assert session.difficulty == 6
    assert session.notes == "Easy"
    done = list(session.items.values_list("exercise__slug", "sets", "reps", "hold_s"))
    assert done == [("big-toe-lift", 2, 10, None), ("sole-roller-roll", 1, None, 60)]
    tally = WeeklyTally.objects.get(participant=runner, level=week_one)
    assert tally.session_count == 1


def test_a_session_belongs_to_the_week_it_falls_in(runner, june, now, two_items):
    week_two_opens = june.week_start(2)
    later = week_two_opens + dt.timedelta(days=1)

    before = log(runner, two_items, at=week_two_opens - dt.timedelta(minutes=1), now=later)
    after = log(runner, two_items, at=week_two_opens, now=later)

    assert (before.level.number, after.level.number) == (1, 2)


@pytest.mark.parametrize(
    ("moment", "now_shift", "why"),
    [
        (dt.timedelta(minutes=1), dt.timedelta(0), "in the future"),
        (-dt.timedelta(days=3), dt.timedelta(0), "The programme starts on"),
        # Week 1 ends on 8 June 06:00; its logging closes three days later.
        (dt.timedelta(0), dt.timedelta(days=12), "Logging for week 1 closed"),
    ],
    ids=["future", "before-start", "after-close"],
)
def test_sessions_outside_the_logging_window_are_refused(
    runner, june, now, two_items, moment, now_shift, why
):
    with pytest.raises(ProgrammeError) as refused:
        log(runner, two_items, at=now + moment, now=now + now_shift)
    assert why in refused.value.message
    assert refused.value.field == "performed_at"
    assert not StrengthSession.objects.exists()


def test_a_session_after_the_programme_ended_is_refused(runner, june, two_items):
    ended = june.ends_at + HOUR
    with pytest.raises(ProgrammeError, match="The programme ended on"):
        log(runner, two_items, at=ended, now=ended + HOUR)


def test_a_session_needs_at_least_one_exercise(runner, week_one, now):
    with pytest.raises(ProgrammeError, match="at least one exercise"):
        log(runner, [], at=now - HOUR, now=now)


def test_a_session_with_a_count_out_of_bounds_is_refused_naming_the_exercise(
    runner, week_one, now, exercise_catalogue
):
    items = [SessionItem(exercise=exercise_catalogue["towel-scrunch"], sets=21, reps=10)]
    with pytest.raises(ProgrammeError, match="Towel scrunch: sets must be from 1 to 20"):
        log(runner, items, at=now - HOUR, now=now)
    assert not StrengthSession.objects.exists()


@pytest.mark.parametrize("difficulty", [0, 11])
def test_difficulty_goes_from_one_to_ten(runner, week_one, now, two_items, difficulty):
    with pytest.raises(ProgrammeError, match="Difficulty goes from 1 to 10"):
        log(runner, two_items, at=now - HOUR, now=now, difficulty=difficulty)


def test_at_most_three_sessions_count_on_one_day(runner, week_one, now, two_items):
    morning = now - dt.timedelta(hours=4)
    for minutes in range(MAX_SESSIONS_PER_DAY):
        log(runner, two_items, at=morning + dt.timedelta(minutes=minutes), now=now)

    with pytest.raises(ProgrammeError) as refused:
        log(runner, two_items, at=now - HOUR, now=now)
    assert "already logged 3 sessions on Wednesday 3 June" in refused.value.message
    assert refused.value.field == "performed_at"
    # The next day is a new day.
    log(runner, two_items, at=now + dt.timedelta(days=1), now=now + dt.timedelta(days=1, hours=1))


def test_the_day_is_the_participants_own(june, week_one, two_items):
    """Three sessions late on Tuesday evening in New York fall on Wednesday in UTC; a
    fourth on Tuesday morning in New York is the fourth of that day, and is refused."""
    new_yorker = ParticipantFactory(programme=june, time_zone="America/New_York")
    new_york = zoneinfo.ZoneInfo("America/New_York")
    tuesday_night = dt.datetime(2026, 6, 2, 22, 30, tzinfo=new_york)  # 02:30 UTC Wednesday
    now = tuesday_night + dt.timedelta(hours=2)
    for minutes in range(3):
        log(new_yorker, two_items, at=tuesday_night + dt.timedelta(minutes=minutes), now=now)

    with pytest.raises(ProgrammeError, match="Tuesday 2 June"):
        log(new_yorker, two_items, at=dt.datetime(2026, 6, 2, 8, 0, tzinfo=new_york), now=now)
    # Just after midnight in New York is Wednesday there: it counts.
    log(new_yorker, two_items, at=dt.datetime(2026, 6, 3, 0, 5, tzinfo=new_york), now=now)


def test_submitting_twice_creates_one_session(runner, week_one, now, two_items):
    token = uuid.uuid4()
    first = log(runner, two_items, at=now - HOUR, now=now, submission_token=token)
    second = log(runner, two_items, at=now - HOUR, now=now, submission_token=token)

    assert first.pk == second.pk
    assert StrengthSession.objects.count() == 1
    assert WeeklyTally.objects.get(participant=runner, level=week_one).session_count == 1


def test_the_same_token_from_two_people_makes_two_sessions(runner, june, week_one, now, two_items):
    token = uuid.uuid4()
    other = ParticipantFactory(programme=june)
    log(runner, two_items, at=now - HOUR, now=now, submission_token=token)
    log(other, two_items, at=now - HOUR, now=now, submission_token=token)
    assert StrengthSession.objects.count() == 2


# Completion through sessions --------------------------------------------------------------


def test_logging_the_goals_sessions_completes_the_level_and_deleting_takes_it_back(
    runner, week_one, now, two_items
):
    first = log(runner, two_items, at=now - 3 * HOUR, now=now)
    assert not LevelCompletion.objects.filter(participant=runner).exists()

    log(runner, two_items, at=now - HOUR, now=now)
    completion = LevelCompletion.objects.get(participant=runner, level=week_one)
    assert completion.tickets == 3
    assert Participant.objects.get(pk=runner.pk).tickets == 3
    assert runner.notices.filter(key=f"level-completed:{week_one.pk}").exists()

    session_delete(session=first, now=now)
    assert not LevelCompletion.objects.filter(participant=runner).exists()
    assert Participant.objects.get(pk=runner.pk).tickets == 0
    assert WeeklyTally.objects.get(participant=runner, level=week_one).session_count == 1


def test_moving_a_session_to_another_week_rechecks_both(runner, june, week_one, two_items):
    now = june.week_start(2) + dt.timedelta(days=1)
    one = log(runner, two_items, at=june.week_start(1) + dt.timedelta(days=5), now=now)
    log(runner, two_items, at=june.week_start(1) + dt.timedelta(days=6), now=now)
    assert LevelCompletion.objects.filter(participant=runner, level=week_one).exists()

    moved = session_update(
        session=one, performed_at=june.week_start(2) + HOUR, items=two_items, now=now
    )

    assert moved.level.number == 2
    assert not LevelCompletion.objects.filter(participant=runner, level=week_one).exists()
    counts = dict(
        WeeklyTally.objects.filter(participant=runner).values_list("level__number", "session_count")
    )
    assert counts == {1: 1, 2: 1}


def test_editing_replaces_the_exercises_and_details(
    runner, week_one, now, two_items, exercise_catalogue
):
    session = log(runner, two_items, at=now - HOUR, now=now, difficulty=4)
    items = [SessionItem(exercise=exercise_catalogue["band-inversion"], sets=3, reps=15)]

    session_update(
        session=session,
        performed_at=now - 2 * HOUR,
        items=items,
        difficulty=8,
        notes="Hard",
        now=now,
    )

    session.refresh_from_db()
    assert (session.performed_at, session.difficulty, session.notes) == (now - 2 * HOUR, 8, "Hard")
    assert list(session.items.values_list("exercise__slug", "sets", "reps")) == [
        ("band-inversion", 3, 15)
    ]


def test_editing_does_not_count_the_session_itself_against_the_day(
    runner, week_one, now, two_items
):
    sessions = [
        log(runner, two_items, at=now - dt.timedelta(minutes=m), now=now) for m in (10, 20, 30)
    ]
    session_update(session=sessions[0], performed_at=now - HOUR, items=two_items, now=now)


def test_a_closed_weeks_session_can_no_longer_change_or_go(runner, june, week_one, two_items):
    during = june.week_start(1) + dt.timedelta(days=1)
    session = log(runner, two_items, at=during, now=during + HOUR)
    closed = june.week_start(2) + dt.timedelta(days=3, hours=1)

    with pytest.raises(ProgrammeError, match="Logging for week 1 closed"):
        session_update(session=session, performed_at=during, items=two_items, now=closed)
    with pytest.raises(ProgrammeError, match="Logging for week 1 closed"):
        session_delete(session=session, now=closed)
    assert StrengthSession.objects.filter(pk=session.pk).exists()


# Routines and progressions ------------------------------------------------------------------


def test_replacing_a_routine_writes_it_in_order_once(june, exercise_catalogue):
    level = june.levels.get(number=3)
    assert routine_replace(level=level, items=catalogue.ROUTINES[3]) is True
    ids = list(RoutineItem.objects.filter(level=level).values_list("pk", flat=True))

    assert routine_replace(level=level, items=catalogue.ROUTINES[3]) is False

    routine = RoutineItem.objects.filter(level=level).order_by("position")
    assert list(routine.values_list("pk", flat=True)) == ids
    assert [item.exercise.slug for item in routine] == [
        item["exercise"] for item in catalogue.ROUTINES[3]
    ]


def test_a_routine_with_an_unknown_exercise_is_refused(june, exercise_catalogue):
    with pytest.raises(ProgrammeError, match="Unknown exercises: no-such-thing"):
        routine_replace(
            level=june.levels.get(number=1),
            items=[{"exercise": "no-such-thing", "sets": 1, "reps": 5, "rest_s": 10}],
        )


def test_a_progression_may_not_loop(exercise_catalogue):
    easiest = exercise_catalogue["big-toe-lift"]
    with pytest.raises(ProgrammeError, match="would make a loop"):
        progression_check(exercise=exercise_catalogue["single-toe-lifts"], progresses_to=easiest)
    with pytest.raises(ProgrammeError, match="cannot progress to itself"):
        progression_check(exercise=easiest, progresses_to=easiest)
    progression_check(
        exercise=exercise_catalogue["single-toe-lifts"],
        progresses_to=exercise_catalogue["toe-ball-grab"],
    )


def test_seed_demo_gives_every_demo_week_its_routine_and_can_run_again(exercise_catalogue):
    call_command("seed_demo", staff_password="x" * 12, stdout=None)
    demo = Programme.objects.get(slug="demo")
    first = {
        level.number: list(level.routine_items.order_by("position").values_list("pk", flat=True))
        for level in demo.levels.all()
    }

    call_command("seed_demo", staff_password="x" * 12, stdout=None)

    for level in demo.levels.all():
        routine = level.routine_items.order_by("position")
        assert [item.exercise.slug for item in routine] == [
            item["exercise"] for item in catalogue.ROUTINES[level.number]
        ]
        assert list(routine.values_list("pk", flat=True)) == first[level.number]
        assert level.description == catalogue.LEVELS[level.number]["description"]


def test_sessions_keep_the_streak_going_alongside_runs(runner, week_one, now, two_items):
    log(runner, two_items, at=now - dt.timedelta(days=1), now=now)
    RunFactory(participant=runner, level=week_one, started_at=now - dt.timedelta(days=2))
    assert streak_days(runner, now) == 2  # nothing yet today: the streak ends yesterday

    log(runner, two_items, at=now - HOUR, now=now)
    assert streak_days(runner, now) == 3


# Counting toward the routine's week --------------------------------------------------------


def test_a_routine_done_after_its_week_ended_counts_toward_it_while_it_can_be_logged(
    june, week_one, runner, two_items
):
    # Tuesday of week 2: week 1 ended on Monday morning, its logging closes on Thursday.
    now = june.week_start(2) + dt.timedelta(days=1)
    by_date = log(runner, two_items, at=now - HOUR, now=now)
    chosen = log(runner, two_items, at=now - HOUR, now=now, level=week_one)

    assert by_date.level.number == 2
    assert chosen.level == week_one
    assert WeeklyTally.objects.get(participant=runner, level=week_one).session_count == 1


def test_a_week_whose_logging_closed_cannot_be_counted_toward(june, week_one, runner, two_items):
    now = june.week_start(2) + dt.timedelta(days=june.logging_close_days)
    with pytest.raises(ProgrammeError, match="Logging for week 1 closed on 11 Jun 2026, 06:00"):
        log(runner, two_items, at=now - HOUR, now=now, level=week_one)
    assert not StrengthSession.objects.exists()


def test_a_session_before_the_chosen_week_opened_cannot_count_toward_it(
    june, week_one, runner, two_items
):
    now = june.week_start(2) + dt.timedelta(hours=2)
    week_two = june.levels.get(number=2)
    with pytest.raises(ProgrammeError, match="Week 2 opened on 8 Jun 2026, 06:00") as refused:
        log(runner, two_items, at=june.week_start(2) - HOUR, now=now, level=week_two)
    assert refused.value.field == "performed_at"
    assert not StrengthSession.objects.exists()


def test_an_edit_keeps_the_session_in_the_week_it_was_counted_toward(
    june, week_one, runner, two_items
):
    now = june.week_start(2) + dt.timedelta(days=1)
    session = log(runner, two_items, at=now - HOUR, now=now, level=week_one)
    session = session_update(
        session=session, performed_at=now - 2 * HOUR, items=two_items, level=week_one, now=now
    )
    assert session.level == week_one
