"""The staff figures page: the numbers on a known dataset, who may see it, and its queries."""

import datetime as dt
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from exercises.models import StrengthSession
from programme import services
from programme.figures import figures_for
from programme.models import LevelCompletion, Participant, ReviewStatus, Run, WeeklyTally
from tests.factories import ParticipantFactory, ProgrammeFactory, StaffFactory

FIGURES = reverse("admin:programme_figures")
BERLIN = dt.timezone(dt.timedelta(hours=1))  # Berlin in March before the clocks change


def berlin(day, hour, minute=0):
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=BERLIN)


@pytest.fixture
def known(db):
    """Three participants of a programme starting Monday 2 March 2026 in Berlin.

    Week 1: Ana runs 3 + 3 km (completes level 1); Carl's run is rejected.
    Week 2 (now): Ana runs 3 km and does a foot-strength session; Ben's 10 km run is held;
    Carl does two foot-strength sessions.
    """
    programme = ProgrammeFactory(
        name="Spree Six", starts_on=dt.date(2026, 3, 2), time_zone="Europe/Berlin"
    )
    now = berlin(10, 12)
    ana, ben, carl = (
        ParticipantFactory(programme=programme, display_name=name)
        for name in ("Ana", "Ben", "Carl")
    )
    # Joined: 23:30 UTC on 1 March is already 2 March in Berlin.
    for person, joined in (
        (ana, dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)),
        (ben, dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)),
        (carl, dt.datetime(2026, 3, 4, 12, 0, tzinfo=dt.UTC)),
    ):
        Participant.objects.filter(pk=person.pk).update(created_at=joined)

    def run(person, moment, distance_m=3_000, duration_s=1_080):
        return services.run_log(
            participant=person,
            started_at=moment,
            distance_m=distance_m,
            duration_s=duration_s,
            now=now,
        )

    run(ana, berlin(3, 8))
    run(ana, berlin(4, 8))
    run(ana, berlin(9, 18))
    run(ben, berlin(9, 19), distance_m=10_000, duration_s=1_740)
    services.run_review(
        run=run(carl, berlin(5, 7)), approve=False, reviewer=None, reason="Cycled.", now=now
    )
    week_2 = programme.levels.get(number=2)
    for person in (carl, carl, ana):  # Ana both ran and did a session: active once
        StrengthSession.objects.create(participant=person, level=week_2, performed_at=berlin(10, 7))
    return programme, now


def test_the_figures_of_a_known_programme(known):
    programme, now = known

    figures = figures_for(programme, now)

    assert figures.participant_count == 3
    assert figures.current_week.number == 2
    assert figures.active_this_week == 3  # Ana ran, Ben's held run, Carl's session
    assert [week.active for week in figures.weeks] == [1, 3, 0, 0, 0, 0]  # rejected is not activity
    assert [week.completed for week in figures.weeks] == [1, 0, 0, 0, 0, 0]
    assert [week.distance_m for week in figures.weeks] == [6_000, 3_000, 0, 0, 0, 0]
    assert figures.total_distance_m == 9_000
    assert figures.held_runs == 1
    assert figures.signups_per_day == [
        (dt.date(2026, 3, 2), 2),
        (dt.date(2026, 3, 3), 0),
        (dt.date(2026, 3, 4), 1),
        *[(dt.date(2026, 3, day), 0) for day in range(5, 11)],
    ]


def test_before_the_first_week_nothing_is_current(known):
    programme, _now = known
    figures = figures_for(programme, berlin(2, 5))
    assert figures.current_week is None
    assert figures.active_this_week == 0


def test_a_programme_nobody_joined_has_empty_figures(db):
    programme = ProgrammeFactory()
    figures = figures_for(programme, programme.week_start(1) + timedelta(hours=1))
    assert (figures.participant_count, figures.total_distance_m, figures.held_runs) == (0, 0, 0)
    assert figures.signups_per_day == []
    assert [week.completed for week in figures.weeks] == [0] * 6


