import datetime as dt
import re
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from exercises import catalogue
from exercises.admin import ExerciseAdminForm
from exercises.models import Exercise, Family, RoutineItem, StrengthSession
from exercises.services import routine_replace
from programme.models import LevelCompletion, WeeklyTally
from tests.factories import (
    ParticipantFactory,
    ProgrammeFactory,
    StrengthSessionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_programme(exercise_catalogue):
    """The factory's programme (week 1 opened yesterday), week 1 completing on two sessions."""
    programme = ProgrammeFactory()
    level = programme.levels.get(number=1)
    level.goal_runs = level.goal_distance_m = None
    level.goal_sessions = 2
    level.save()
    routine_replace(level=level, items=catalogue.ROUTINES[1])
    return programme


@pytest.fixture
def alice(open_programme):
    return ParticipantFactory(programme=open_programme, display_name="Alice")


@pytest.fixture
def alice_client(alice):
    client = Client()
    client.force_login(alice.user)
    return client


def local_text(moment, participant):
    return moment.astimezone(participant.tz).strftime("%Y-%m-%dT%H:%M")


def session_post(participant, rows, *, at=None, token=None, difficulty="5", notes=""):
    """The log form's POST data: ``rows`` are (exercise, sets, reps, seconds)."""
    at = at or timezone.now() - dt.timedelta(minutes=30)
    data = {
        "performed_at": local_text(at, participant),
        "difficulty": difficulty,
        "notes": notes,
        "submission_token": str(token or uuid.uuid4()),
        "items-TOTAL_FORMS": str(len(rows)),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "30",
    }
    for index, (exercise, sets, reps, seconds) in enumerate(rows):
        data[f"items-{index}-exercise"] = str(exercise.pk) if exercise else ""
        data[f"items-{index}-sets"] = "" if sets is None else str(sets)
        data[f"items-{index}-reps"] = "" if reps is None else str(reps)
        data[f"items-{index}-hold_s"] = "" if seconds is None else str(seconds)
    return data


# The catalogue ------------------------------------------------------------------------------


def test_it_lists_every_family_with_its_exercises_for_anyone(client, exercise_catalogue):
    body = client.get("/exercises/").content.decode()
    for family in Family.labels:
        assert str(family) in body
    for entry in catalogue.EXERCISES:
        assert f'href="/exercises/{entry.slug}/"' in body
    assert '<form method="get"' in body
    # Pictures are the app's own drawings, one per exercise, nothing from elsewhere.
    sources = re.findall(r'<img src="([^"]+)"', body)
    assert len(sources) == len(catalogue.EXERCISES)
    assert all(source.startswith("/static/exercises/illustrations/") for source in sources)
    assert body.count('class="family-icon') == len(Family.values)


def test_it_filters_by_family(client, exercise_catalogue):
    body = client.get("/exercises/", {"family": "strengthen"}).content.decode()
    assert "Resistance-band inversion" in body
    assert "Towel scrunch" not in body
    assert "Clear the filters" in body


def test_it_filters_by_equipment(client, exercise_catalogue):
    body = client.get("/exercises/", {"equipment": "towel"}).content.decode()
    assert "Towel scrunch" in body and "Towel push-away" in body
    assert "Big toe lift" not in body
    assert "2 exercises" in body


def test_it_says_so_when_nothing_matches(client, exercise_catalogue):
    body = client.get(
        "/exercises/", {"family": "mobilisation", "equipment": "medicine-ball"}
    ).content.decode()
    assert "No exercise matches these filters" in body


def test_an_unknown_filter_shows_everything_and_says_why(client, exercise_catalogue):
    response = client.get("/exercises/", {"family": "juggling"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "not one we know" in body
    assert "Towel scrunch" in body


def test_an_exercise_page_shows_cues_equipment_and_progressions_both_ways(
    client, exercise_catalogue
):
    body = client.get("/exercises/small-toes-lift/").content.decode()
    entry = catalogue.EXERCISES_BY_SLUG["small-toes-lift"]
    for cue in entry.cues:
        assert cue in body
    assert "No equipment" in body
    assert entry.cautions in body
    assert 'href="/exercises/big-toe-lift/" rel="prev"' in body
    assert 'href="/exercises/single-toe-lifts/" rel="next"' in body
    # The whole chain, easiest first, this one marked.
    chain = re.findall(r"<li>(?:<a href=\"/exercises/([a-z-]+)/\">|<strong aria-current)", body)
    assert '<strong aria-current="step">Four small toes lift</strong>' in body
    assert [slug for slug in chain if slug][:2] == ["short-foot", "big-toe-lift"]


def test_an_exercise_page_lists_the_weeks_whose_routine_uses_it(client, open_programme):
    body = client.get("/exercises/big-toe-lift/").content.decode()
    assert "Week 1: Level 1" in body
    assert "2 sets of 8 reps, each foot" in body
    body = client.get("/exercises/band-eversion/").content.decode()
    assert "No week's routine uses it" in body


def test_an_unknown_exercise_is_not_found(client, exercise_catalogue):
    assert client.get("/exercises/moonwalk/").status_code == 404


# The guided routine ----------------------------------------------------------------------------


def test_the_routine_is_a_checklist_form_that_works_without_javascript(alice_client):
    response = alice_client.get("/levels/1/routine/")
    body = response.content.decode()
    routine = list(RoutineItem.objects.filter(level__number=1).order_by("position"))
    assert '<form method="get" action="/sessions/new/"' in body
    assert '<input type="hidden" name="level" value="1">' in body
    for item in routine:
        assert f'name="item" value="{item.pk}"' in body
    assert "Exercise 3 of 7" in body
    assert 'data-hold="60"' in body and 'data-rest="15"' in body
    assert "Log this session" in body
    assert "/static/js/routine.js" in body
    assert 'role="timer"' in body and 'aria-live="polite"' in body


def test_a_locked_weeks_routine_says_when_it_opens(alice_client, open_programme):
    routine_replace(level=open_programme.levels.get(number=2), items=catalogue.ROUTINES[2])
    body = alice_client.get("/levels/2/routine/").content.decode()
    assert "This week's routine opens" in body
    assert 'name="item"' not in body
    assert "routine.js" not in body


def test_a_week_without_a_routine_says_so(alice_client, open_programme):
    RoutineItem.objects.filter(level__number=1).delete()
    body = alice_client.get("/levels/1/routine/").content.decode()
    assert "has not been published yet" in body
    assert "routine.js" not in body


def test_there_is_no_routine_for_a_week_that_does_not_exist(alice_client):
    assert alice_client.get("/levels/9/routine/").status_code == 404


def test_the_level_page_links_to_the_guided_session(alice_client):
    body = alice_client.get("/levels/1/").content.decode()
    assert 'href="/levels/1/routine/"' in body


# Logging ----------------------------------------------------------------------------------------


def initial_rows(response):
    formset = response.context["formset"]
    return [form.initial.get("exercise") for form in formset.forms]


def test_log_this_session_prefills_the_whole_routine(alice_client, open_programme):
    response = alice_client.get("/sessions/new/", {"level": 1})
    routine = list(RoutineItem.objects.filter(level__number=1).order_by("position"))
    rows = initial_rows(response)
    assert rows[: len(routine)] == [item.exercise_id for item in routine]
    assert rows[len(routine) :] == [None, None]  # room for extras
    assert response.context["form"].initial["from_routine"] is True
    assert "Filled in from the week 1 routine" in response.content.decode()


def test_the_ticked_exercises_are_what_is_prefilled(alice_client):
    routine = list(RoutineItem.objects.filter(level__number=1).order_by("position"))
    response = alice_client.get(
        "/sessions/new/", {"level": 1, "item": [routine[2].pk, routine[0].pk]}
    )
    assert initial_rows(response)[:2] == [routine[0].exercise_id, routine[2].exercise_id]
    assert initial_rows(response)[2:] == [None, None]


def test_a_locked_week_prefills_nothing(alice_client, open_programme):
    routine_replace(level=open_programme.levels.get(number=2), items=catalogue.ROUTINES[2])
    response = alice_client.get("/sessions/new/", {"level": [2], "item": ["x", "99999999999", "²"]})
    assert initial_rows(response) == [None] * 4
    assert response.context["form"].initial["from_routine"] is False
    for level in ("²", "-1", "1.0", "", "99999999999999"):
        response = alice_client.get("/sessions/new/", {"level": level})
        assert initial_rows(response) == [None] * 4
        assert "Filled in from" not in response.content.decode()


def test_logging_saves_the_session_and_shows_it(alice_client, alice, exercise_catalogue):
    rows = [
        (exercise_catalogue["towel-scrunch"], 2, 8, None),
        (None, None, None, None),
        (exercise_catalogue["sole-roller-roll"], 1, None, 45),
    ]
    response = alice_client.post("/sessions/new/", session_post(alice, rows, notes="Felt good"))

    session = StrengthSession.objects.get(participant=alice)
    assert response.status_code == 302
    assert response["Location"] == f"/sessions/{session.pk}/"
    assert list(session.items.values_list("exercise__slug", "sets", "reps", "hold_s")) == [
        ("towel-scrunch", 2, 8, None),
        ("sole-roller-roll", 1, None, 45),
    ]
    page = alice_client.get(response["Location"]).content.decode()
    assert "Session saved: it counts towards week 1" in page
    assert "Felt good" in page


def test_a_double_submitted_form_creates_one_session_and_lands_on_it_twice(
    alice_client, alice, exercise_catalogue
):
    data = session_post(alice, [(exercise_catalogue["towel-scrunch"], 2, 8, None)])
    first = alice_client.post("/sessions/new/", data)
    second = alice_client.post("/sessions/new/", data)

    assert StrengthSession.objects.filter(participant=alice).count() == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]


@pytest.mark.parametrize(
    ("rows", "why"),
    [
        ([], "Add at least one exercise to the session."),
        ([("towel-scrunch", 25, 8, None)], "Towel scrunch: sets must be from 1 to 20."),
        ([("towel-scrunch", 2, 300, None)], "Towel scrunch: repetitions must be from 1 to 200."),
        ([("sole-roller-roll", 1, None, 900)], "a hold must be from 1 to 600 seconds."),
        ([("towel-scrunch", 2, 8, 30)], "not both"),
        ([("towel-scrunch", 2, None, None)], "give the repetitions or the seconds held."),
        ([(None, 2, 8, None)], "Choose the exercise these numbers are for."),
    ],
)
def test_a_refused_session_says_why(alice_client, alice, exercise_catalogue, rows, why):
    rows = [(exercise_catalogue[slug] if slug else None, *rest) for slug, *rest in rows]
    response = alice_client.post("/sessions/new/", session_post(alice, rows))
    assert response.status_code == 200
    assert why in response.content.decode()
    assert not StrengthSession.objects.exists()


def test_a_future_session_is_refused_at_its_date(alice_client, alice, exercise_catalogue):
    rows = [(exercise_catalogue["towel-scrunch"], 2, 8, None)]
    response = alice_client.post(
        "/sessions/new/", session_post(alice, rows, at=timezone.now() + dt.timedelta(hours=2))
    )
    assert response.context["form"].errors["performed_at"] == ["That time is in the future."]


def test_the_fourth_session_of_a_day_is_refused(alice_client, alice, exercise_catalogue):
    rows = [(exercise_catalogue["towel-scrunch"], 2, 8, None)]
    now = timezone.now()
    moment = max(now - dt.timedelta(minutes=10), alice.programme.starts_at)
    for _ in range(3):
        assert (
            alice_client.post("/sessions/new/", session_post(alice, rows, at=moment)).status_code
            == 302
        )
    response = alice_client.post("/sessions/new/", session_post(alice, rows, at=moment))
    assert "the most one day can count" in response.content.decode()


def test_editing_a_session_through_its_page(alice_client, alice, exercise_catalogue):
    session = StrengthSessionFactory(participant=alice, items=[exercise_catalogue["short-foot"]])
    page = alice_client.get(f"/sessions/{session.pk}/")
    assert initial_rows(page)[0] == exercise_catalogue["short-foot"].pk

    data = session_post(alice, [(exercise_catalogue["band-eversion"], 3, 12, None)], difficulty="9")
    response = alice_client.post(f"/sessions/{session.pk}/", data)

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.difficulty == 9
    assert [item.exercise.slug for item in session.items.all()] == ["band-eversion"]


def test_deleting_asks_first_then_takes_the_level_back(alice_client, alice, exercise_catalogue):
    rows = [(exercise_catalogue["towel-scrunch"], 2, 8, None)]
    for minutes in (50, 40):
        alice_client.post(
            "/sessions/new/",
            session_post(alice, rows, at=timezone.now() - dt.timedelta(minutes=minutes)),
        )
    assert LevelCompletion.objects.filter(participant=alice).exists()
    session = StrengthSession.objects.filter(participant=alice).first()

    confirm = alice_client.get(f"/sessions/{session.pk}/delete/")
    assert "Delete this session?" in confirm.content.decode()
    assert StrengthSession.objects.filter(pk=session.pk).exists()

    response = alice_client.post(f"/sessions/{session.pk}/delete/")
    assert response["Location"] == "/sessions/"
    assert not StrengthSession.objects.filter(pk=session.pk).exists()
    assert not LevelCompletion.objects.filter(participant=alice).exists()


def test_someone_elses_session_is_not_found(open_programme, alice, exercise_catalogue):
    session = StrengthSessionFactory(participant=alice)
    bob = Client()
    bob.force_login(ParticipantFactory(programme=open_programme).user)
    for url in (f"/sessions/{session.pk}/", f"/sessions/{session.pk}/delete/"):
        assert bob.get(url).status_code == 404
        assert bob.post(url).status_code == 404
    assert StrengthSession.objects.filter(pk=session.pk).exists()


def test_the_list_shows_only_your_own_sessions_twenty_a_page(alice_client, alice, open_programme):
    now = timezone.now()
    for hours in range(25):
        StrengthSessionFactory(participant=alice, performed_at=now - dt.timedelta(hours=hours))
    StrengthSessionFactory(participant=ParticipantFactory(programme=open_programme), difficulty=10)

    first = alice_client.get("/sessions/")
    assert len(first.context["page"].object_list) == 20
    assert "Page 1 of 2" in first.content.decode()
    assert len(alice_client.get("/sessions/?page=2").context["page"].object_list) == 5
    assert "10/10" not in first.content.decode()


def test_the_list_says_so_when_there_is_nothing_yet(alice_client):
    assert "No sessions yet" in alice_client.get("/sessions/").content.decode()


def test_the_dashboard_shows_sessions_against_the_weeks_goal(
    alice_client, alice, exercise_catalogue
):
    def sessions_bar():
        body = alice_client.get("/dashboard/").content.decode()
        return re.search(
            r'<progress max="100" value="(\d+)"[^>]*data-goal="Foot-strength sessions"', body
        ).group(1)

    assert sessions_bar() == "0"
    alice_client.post(
        "/sessions/new/", session_post(alice, [(exercise_catalogue["towel-scrunch"], 2, 8, None)])
    )
    assert sessions_bar() == "50"
    assert WeeklyTally.objects.get(participant=alice, level__number=1).session_count == 1


def test_signed_in_pages_link_to_the_sessions(alice_client):
    body = alice_client.get("/dashboard/").content.decode()
    assert 'href="/sessions/"' in body
    assert 'href="/exercises/"' in body
    assert 'href="/levels/1/routine/"' in body


# The admin ----------------------------------------------------------------------------------------


def test_staff_edit_exercises_with_equipment_side_by_side_and_see_the_chain(
    exercise_catalogue, superuser
):
    client = Client()
    client.force_login(superuser)
    exercise = exercise_catalogue["small-toes-lift"]
    body = client.get(f"/admin/exercises/exercise/{exercise.pk}/change/").content.decode()
    assert "selectfilter" in body  # filter_horizontal
    assert "Big toe lift → <strong>Four small toes lift</strong> → Each toe alone" in body
    listing = client.get("/admin/exercises/exercise/").content.decode()
    assert "Arch lift and relax (short foot)" in listing


def test_the_admin_refuses_a_progression_loop(exercise_catalogue):
    hardest = exercise_catalogue["single-toe-lifts"]
    data = {
        field: getattr(hardest, field)
        for field in ExerciseAdminForm._meta.fields
        if field not in ("equipment", "progresses_to")
    }
    data["equipment"] = [kit.pk for kit in hardest.equipment.all()]
    data["progresses_to"] = exercise_catalogue["big-toe-lift"].pk
    form = ExerciseAdminForm(data=data, instance=hardest)
    assert not form.is_valid()
    assert "would make a loop" in form.errors["progresses_to"][0]


def test_sessions_are_read_only_in_the_admin(exercise_catalogue, superuser, alice):
    session = StrengthSessionFactory(participant=alice)
    client = Client()
    client.force_login(superuser)
    response = client.get(f"/admin/exercises/strengthsession/{session.pk}/change/")
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert Exercise.objects.exists()


# Logging from the routine in one step ------------------------------------------------------


def test_the_routine_logs_what_was_ticked_in_one_post(alice_client, alice):
    routine = list(RoutineItem.objects.filter(level__number=1).order_by("position"))
    token = str(uuid.uuid4())
    data = {"item": [routine[0].pk, routine[3].pk], "submission_token": token}
    response = alice_client.post("/levels/1/routine/log/", data)
    again = alice_client.post("/levels/1/routine/log/", data)  # a double click

    session = StrengthSession.objects.get(participant=alice)
    assert response["Location"] == again["Location"] == f"/sessions/{session.pk}/"
    assert session.from_routine and session.level.number == 1
    assert [
        (item.exercise_id, item.sets, item.reps, item.hold_s) for item in session.items.all()
    ] == [
        (item.exercise_id, item.sets, item.reps, item.hold_s) for item in (routine[0], routine[3])
    ]


def test_nothing_ticked_logs_nothing_and_says_why(alice_client, alice):
    response = alice_client.post("/levels/1/routine/log/", {"item": []}, follow=True)
    assert "Tick at least one exercise you did" in response.content.decode()
    assert not StrengthSession.objects.exists()


def test_a_refused_one_step_log_goes_to_the_full_form_with_the_ticks_kept(alice_client, alice):
    routine = list(RoutineItem.objects.filter(level__number=1).order_by("position"))
    for _ in range(3):  # the day's allowance used up
        StrengthSessionFactory(participant=alice, performed_at=timezone.now())
    response = alice_client.post("/levels/1/routine/log/", {"item": [routine[1].pk]}, follow=True)
    body = response.content.decode()
    assert "the most one day can count" in body
    assert initial_rows(response)[:1] == [routine[1].exercise_id]
    assert StrengthSession.objects.filter(participant=alice).count() == 3


def test_a_locked_weeks_routine_cannot_be_logged_in_one_step(alice_client, open_programme):
    routine_replace(level=open_programme.levels.get(number=2), items=catalogue.ROUTINES[2])
    item = RoutineItem.objects.filter(level__number=2).first()
    assert alice_client.post("/levels/2/routine/log/", {"item": [item.pk]}).status_code == 404
    assert not StrengthSession.objects.exists()


def test_the_log_form_says_which_week_it_counts_toward_and_offers_the_open_ones(
    alice_client, open_programme
):
    response = alice_client.get("/sessions/new/", {"level": 1})
    form = response.context["form"]
    assert form.initial["week"] == 1
    assert [label for _value, label in form.fields["week"].choices] == [
        "The week the date falls in",
        f"Week 1: {open_programme.levels.get(number=1).title}",
    ]
    assert "Counts toward" in response.content.decode()
