import datetime as dt
import uuid
import zoneinfo

import pytest

from notifications.models import Notice
from programme import services
from programme.errors import ProgrammeError
from programme.models import Level, LevelCompletion, Participant, ReviewStatus, Run, WeeklyTally
from tests.factories import ParticipantFactory, ProgrammeFactory, StaffFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")
UTC = dt.UTC


def at(text, tz=LONDON):
    return dt.datetime.fromisoformat(text).replace(tzinfo=tz)


@pytest.fixture
def spring(db):
    """Starts Monday 23 March 2026, 06:00 London; clocks go forward on Sunday 29 March."""
    programme = ProgrammeFactory(starts_on=dt.date(2026, 3, 23), logging_close_days=3)
    Level.objects.filter(programme=programme, number=1).update(
        goal_runs=2, goal_distance_m=8_000, goal_sessions=None, tickets=2
    )
    return programme


@pytest.fixture
def alice(spring):
    return ParticipantFactory(programme=spring, display_name="Alice")


NOW = at("2026-03-26 12:00")


def log(participant, start, distance_m=5_000, duration_s=1_800, now=NOW, **extra):
    return services.run_log(
        participant=participant,
        started_at=start,
        distance_m=distance_m,
        duration_s=duration_s,
        now=now,
        **extra,
    )


# Weeks and time zones -----------------------------------------------------------------


def test_it_puts_level_unlocks_at_the_local_unlock_time_across_the_dst_change(spring):
    week1, week2 = Level.objects.filter(programme=spring, number__in=[1, 2]).order_by("number")
    assert week1.unlocks_at == dt.datetime(2026, 3, 23, 6, 0, tzinfo=UTC)  # GMT
    assert week2.unlocks_at == dt.datetime(2026, 3, 30, 5, 0, tzinfo=UTC)  # BST


@pytest.mark.parametrize(
    ("start", "week"),
    [
        (at("2026-03-23 06:00"), 1),  # the unlock moment itself
        (at("2026-03-30 05:59"), 1),  # a minute before week 2, after the clocks changed
        (at("2026-03-30 06:00"), 2),
    ],
)
def test_activity_counts_for_the_week_it_falls_in(alice, start, week):
    run = log(alice, start, now=start + dt.timedelta(hours=2))
    assert run.level.number == week


def test_a_runner_in_another_zone_is_judged_by_the_programmes_weeks(spring):
    bob = ParticipantFactory(programme=spring, time_zone="America/Los_Angeles")
    # 23:30 on Sunday in Los Angeles is 07:30 on Monday in London: week 2.
    start = at("2026-03-29 23:30", zoneinfo.ZoneInfo("America/Los_Angeles"))
    run = log(bob, start, now=at("2026-03-30 12:00"))
    assert run.level.number == 2


# Validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("distance_m", "duration_s", "message"),
    [
        (0, 1_800, "Distance must be more than 0"),
        (200_001, 86_000, "at most 200 km"),
        (5_000, 0, "Duration must be more than 0"),
        (100_000, 86_401, "at most 24 hours"),
        (5_000, 599, "faster than any world record"),  # 1:59.8 per km
    ],
)
def test_impossible_runs_are_refused_saying_what_is_wrong(alice, distance_m, duration_s, message):
    with pytest.raises(ProgrammeError, match=message):
        log(alice, at("2026-03-24 07:00"), distance_m, duration_s)
    assert not Run.objects.exists()


@pytest.mark.parametrize(
    ("distance_m", "duration_s", "field", "message"),
    [
        (2, 1, "distance", "shorter than 0.50 km"),
        (499, 300, "distance", "shorter than 0.50 km"),
        (600, 119, "duration", "less than 2:00"),
    ],
)
def test_runs_under_the_programmes_minimum_are_refused(
    alice, distance_m, duration_s, field, message
):
    with pytest.raises(ProgrammeError, match=message) as refused:
        log(alice, at("2026-03-24 07:00"), distance_m, duration_s)
    assert refused.value.field == field
    assert not Run.objects.exists()
    assert log(alice, at("2026-03-24 07:00"), 500, 120).status == ReviewStatus.COUNTED


def test_the_programme_sets_its_own_minimum_for_typed_runs_and_edits(alice, spring):
    spring.run_min_distance_m, spring.run_min_duration_s = 3_000, 900
    spring.save()
    alice.refresh_from_db()
    with pytest.raises(ProgrammeError, match="shorter than 3.00 km"):
        log(alice, at("2026-03-24 07:00"), 2_999, 1_200)
    run = log(alice, at("2026-03-24 07:00"), 3_000, 1_200)
    with pytest.raises(ProgrammeError, match="less than 15:00"):
        services.run_update(
            run=run, started_at=run.started_at, distance_m=3_000, duration_s=899, now=NOW
        )