def test_the_page_draws_each_figure_as_an_svg_chart_with_a_table(client, superuser, known):
    programme, _now = known
    client.force_login(superuser)

    response = client.get(FIGURES)

    assert response.status_code == 200
    assert response.context["programme"] == programme
    page = response.content.decode()
    for section in ("signups", "active", "funnel", "distance"):
        block = page.split(f'id="figures-{section}"')[1].split('<div class="module"')[0]
        assert "<svg" in block and "<rect" in block, section
        assert "<table>" in block, section
    assert "<title>Completed" not in page
    funnel = page.split('id="figures-funnel"')[1]
    assert re.search(r"Completed week 1: Level 1</td><td>1<", funnel)
    distance = page.split('id="figures-distance"')[1]
    assert "9.00 km" in distance
    held_link = re.search(r'href="(/admin/programme/run/\?[^"]+)">1</a>', page).group(1)
    held = client.get(held_link.replace("&amp;", "&"))
    assert [run.participant.display_name for run in held.context["cl"].result_list] == ["Ben"]
    # The CSP forbids inline styles: charts use SVG attributes only.
    content = page.split('id="content-main"')[1]
    assert "style=" not in content


def test_staff_choose_another_programme(client, superuser, known):
    programme, _now = known
    other = ProgrammeFactory(name="Old Run", slug="old-run", is_active=False)
    client.force_login(superuser)

    assert client.get(FIGURES).context["programme"] == programme
    chosen = client.get(f"{FIGURES}?programme={other.pk}")
    assert chosen.context["programme"] == other
    assert chosen.context["figures"].participant_count == 0
    assert client.get(f"{FIGURES}?programme=nonsense").context["programme"] == programme


def test_the_programme_and_participant_lists_link_to_the_figures(client, superuser, programme):
    client.force_login(superuser)
    for name in ("programme", "participant"):
        page = client.get(reverse(f"admin:programme_{name}_changelist")).content.decode()
        assert f'href="{FIGURES}"' in page, name


# Who may see the figures ---------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_admin_login(client, programme):
    response = client.get(FIGURES)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_participants_are_sent_to_the_admin_login(client, participant):
    client.force_login(participant.user)
    response = client.get(FIGURES)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_the_permission_are_refused(client, staff_user, programme):
    client.force_login(staff_user)
    assert client.get(FIGURES).status_code == 403
    page = client.get("/admin/").content.decode()
    assert FIGURES not in page


def test_staff_who_may_view_participants_see_the_figures(client, staff_user, programme):
    staff_user.user_permissions.add(Permission.objects.get(codename="view_participant"))
    client.force_login(staff_user)
    assert client.get(FIGURES).status_code == 200
    participants = client.get(reverse("admin:programme_participant_changelist")).content.decode()
    assert f'href="{FIGURES}"' in participants


def test_superusers_see_the_figures(client, superuser, programme):
    client.force_login(superuser)
    assert client.get(FIGURES).status_code == 200


# Queries ---------------------------------------------------------------------------------


def grow(programme, total):
    """Participants up to ``total``, each with runs, a tally, a completion and a session."""
    level = programme.levels.get(number=1)
    moment = programme.week_start(1) + timedelta(hours=2)
    missing = total - Participant.objects.filter(programme=programme).count()
    people = []
    for _ in range(missing):
        person = ParticipantFactory.build(programme=programme, user=StaffFactory.build())
        person.user.is_staff = False
        person.user.save()
        people.append(person)
    Participant.objects.bulk_create(people)
    Run.objects.bulk_create(
        Run(
            participant=person,
            level=level,
            started_at=moment + timedelta(minutes=10 * index),
            distance_m=3_000,
            duration_s=1_080,
            status=status,
        )
        for person in people
        for index, status in enumerate(
            [ReviewStatus.COUNTED, ReviewStatus.COUNTED, ReviewStatus.HELD]
        )
    )
    WeeklyTally.objects.bulk_create(
        WeeklyTally(participant=person, level=level, run_count=2, distance_m=6_000)
        for person in people
    )
    LevelCompletion.objects.bulk_create(
        LevelCompletion(participant=person, level=level, completed_at=moment, tickets=1)
        for person in people
    )
    StrengthSession.objects.bulk_create(
        StrengthSession(participant=person, level=level, performed_at=moment) for person in people
    )


def test_the_figures_page_makes_the_same_few_queries_for_10_or_200_participants(
    client, superuser, programme, django_assert_max_num_queries
):
    client.force_login(superuser)
    counts = []
    for total in (10, 200):
        grow(programme, total)
        with django_assert_max_num_queries(10) as queries:
            response = client.get(FIGURES)
        assert response.context["figures"].participant_count == total
        assert response.context["figures"].weeks[0].completed == total
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_figures_selector_makes_four_queries(programme, django_assert_num_queries):
    grow(programme, 20)
    with django_assert_num_queries(4):
        figures_for(programme, programme.week_start(1) + timedelta(days=1))
