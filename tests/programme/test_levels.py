"""Levels are saved through one service: the default unlock moment, and goal edits that
re-check everyone's progress."""

import datetime as dt

import pytest
from django.utils import timezone

from programme import services
from programme.models import Level, LevelCompletion, Participant
from tests.factories import ParticipantFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def week1(programme):
    return Level.objects.get(programme=programme, number=1)  # 2 runs and 5 km earn 1 ticket


def two_runs(participant, now):
    for hours in (3, 2):
        services.run_log(
            participant=participant,
            started_at=now - dt.timedelta(hours=hours),
            distance_m=3_000,
            duration_s=1_200,
            now=now,
        )


def test_a_level_without_an_unlock_moment_gets_the_start_of_its_week(programme):
    level = services.level_save(level=Level(programme=programme, number=7, title="Bonus"))
    assert level.unlocks_at == programme.week_start(7)


def test_raising_a_goal_takes_back_completions_and_lowering_it_gives_them(participant, week1):
    now = timezone.now()
    two_runs(participant, now)
    assert LevelCompletion.objects.filter(participant=participant, level=week1).exists()

    week1.goal_runs = 3
    services.level_save(level=week1, now=now)
    assert not LevelCompletion.objects.filter(participant=participant, level=week1).exists()
    assert Participant.objects.get(pk=participant.pk).tickets == 0

    week1.goal_runs = 2
    services.level_save(level=week1, now=now)
    assert LevelCompletion.objects.filter(participant=participant, level=week1).exists()
    assert Participant.objects.get(pk=participant.pk).tickets == week1.tickets


def test_changing_a_title_rechecks_nobody(participant, week1, django_assert_max_num_queries):
    two_runs(participant, timezone.now())
    week1.title = "Easy does it"
    with django_assert_max_num_queries(4):  # read the goals, savepoint, update, release
        services.level_save(level=week1)


def test_a_goal_edit_in_the_admin_goes_through_the_service(admin_client, participant, week1):
    now = timezone.now()
    two_runs(participant, now)
    programme = week1.programme
    levels = list(programme.levels.order_by("number"))
    data = {
        "name": programme.name,
        "slug": programme.slug,
        "is_active": "on",
        "starts_on": programme.starts_on.isoformat(),
        "time_zone": programme.time_zone,
        "unlock_time": "06:00",
        "weeks": programme.weeks,
        "logging_close_days": programme.logging_close_days,
        "run_min_distance_m": programme.run_min_distance_m,
        "run_min_duration_s": programme.run_min_duration_s,
        "rules": programme.rules,
        "primary_colour": programme.primary_colour,
        "accent_colour": programme.accent_colour,
        "levels-TOTAL_FORMS": len(levels),
        "levels-INITIAL_FORMS": len(levels),
        "levels-MIN_NUM_FORMS": 0,
        "levels-MAX_NUM_FORMS": 1000,
    }
    for index, level in enumerate(levels):
        prefix = f"levels-{index}-"
        data.update(
            {
                prefix + "id": level.pk,
                prefix + "programme": programme.pk,
                prefix + "number": level.number,
                prefix + "title": level.title,
                prefix + "focus": level.focus,
                prefix + "unlocks_at_0": "",
                prefix + "unlocks_at_1": "",
                prefix + "goal_runs": 5 if level.number == 1 else level.goal_runs or "",
                prefix + "goal_distance_m": level.goal_distance_m or "",
                prefix + "goal_sessions": level.goal_sessions or "",
                prefix + "tickets": level.tickets,
            }
        )
    response = admin_client.post(f"/admin/programme/programme/{programme.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Level.objects.get(pk=week1.pk).goal_runs == 5
    assert not LevelCompletion.objects.filter(participant=participant, level=week1).exists()


def test_other_programmes_are_left_alone(week1):
    other = ProgrammeFactory(is_active=False)
    stranger = ParticipantFactory(programme=other)
    two_runs(stranger, timezone.now())
    week1.goal_runs = 9
    assert services.levels_progress_refresh(level=week1, now=timezone.now()) == 0
    assert LevelCompletion.objects.filter(participant=stranger).count() == 1
