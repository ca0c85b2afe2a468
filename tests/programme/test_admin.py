"""Staff in the Django admin: the programme with its levels, participants, and run review."""

import datetime as dt
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications import services as outbox
from notifications.models import Notice
from notifications.tasks import send_notice_emails
from programme import services
from programme.errors import ProgrammeError
from programme.models import (
    Level,
    LevelCompletion,
    Participant,
    Programme,
    ReviewStatus,
    Run,
    WeeklyTally,
)
from tests.factories import ParticipantFactory, ProgrammeFactory, StaffFactory

RUNS = reverse("admin:programme_run_changelist")
PARTICIPANTS = reverse("admin:programme_participant_changelist")


def log_run(participant, *, hours_ago, distance_m=3_000, duration_s=1_080):
    """Through the service, as a participant would; 3 km at 6:00/km counts."""
    return services.run_log(
        participant=participant,
        started_at=timezone.now() - timedelta(hours=hours_ago),
        distance_m=distance_m,
        duration_s=duration_s,
    )


def log_held_run(participant, *, hours_ago):
    """10 km in 29 minutes (2:54/km): possible, but held for review."""
    return log_run(participant, hours_ago=hours_ago, distance_m=10_000, duration_s=1_740)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def post_action(client, action, runs, url=RUNS, **data):
    return client.post(
        url, {"action": action, "_selected_action": [run.pk for run in runs], **data}
    )


# Pages ------------------------------------------------------------------------------


def test_it_renders_every_programme_admin_page_for_a_superuser(admin_client, participant):
    run = log_held_run(participant, hours_ago=1)
    level = participant.programme.levels.get(number=1)
    urls = [
        reverse("admin:programme_programme_changelist"),
        reverse("admin:programme_programme_changelist") + "?q=spring",
        reverse("admin:programme_programme_add"),
        reverse("admin:programme_programme_change", args=[participant.programme.pk]),
        reverse("admin:programme_level_changelist"),
        reverse("admin:programme_level_change", args=[level.pk]),
        PARTICIPANTS,
        PARTICIPANTS + "?q=alice",
        PARTICIPANTS + "?country=GB",
        PARTICIPANTS + "?reached=0",
        PARTICIPANTS + "?reached=1",
        PARTICIPANTS + "?review=held",
        PARTICIPANTS + "?review=rejected",
        reverse("admin:programme_participant_change", args=[participant.pk]),
        RUNS,
        RUNS + "?status__exact=held",
        RUNS + "?source__exact=manual&level__number=1",
        RUNS + "?q=alice",
        reverse("admin:programme_run_change", args=[run.pk]),
    ]
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url


def test_it_lists_runs_with_distance_duration_and_pace(admin_client, participant):
    log_held_run(participant, hours_ago=1)
    page = admin_client.get(RUNS).content.decode()
    assert "Alice" in page
    assert "10.00" in page
    assert "29:00" in page
    assert "2:54 /km" in page
    assert "Held for review" in page
    assert "Logged by hand" in page


def test_it_offers_approve_and_reject_on_the_list_and_on_a_run(admin_client, participant):
    run = log_held_run(participant, hours_ago=1)
    for url in (RUNS, reverse("admin:programme_run_change", args=[run.pk])):
        page = admin_client.get(url).content.decode()
        assert "Approve (count)" in page
        assert "Reject…" in page


# Programme and levels ---------------------------------------------------------------