@pytest.mark.parametrize(
    ("distance_m", "duration_s", "reason"),
    [(10_000, 1_700, "Pace faster than 3:00"), (61_000, 6 * 3600, "Distance over 60 km")],
)
def test_implausible_runs_are_kept_but_held_for_review(alice, distance_m, duration_s, reason):
    run = log(alice, at("2026-03-24 07:00"), distance_m, duration_s)
    assert run.status == ReviewStatus.HELD
    assert reason in run.review_reason
    assert WeeklyTally.objects.get(participant=alice, level=run.level).distance_m == 0


def test_a_pace_just_slower_than_three_minutes_counts(alice):
    run = log(alice, at("2026-03-24 07:00"), 10_000, 1_800)
    assert run.status == ReviewStatus.COUNTED


@pytest.mark.parametrize(
    ("start", "now", "message"),
    [
        (at("2026-03-26 12:30"), at("2026-03-26 12:00"), "in the future"),
        (at("2026-03-23 05:59"), NOW, "The programme starts on"),
        (at("2026-05-05 07:00"), at("2026-05-05 09:00"), "The programme ended"),
        # Week 1 ends 30 March 06:00 BST; logging closes three days later.
        (at("2026-03-25 07:00"), at("2026-04-02 06:00"), "Logging for week 1 closed"),
    ],
)
def test_runs_outside_the_logging_window_are_refused(alice, start, now, message):
    with pytest.raises(ProgrammeError, match=message):
        log(alice, start, now=now)


def test_a_week_can_still_be_logged_just_before_its_logging_closes(alice):
    run = log(alice, at("2026-03-25 07:00"), now=at("2026-04-02 05:59"))
    assert run.level.number == 1


def test_a_run_starting_within_five_minutes_of_another_is_a_named_duplicate(alice):
    log(alice, at("2026-03-24 07:00"), duration_s=200 * 5)
    with pytest.raises(
        ProgrammeError, match=r"duplicate of the run of 5.00 km at 24 Mar 2026, 07:00"
    ):
        log(alice, at("2026-03-24 07:04"), distance_m=1_000, duration_s=300)
    assert Run.objects.count() == 1


def test_a_run_overlapping_another_in_time_is_a_duplicate(alice):
    log(alice, at("2026-03-24 07:00"), distance_m=10_000, duration_s=3_600)
    with pytest.raises(ProgrammeError, match="duplicate"):
        log(alice, at("2026-03-24 07:30"))


def test_another_participants_run_at_the_same_time_is_no_duplicate(alice, spring):
    log(alice, at("2026-03-24 07:00"))
    log(ParticipantFactory(programme=spring), at("2026-03-24 07:00"))
    assert Run.objects.count() == 2


def test_a_double_submitted_form_makes_one_run(alice):
    token = uuid.uuid4()
    first = log(alice, at("2026-03-24 07:00"), submission_token=token)
    second = log(alice, at("2026-03-24 07:00"), submission_token=token)
    assert first.pk == second.pk
    assert Run.objects.count() == 1


# Completion -----------------------------------------------------------------------------


def test_meeting_every_goal_completes_the_level_and_earns_its_tickets(alice):
    log(alice, at("2026-03-24 07:00"), 4_000, 1_500)
    assert not LevelCompletion.objects.exists()
    log(alice, at("2026-03-25 07:00"), 4_000, 1_500)
    completion = LevelCompletion.objects.get(participant=alice)
    assert (completion.level.number, completion.tickets) == (1, 2)
    alice.refresh_from_db()
    assert (alice.tickets, alice.total_distance_m) == (2, 8_000)
    assert Notice.objects.filter(participant=alice, key__startswith="level-completed").count() == 1


def test_deleting_a_run_takes_the_completion_back(alice):
    log(alice, at("2026-03-24 07:00"), 4_000, 1_500)
    second = log(alice, at("2026-03-25 07:00"), 4_000, 1_500)
    services.run_delete(run=second, now=NOW)
    assert not LevelCompletion.objects.exists()
    alice.refresh_from_db()
    assert (alice.tickets, alice.total_distance_m) == (0, 4_000)


def test_an_edit_that_falls_short_takes_the_completion_back(alice):
    log(alice, at("2026-03-24 07:00"), 4_000, 1_500)
    second = log(alice, at("2026-03-25 07:00"), 4_000, 1_500)
    services.run_update(
        run=second, started_at=second.started_at, distance_m=3_000, duration_s=1_500, now=NOW
    )
    assert not LevelCompletion.objects.exists()


def test_moving_a_run_to_another_week_rechecks_both_weeks(alice):
    log(alice, at("2026-03-24 07:00"), 4_000, 1_500)
    second = log(alice, at("2026-03-25 07:00"), 4_000, 1_500)
    later = at("2026-03-31 07:00")
    services.run_update(run=second, started_at=later, distance_m=4_000, duration_s=1_500, now=later)
    tallies = {t.level.number: t.run_count for t in WeeklyTally.objects.filter(participant=alice)}
    assert tallies == {1: 1, 2: 1}
    assert not LevelCompletion.objects.exists()


