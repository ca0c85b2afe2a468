"""What a runner behind, late or new reads: how past weeks closed, what is left this week,
what a saved run changed, the weekly chart's goals and empty state, the unread count."""

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from notifications.models import Notice
from programme.models import Level, WeeklyTally
from programme.selectors import session_saved_text
from tests.factories import ParticipantFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def late(db):
    """Week 1 closed a week ago; week 2 ended yesterday and its logging is still open; week 3
    is this week."""
    programme = ProgrammeFactory(starts_on=timezone.localdate() - dt.timedelta(days=15))
    participant = ParticipantFactory(programme=programme, time_zone="Europe/London")
    week1 = Level.objects.get(programme=programme, number=1)
    WeeklyTally.objects.create(participant=participant, level=week1, run_count=2, distance_m=3000)
    return participant


def client_for(participant):
    client = Client()
    client.force_login(participant.user)
    return client


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_closed_week_says_how_it_closed_and_offers_nothing_that_cannot_count(late):
    page = text_of(client_for(late).get("/levels/1/"))
    assert "Closed: 1 of 2 goals met." in page
    assert "Complete it to earn" not in page
    assert "Foot-strength routine" not in page  # the routine's log button could not count


def test_a_week_over_but_still_open_says_how_long_is_left_to_log(late):
    page = text_of(client_for(late).get("/levels/2/"))
    assert re.search(r"This week is over: (1|2) days? left to log its runs \(until ", page)
    assert "Foot-strength routine" in page


def test_the_dashboard_lists_past_weeks_by_how_they_closed_and_says_what_is_left(late):
    page = text_of(client_for(late).get("/dashboard/"))
    assert "Closed: 1 of 2 goals met." in page
    assert "This week is over:" in page
    assert re.search(r"2 more runs, 5\.0 km more and \d days? left to earn 3 tickets", page)


def test_saving_a_run_says_what_it_changed_in_the_week(late):
    client = client_for(late)
    now = timezone.localtime(timezone.now(), late.tz)
    response = client.post(
        "/runs/new/",
        {
            "started_at": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "distance": "4.1",
            "duration": "0:25:00",
        },
        follow=True,
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "4.1 km added: 4.1 of 5.0 km, 0.9 km to go."
    ]
    run = late.runs.get()
    response = client.post(
        f"/runs/{run.pk}/",
        {
            "started_at": timezone.localtime(run.started_at, late.tz).strftime("%Y-%m-%dT%H:%M"),
            "distance": "5.6",
            "duration": "0:35:00",
        },
        follow=True,
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "1.5 km added: 5.6 of 5.0 km, distance goal met."
    ]


def test_a_new_runner_sees_the_goals_instead_of_an_empty_chart(db):
    participant = ParticipantFactory()
    page = text_of(client_for(participant).get("/dashboard/"))
    assert 'data-testid="chart-empty"' in page
    assert "Week 1: 5.0 km" in page
    assert 'data-testid="weekly-chart"' not in page


def test_the_chart_shows_values_and_each_weeks_goal_line(late):
    page = text_of(client_for(late).get("/dashboard/"))
    assert 'data-testid="weekly-chart"' in page
    assert page.count('data-testid="goal-line"') == 6
    assert ">3.0 km</text>" in page
    assert "Week 1: 3.0 km of 5.0 km." in page


@pytest.mark.parametrize("notices", [1, 30])
def test_the_nav_counts_unread_notices_in_a_constant_number_of_queries(
    late, django_assert_max_num_queries, notices
):
    for number in range(notices):
        Notice.objects.create(
            participant=late, key=f"n{number}", title="Hello", created_at=timezone.now()
        )
    Notice.objects.create(
        participant=late, key="read", title="Old", created_at=timezone.now(), read_at=timezone.now()
    )
    client = client_for(late)
    with django_assert_max_num_queries(14):
        page = text_of(client.get("/dashboard/"))
    assert f'data-testid="unread-notices">{notices}<' in page
    assert f'data-testid="unread-notices">{notices}<' in text_of(client.get("/runs/"))


def test_a_saved_session_says_where_the_week_stands(db):
    programme = ProgrammeFactory()
    level = programme.levels.get(number=1)
    level.goal_sessions = 2
    level.save()
    participant = ParticipantFactory(programme=programme)
    WeeklyTally.objects.create(participant=participant, level=level, session_count=1)
    assert session_saved_text(level, participant) == (
        "Session saved: it counts towards week 1 (1 of 2 sessions)."
    )
    WeeklyTally.objects.filter(participant=participant).update(session_count=2)
    assert session_saved_text(level, participant) == (
        "Session saved: it counts towards week 1 (2 of 2 sessions, sessions goal met)."
    )