def programme_form(**overrides):
    data = {
        "name": "Autumn Six",
        "slug": "autumn-six",
        "is_active": "",
        "starts_on": "2026-10-05",
        "time_zone": "America/New_York",
        "unlock_time": "07:30",
        "weeks": "6",
        "logging_close_days": "3",
        "run_min_distance_m": "500",
        "run_min_duration_s": "120",
        "tagline": "",
        "description": "",
        "rules": "",
        "primary_colour": "",
        "accent_colour": "",
        "logo_url": "",
        "levels-TOTAL_FORMS": "0",
        "levels-INITIAL_FORMS": "0",
        "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_it_offers_to_create_the_levels_when_adding_a_programme(admin_client):
    response = admin_client.get(reverse("admin:programme_programme_add"))
    assert response.context["adminform"].form["create_levels"].value() is True


def test_adding_a_programme_creates_its_six_levels_at_the_default_unlock_moments(admin_client):
    response = admin_client.post(
        reverse("admin:programme_programme_add"), programme_form(create_levels="on")
    )
    assert response.status_code == 302
    programme = Programme.objects.get(slug="autumn-six")
    levels = list(programme.levels.order_by("number"))
    assert [level.number for level in levels] == [1, 2, 3, 4, 5, 6]
    # 07:30 in New York: 11:30 UTC in October, 12:30 UTC once the clocks go back (1 Nov).
    utc = dt.UTC
    assert [level.unlocks_at for level in levels] == [
        dt.datetime(2026, 10, 5, 11, 30, tzinfo=utc),
        dt.datetime(2026, 10, 12, 11, 30, tzinfo=utc),
        dt.datetime(2026, 10, 19, 11, 30, tzinfo=utc),
        dt.datetime(2026, 10, 26, 11, 30, tzinfo=utc),
        dt.datetime(2026, 11, 2, 12, 30, tzinfo=utc),
        dt.datetime(2026, 11, 9, 12, 30, tzinfo=utc),
    ]
    assert [level.title for level in levels] == [f"Level {n}" for n in range(1, 7)]


def test_a_level_entered_inline_keeps_its_fields_and_gets_the_default_moment(admin_client):
    data = programme_form(
        create_levels="on",
        **{
            "levels-TOTAL_FORMS": "2",
            "levels-0-number": "1",
            "levels-0-title": "First steps",
            "levels-0-tickets": "2",
            "levels-0-goal_runs": "3",
            "levels-0-unlocks_at_0": "",
            "levels-0-unlocks_at_1": "",
            "levels-1-number": "2",
            "levels-1-title": "Build",
            "levels-1-tickets": "1",
            "levels-1-unlocks_at_0": "2026-10-13",
            "levels-1-unlocks_at_1": "18:00:00",
        },
    )
    response = admin_client.post(reverse("admin:programme_programme_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    programme = Programme.objects.get(slug="autumn-six")
    first = programme.levels.get(number=1)
    assert (first.title, first.tickets, first.goal_runs) == ("First steps", 2, 3)
    assert first.unlocks_at == programme.week_start(1)
    # An unlock moment staff typed is theirs (the admin works in UTC).
    assert programme.levels.get(number=2).unlocks_at == dt.datetime(2026, 10, 13, 18, tzinfo=dt.UTC)
    assert programme.levels.count() == 6


def test_without_the_offer_no_levels_are_created(admin_client):
    admin_client.post(reverse("admin:programme_programme_add"), programme_form())
    assert not Level.objects.filter(programme__slug="autumn-six").exists()


def test_the_programme_page_shows_each_unlock_moment_in_the_programme_zone(admin_client):
    programme = ProgrammeFactory(starts_on=dt.date(2026, 3, 2), time_zone="Asia/Tokyo")
    page = admin_client.get(
        reverse("admin:programme_programme_change", args=[programme.pk])
    ).content.decode()
    assert "Mon 2 Mar 2026, 06:00 (Asia/Tokyo)" in page
    assert "Mon 9 Mar 2026, 06:00 (Asia/Tokyo)" in page


# Approving and rejecting runs ------------------------------------------------------------


def test_approving_a_held_run_counts_it_and_completes_the_level(admin_client, participant):
    log_run(participant, hours_ago=3)
    held = log_held_run(participant, hours_ago=1)
    assert not LevelCompletion.objects.filter(participant=participant).exists()

    response = post_action(admin_client, "approve_runs", [held])

    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == ReviewStatus.COUNTED
    assert held.reviewed_by.email == "root@example.org"
    assert held.reviewed_at is not None
    completion = LevelCompletion.objects.get(participant=participant)
    assert completion.level.number == 1
    participant.refresh_from_db()
    assert (participant.tickets, participant.total_distance_m) == (1, 13_000)
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["1 run approved: it counts, and its week was checked again."]


def test_approving_says_how_many_changed_and_leaves_counted_runs_alone(admin_client, participant):
    counted = log_run(participant, hours_ago=5)
    held = [log_held_run(participant, hours_ago=hours) for hours in (3, 1)]

    response = post_action(admin_client, "approve_runs", [counted, *held])

    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "2 runs approved: they count, and their weeks were checked again.",
        "1 run already had that status and was left as it was.",
    ]
    counted.refresh_from_db()
    assert counted.reviewed_by is None


def test_reject_asks_for_a_reason_on_a_page_of_its_own(admin_client, participant):
    held = log_held_run(participant, hours_ago=1)

    response = post_action(admin_client, "reject_runs", [held])

    assert response.status_code == 200
    assert response.templates[0].name == "admin/programme/run/reject_confirmation.html"
    page = response.content.decode()
    assert 'name="reason"' in page
    assert f'name="_selected_action" value="{held.pk}"' in page
    assert 'name="action" value="reject_runs"' in page
    assert f'href="{RUNS}"' in page  # cancel goes back to the list
    held.refresh_from_db()
    assert held.status == ReviewStatus.HELD


def test_reject_without_a_reason_is_refused_and_changes_nothing(admin_client, participant):
    held = log_held_run(participant, hours_ago=1)

    response = post_action(admin_client, "reject_runs", [held], apply="yes", reason="   ")

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    held.refresh_from_db()
    assert held.status == ReviewStatus.HELD


def test_reject_with_a_reason_rejects_and_reports(admin_client, participant):
    held = log_held_run(participant, hours_ago=1)

    response = post_action(
        admin_client, "reject_runs", [held], apply="yes", reason="GPS jumped across the bay."
    )

    assert response.status_code == 302
    assert response["Location"] == RUNS
    held.refresh_from_db()
    assert held.status == ReviewStatus.REJECTED
    assert held.review_reason == "GPS jumped across the bay."
    assert held.reviewed_by.email == "root@example.org"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["1 run rejected: it no longer counts, and its week was checked again."]


def test_rejecting_a_run_takes_back_the_level_it_completed(admin_client, participant):
    first = log_run(participant, hours_ago=3)
    log_run(participant, hours_ago=1)
    assert LevelCompletion.objects.filter(participant=participant).exists()
    participant.refresh_from_db()
    assert participant.tickets == 1

    post_action(admin_client, "reject_runs", [first], apply="yes", reason="Run on a bus.")

    assert not LevelCompletion.objects.filter(participant=participant).exists()
    participant.refresh_from_db()
    assert (participant.tickets, participant.total_distance_m) == (0, 3_000)
    tally = WeeklyTally.objects.get(participant=participant)
    assert (tally.run_count, tally.distance_m) == (1, 3_000)


def test_a_run_is_rejected_from_its_own_page(admin_client, participant):
    held = log_held_run(participant, hours_ago=1)
    change_url = reverse("admin:programme_run_change", args=[held.pk])
    choose = {"CHANGE_FORM-action": "reject_runs", "_selected_action": held.pk, "index": 0}

    asked = admin_client.post(change_url, choose)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert 'name="CHANGE_FORM-action" value="reject_runs"' in page
    assert f'href="{change_url}"' in page

    done = admin_client.post(
        change_url,
        {"CHANGE_FORM-action": "reject_runs", "_selected_action": held.pk, "apply": "yes",
         "reason": "Two runs merged."},
    )  # fmt: skip
    assert done.status_code == 302
    assert done["Location"] == change_url
    held.refresh_from_db()
    assert (held.status, held.review_reason) == (ReviewStatus.REJECTED, "Two runs merged.")


def test_the_change_form_cannot_change_a_runs_status_or_numbers(admin_client, participant):
    held = log_held_run(participant, hours_ago=1)
    change_url = reverse("admin:programme_run_change", args=[held.pk])

    page = admin_client.get(change_url).content.decode()
    assert 'name="_save"' not in page
    assert 'name="status"' not in page

    admin_client.post(change_url, {"status": "counted", "distance_m": "1", "_save": "Save"})
    held.refresh_from_db()
    assert (held.status, held.distance_m) == (ReviewStatus.HELD, 10_000)


def test_runs_cannot_be_added_or_deleted_in_the_admin(admin_client, participant):
    held = log_held_run(participant, hours_ago=1)
    assert admin_client.get(reverse("admin:programme_run_add")).status_code == 403
    assert (
        admin_client.get(reverse("admin:programme_run_delete", args=[held.pk])).status_code == 403
    )
    assert "delete_selected" not in admin_client.get(RUNS).content.decode()


def test_staff_who_may_only_view_runs_cannot_review_them(client, participant):
    viewer = StaffFactory(email="viewer@example.org")
    viewer.user_permissions.add(Permission.objects.get(codename="view_run"))
    client.force_login(viewer)
    held = log_held_run(participant, hours_ago=1)

    assert "Approve (count)" not in client.get(RUNS).content.decode()
    post_action(client, "approve_runs", [held])

    held.refresh_from_db()
    assert held.status == ReviewStatus.HELD


def test_staff_with_the_change_permission_review_runs(client, participant):
    reviewer = StaffFactory(email="reviewer@example.org")
    reviewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_run", "change_run"])
    )
    client.force_login(reviewer)
    held = log_held_run(participant, hours_ago=1)

    post_action(client, "approve_runs", [held])

    held.refresh_from_db()
    assert (held.status, held.reviewed_by) == (ReviewStatus.COUNTED, reviewer)


# Participants ----------------------------------------------------------------------


def result_names(response):
    return sorted(p.display_name for p in response.context["cl"].result_list)


def test_participants_are_found_by_email_and_by_display_name(admin_client, participant):
    ParticipantFactory(programme=participant.programme, display_name="Bob", user__email="b@x.org")
    assert result_names(admin_client.get(PARTICIPANTS + "?q=ALICE")) == ["Alice"]
    assert result_names(admin_client.get(PARTICIPANTS + "?q=b@x.org")) == ["Bob"]


def test_participants_are_filtered_by_country(admin_client, participant):
    ParticipantFactory(programme=participant.programme, display_name="Émile", country="FR")
    assert result_names(admin_client.get(PARTICIPANTS + "?country=FR")) == ["Émile"]
    assert "France" in admin_client.get(PARTICIPANTS).content.decode()


def test_participants_are_filtered_by_the_highest_level_they_completed(admin_client, programme):
    none, one, two, only_two = (
        ParticipantFactory(programme=programme, display_name=name)
        for name in ("None", "One", "Two", "OnlyTwo")
    )
    levels = {level.number: level for level in programme.levels.all()}
    now = timezone.now()
    for person, numbers in ((one, [1]), (two, [1, 2]), (only_two, [2])):
        for number in numbers:
            LevelCompletion.objects.create(
                participant=person, level=levels[number], completed_at=now, tickets=1
            )

    assert result_names(admin_client.get(PARTICIPANTS + "?reached=0")) == ["None"]
    assert result_names(admin_client.get(PARTICIPANTS + "?reached=1")) == ["One"]
    assert result_names(admin_client.get(PARTICIPANTS + "?reached=2")) == ["OnlyTwo", "Two"]
    assert result_names(admin_client.get(PARTICIPANTS + "?reached=3")) == []


def test_participants_are_filtered_by_review_state(admin_client, participant, other_participant):
    log_run(participant, hours_ago=5)
    log_held_run(participant, hours_ago=3)
    rejected = log_held_run(other_participant, hours_ago=1)
    services.run_review(run=rejected, approve=False, reviewer=None, reason="Bike ride.")

    assert result_names(admin_client.get(PARTICIPANTS + "?review=held")) == ["Alice"]
    assert result_names(admin_client.get(PARTICIPANTS + "?review=rejected")) == ["Bob"]


def test_participants_cannot_be_added_and_maintained_fields_are_read_only(
    admin_client, participant
):
    log_run(participant, hours_ago=1)
    participant.refresh_from_db()
    change_url = reverse("admin:programme_participant_change", args=[participant.pk])
    page = admin_client.get(change_url).content.decode()
    for field in ("total_distance_m", "tickets", "user", "programme"):
        assert f'name="{field}"' not in page
    assert str(participant.draw_id) in page
    assert admin_client.get(reverse("admin:programme_participant_add")).status_code == 403


def test_staff_changing_a_participants_settings_keeps_the_leaderboard_in_step(
    admin_client, participant
):
    log_run(participant, hours_ago=1)
    change_url = reverse("admin:programme_participant_change", args=[participant.pk])
    data = {
        "display_name": "Alice R.",
        "country": "IE",
        "time_zone": "Europe/Dublin",
        "units": "mi",
        "leaderboard_opt_in": "on",
        "reminder_emails": "on",
        "tickets": "99",
        "total_distance_m": "999999",
        **{
            f"{prefix}-{key}": value
            for prefix in ("completions", "runs")
            for key, value in (
                ("TOTAL_FORMS", "0"),
                ("INITIAL_FORMS", "0"),
                ("MIN_NUM_FORMS", "0"),
                ("MAX_NUM_FORMS", "1000"),
            )
        },
        "_save": "Save",
    }

    response = admin_client.post(change_url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    participant = Participant.objects.get(pk=participant.pk)
    assert (participant.display_name, participant.country.code, participant.units) == (
        "Alice R.",
        "IE",
        "mi",
    )
    assert participant.leaderboard_opt_in
    assert (participant.tickets, participant.total_distance_m) == (0, 3_000)
    assert WeeklyTally.objects.get(participant=participant).leaderboard_opt_in


# Queries -----------------------------------------------------------------------------


def make_participants(programme, count):
    """Many participants with a held and a rejected run each, quickly (no services)."""
    people = [
        ParticipantFactory.build(programme=programme, user=StaffFactory.build(is_staff=False))
        for _ in range(count)
    ]
    for person in people:
        person.user.save()
    Participant.objects.bulk_create(people)
    level = programme.levels.get(number=1)
    moment = timezone.now() - timedelta(hours=1)
    Run.objects.bulk_create(
        Run(
            participant=person,
            level=level,
            started_at=moment - timedelta(minutes=index),
            distance_m=10_000,
            duration_s=1_740,
            status=status,
        )
        for person in people
        for index, status in enumerate([ReviewStatus.HELD, ReviewStatus.REJECTED])
    )
    LevelCompletion.objects.bulk_create(
        LevelCompletion(participant=person, level=level, completed_at=moment, tickets=1)
        for person in people
    )


@pytest.mark.parametrize(
    "url",
    [
        PARTICIPANTS,
        PARTICIPANTS + "?review=held&reached=1&country=GB",
        RUNS,
        RUNS + "?status__exact=held",
    ],
)
def test_the_changelists_make_the_same_few_queries_for_10_or_200_participants(
    admin_client, programme, url, django_assert_max_num_queries
):
    counts = []
    for total in (10, 200):
        make_participants(programme, total - Participant.objects.count())
        with django_assert_max_num_queries(12) as queries:
            assert admin_client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_review_the_rules_refuse_is_reported_and_the_others_go_ahead(
    admin_client, participant, monkeypatch
):
    refused, accepted = (log_held_run(participant, hours_ago=hours) for hours in (3, 1))
    real_review = services.run_review

    def review(*, run, **kwargs):
        if run.pk == refused.pk:
            raise ProgrammeError("Logging for week 1 closed on 9 Mar 2026, 06:00.")
        return real_review(run=run, **kwargs)

    monkeypatch.setattr(services, "run_review", review)

    response = post_action(admin_client, "approve_runs", [refused, accepted])

    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        f"{refused} was not changed: Logging for week 1 closed on 9 Mar 2026, 06:00.",
        "1 run approved: it counts, and its week was checked again.",
    ]
    refused.refresh_from_db()
    accepted.refresh_from_db()
    assert (refused.status, accepted.status) == (ReviewStatus.HELD, ReviewStatus.COUNTED)


def test_the_runner_is_told_of_a_review_with_the_reason_in_the_app_and_by_email(
    admin_client, participant, monkeypatch, django_capture_on_commit_callbacks
):
    held = log_held_run(participant, hours_ago=1)
    queued = []
    monkeypatch.setattr(send_notice_emails, "delay", queued.append)

    with django_capture_on_commit_callbacks(execute=True):
        post_action(admin_client, "reject_runs", [held], apply="yes", reason="GPS jumped.")

    notice = Notice.objects.get(participant=participant, key=f"run-reviewed:{held.pk}")
    assert notice.title == "Your run was not accepted"
    assert notice.body.endswith("GPS jumped.")
    assert queued == [[notice.pk]]
    assert outbox.notice_emails_send(notice_ids=queued[0]) == 1
    assert "GPS jumped." in mail.outbox[0].body

    # Approved after all: told again, and emailed again.
    with django_capture_on_commit_callbacks(execute=True):
        post_action(admin_client, "approve_runs", [held])
    notice.refresh_from_db()
    assert notice.title == "Your run was approved"
    assert notice.emailed_at is None and notice.read_at is None
    assert queued[-1] == [notice.pk]


# The admin's home ------------------------------------------------------------------


def test_the_admin_home_shows_held_runs_the_next_unlock_and_the_figures(admin_client, participant):
    log_held_run(participant, hours_ago=1)
    log_held_run(participant, hours_ago=2)
    log_run(participant, hours_ago=3)
    programme = participant.programme
    week_2 = programme.levels.get(number=2)

    response = admin_client.get(reverse("admin:index"))

    page = response.content.decode()
    assert f'href="{RUNS}?status__exact=held">2 runs wait for review</a>' in page
    local = week_2.unlocks_at.astimezone(programme.tz)
    assert f"Week 2 “{week_2.title}” of {programme.name}, " in page
    assert f"{local:%H:%M} (Europe/London)" in page
    figures = reverse("admin:programme_figures")
    assert f'href="{figures}?programme={programme.pk}">{programme.name}</a>' in page


def test_the_admin_home_says_when_nothing_is_waiting(admin_client, programme):
    programme.levels.update(unlocks_at=timezone.now() - timedelta(days=1))
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "0 runs wait for review" in page
    assert "No level is waiting to unlock." in page


def test_the_admin_home_leaves_out_what_the_staff_member_may_not_see(client, participant):
    log_held_run(participant, hours_ago=1)
    client.force_login(StaffFactory())
    page = client.get(reverse("admin:index")).content.decode()
    assert "Next unlock" in page
    assert "wait for review" not in page
    assert "Participation figures" not in page


def test_the_admin_home_makes_the_same_few_queries_for_few_or_many_runs(
    admin_client, participant, django_assert_max_num_queries
):
    admin_client.get(reverse("admin:index"))  # warm the session and content types
    # Half an hour apart, all within the last 15 hours: inside the test programme (which
    # opened at least 18 hours ago) whatever the time of day.
    for half_hours in range(1, 30):
        log_held_run(participant, hours_ago=half_hours / 2)
    with django_assert_max_num_queries(8):
        admin_client.get(reverse("admin:index"))


def test_the_review_list_says_why_each_run_was_held(admin_client, participant):
    log_held_run(participant, hours_ago=1)
    log_run(participant, hours_ago=2, distance_m=3_000, duration_s=1_080)

    page = admin_client.get(RUNS).content.decode()

    assert "Why held or rejected" in page
    assert '<td class="field-why">Pace faster than' in page
    assert '<td class="field-why">–</td>' in page  # counted as logged: nothing to explain


def test_approving_from_a_runs_own_page_tells_the_runner(
    admin_client, participant, monkeypatch, django_capture_on_commit_callbacks
):
    held = log_held_run(participant, hours_ago=1)
    queued = []
    monkeypatch.setattr(send_notice_emails, "delay", queued.append)
    change_url = reverse("admin:programme_run_change", args=[held.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            change_url, {"CHANGE_FORM-action": "approve_runs", "_selected_action": held.pk}
        )

    assert response.status_code == 302
    notice = Notice.objects.get(participant=participant, key=f"run-reviewed:{held.pk}")
    assert notice.title == "Your run was approved"
    assert queued == [[notice.pk]]


# Moving an unlock ----------------------------------------------------------------------


class FormValues(HTMLParser):
    """What a browser would post from a page's form, as it stands."""

    def __init__(self):
        super().__init__()
        self.data, self._textarea, self._select = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data[name] = attrs.get("value", "on")
                return
            self.data[name] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += (
                data.lstrip("\n") if not self.data[self._textarea] else data
            )

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_values(response):
    parser = FormValues()
    parser.feed(response.content.decode())
    return parser.data


def test_moving_an_unlock_earlier_warns_how_much_shorter_the_week_before_is(
    admin_client, programme
):
    week_3 = programme.levels.get(number=3)
    url = reverse("admin:programme_level_change", args=[week_3.pk])
    data = form_values(admin_client.get(url))
    earlier = (week_3.unlocks_at - timedelta(days=2)).astimezone(dt.UTC)
    data.update(unlocks_at_0=f"{earlier:%Y-%m-%d}", unlocks_at_1=f"{earlier:%H:%M:%S}")

    response = admin_client.post(url, data, follow=True)

    week_3.refresh_from_db()
    assert week_3.unlocks_at == earlier
    shown = [str(message) for message in response.context["messages"]]
    assert (
        "Week 3 now unlocks 2 days earlier, so week 2 is 2 days shorter: "
        "it now lasts 5 days." in shown
    ), shown


def test_moving_an_unlock_later_or_not_at_all_warns_of_nothing(admin_client, programme):
    week_3 = programme.levels.get(number=3)
    url = reverse("admin:programme_level_change", args=[week_3.pk])
    data = form_values(admin_client.get(url))
    later = (week_3.unlocks_at + timedelta(hours=5)).astimezone(dt.UTC)
    data.update(unlocks_at_0=f"{later:%Y-%m-%d}", unlocks_at_1=f"{later:%H:%M:%S}")

    response = admin_client.post(url, data, follow=True)

    assert "earlier" not in " ".join(str(m) for m in response.context["messages"])


def test_an_unlock_moved_earlier_in_the_programmes_levels_table_warns_too(admin_client, programme):
    url = reverse("admin:programme_programme_change", args=[programme.pk])
    data = form_values(admin_client.get(url))
    week_2 = programme.levels.get(number=2)
    prefix = next(k for k, v in data.items() if k.endswith("-id") and v == str(week_2.pk))[:-3]
    earlier = (programme.levels.get(number=1).unlocks_at - timedelta(hours=1)).astimezone(dt.UTC)
    data.update(
        {f"{prefix}-unlocks_at_0": f"{earlier:%Y-%m-%d}", f"{prefix}-unlocks_at_1": "05:00:00"}
    )

    response = admin_client.post(url, data, follow=True)

    shown = " ".join(str(message) for message in response.context["messages"])
    assert "Week 2 now unlocks 7 days, 1 hour earlier, before week 1 does" in shown, shown