def test_held_runs_do_not_count_until_approved(alice):
    log(alice, at("2026-03-24 07:00"), 4_000, 1_500)
    held = log(alice, at("2026-03-25 07:00"), 4_000, 700)  # 2:55 per km
    assert held.status == ReviewStatus.HELD
    assert not LevelCompletion.objects.exists()
    services.run_review(run=held, approve=True, reviewer=StaffFactory(), now=NOW)
    assert LevelCompletion.objects.filter(participant=alice).exists()


def test_rejecting_a_run_takes_the_completion_back_and_needs_a_reason(alice):
    log(alice, at("2026-03-24 07:00"), 4_000, 1_500)
    second = log(alice, at("2026-03-25 07:00"), 4_000, 1_500)
    staff = StaffFactory()
    with pytest.raises(ProgrammeError, match="reason"):
        services.run_review(run=second, approve=False, reviewer=staff, reason=" ", now=NOW)
    services.run_review(run=second, approve=False, reviewer=staff, reason="GPS on a bike", now=NOW)
    second.refresh_from_db()
    assert (second.status, second.review_reason, second.reviewed_by) == (
        "rejected",
        "GPS on a bike",
        staff,
    )
    assert not LevelCompletion.objects.exists()


def test_a_rejected_run_cannot_be_edited_or_deleted_by_its_runner(alice):
    run = log(alice, at("2026-03-24 07:00"))
    services.run_review(
        run=run, approve=False, reviewer=StaffFactory(), reason="Duplicate", now=NOW
    )
    with pytest.raises(ProgrammeError, match="rejected"):
        services.run_delete(run=run, now=NOW)


def test_completions_stay_once_the_weeks_draw_entries_have_closed(alice):
    log(alice, at("2026-03-24 07:00"), 4_000, 1_500)
    second = log(alice, at("2026-03-25 07:00"), 4_000, 1_500)
    Level.objects.filter(programme=alice.programme, number=1).update(completions_locked_at=NOW)
    services.run_review(run=second, approve=False, reviewer=StaffFactory(), reason="Odd", now=NOW)
    assert LevelCompletion.objects.filter(participant=alice).exists()


# Settings -------------------------------------------------------------------------------------


def test_leaving_the_leaderboard_hides_every_weekly_tally(alice):
    services.participant_update(participant=alice, leaderboard_opt_in=True)
    log(alice, at("2026-03-24 07:00"))
    assert WeeklyTally.objects.get(participant=alice).leaderboard_opt_in is True
    services.participant_update(participant=alice, leaderboard_opt_in=False)
    assert WeeklyTally.objects.get(participant=alice).leaderboard_opt_in is False


def test_joining_twice_returns_the_first_participation(spring):
    from tests.factories import UserFactory

    user = UserFactory()
    args = dict(
        user=user,
        programme=spring,
        display_name="Cleo",
        time_zone="Europe/Paris",
        units="mi",
        country="FR",
        confirmed_age=True,
        confirmed_residence=True,
        accepted_rules=True,
        now=NOW,
    )
    first = services.participant_join(**args)
    second = services.participant_join(**args)
    assert first.pk == second.pk
    assert first.consented_rules_at == NOW
    assert Participant.objects.filter(user=user).count() == 1


def test_joining_needs_a_verified_email(spring):
    from tests.factories import UserFactory

    user = UserFactory(verified=False)
    with pytest.raises(ProgrammeError, match="confirm your email"):
        services.participant_join(
            user=user,
            programme=spring,
            display_name="Dan",
            time_zone="UTC",
            units="km",
            country="GB",
            confirmed_age=True,
            confirmed_residence=True,
            accepted_rules=True,
            now=NOW,
        )


# Unlock announcements ---------------------------------------------------------------------------


def test_announcing_due_levels_twice_writes_each_notice_once(spring):
    participants = ParticipantFactory.create_batch(3, programme=spring)
    first = services.levels_announce_due(now=NOW)
    again = services.levels_announce_due(now=NOW)
    assert again == []
    assert len(first) == 3
    week1 = Level.objects.get(programme=spring, number=1)
    assert week1.announced_at == NOW
    assert Level.objects.filter(programme=spring, announced_at__isnull=True).count() == 5
    for participant in participants:
        assert (
            Notice.objects.filter(participant=participant, key=f"level-unlocked:{week1.pk}").count()
            == 1
        )


def test_an_approved_run_stays_approved_when_only_its_notes_change(alice):
    held = log(alice, at("2026-03-24 07:00"), 10_000, 1_680)  # 2:48 per km
    services.run_review(run=held, approve=True, reviewer=StaffFactory(), now=NOW)
    edited = services.run_update(
        run=held,
        started_at=held.started_at,
        distance_m=10_000,
        duration_s=1_680,
        notes="felt great",
        now=NOW,
    )
    assert edited.status == ReviewStatus.COUNTED
    faster = services.run_update(
        run=edited, started_at=held.started_at, distance_m=12_000, duration_s=1_680, now=NOW
    )
    assert faster.status == ReviewStatus.HELD
