"""The organisers' draw steps in the admin: confirmations, the secret seed, address permission."""

import csv
import datetime as dt
import io

import pytest
from django.conf import settings
from django.contrib.admin.sites import site
from django.contrib.auth.models import Permission
from django.test import Client, RequestFactory
from django.utils import timezone

from rewards import drand, services, tasks
from rewards.admin import DrawAdmin
from rewards.admin.steps import spreadsheet_safe
from rewards.models import Draw, DrawEvent, DrawResult, DrawState, ResultStatus
from tests.factories import ParticipantFactory, StaffFactory
from tests.rewards.factories import (
    BEACON_ENTROPY,
    BEACON_ROUND,
    CHAINED_ROUND,
    SIGNATURE,
    DrawFactory,
    PrizeFactory,
    closed,
    complete,
    drawn,
    fixture_round,
    run_requested,
    scheduled,
)

pytestmark = pytest.mark.django_db

ADDRESS = {
    "full_name": "Alice Runner",
    "address_line1": "=1 Secret Lane",
    "city": "Leeds",
    "country": "GB",
    "postal_code": "LS1 4AP",
    "phone": "+44 113 496 0000",
    "size_system": "eu",
    "shoe_size": "41",
}


@pytest.fixture
def sent_tasks(monkeypatch):
    """Run requests recorded instead of sent to a broker (the worker tests send them)."""
    sent = []
    monkeypatch.setattr(
        tasks.run_draw, "apply_async", lambda args, **options: sent.append((args, options))
    )
    return sent


@pytest.fixture
def admin_client(superuser):
    client = Client()
    client.force_login(superuser)
    return client


def staff_with(*codenames):
    staff = StaffFactory()
    staff.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="rewards", codename__in=codenames)
    )
    client = Client()
    client.force_login(staff)
    return staff, client


@pytest.fixture
def entrants(programme):
    participants = [ParticipantFactory(programme=programme) for _ in range(5)]
    for number, participant in enumerate(participants, start=1):
        complete(participant, number)
    return participants


def url(name, draw_or_result):
    return f"/admin/rewards/draw/{draw_or_result.pk}/{name}/"


def test_staff_schedule_and_close_a_draw_each_after_a_confirmation_and_cannot_run_it_early(
    admin_client, programme, entrants, sent_tasks
):
    draw = DrawFactory(prize__programme=programme, winners=2, alternates=1)
    change = f"/admin/rewards/draw/{draw.pk}/change/"
    assert "Schedule" in admin_client.get(change).content.decode()

    page = admin_client.get(url("schedule", draw)).content.decode()
    assert "Yes, schedule and publish the commitment" in page
    assert "Beacon chain" in page and "Entries close by" in page
    draw.refresh_from_db()
    assert draw.state == DrawState.DRAFT  # a GET changes nothing
    close_by = timezone.now() + dt.timedelta(days=3)
    response = admin_client.post(
        url("schedule", draw),
        {"chain": "quicknet", "entries_close_by": close_by.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response["Location"] == change
    draw.refresh_from_db()
    chain = settings.DRAND_CHAINS["quicknet"]
    chain_hash, round_number = drand.parse_beacon(draw.beacon)
    assert chain_hash == chain["hash"] and draw.beacon_public_key == chain["public_key"]
    # The first round after entries close: later than close_by, one period at most.
    close_by = close_by.replace(second=0, microsecond=0)
    assert close_by < draw.beacon_round_at <= close_by + dt.timedelta(seconds=chain["period"])
    assert draw.beacon_round_at.timestamp() == chain["genesis_time"] + (round_number - 1) * 3
    assert draw.beacon in admin_client.get(change).content.decode()

    assert "Yes, close entries" in admin_client.get(url("close", draw)).content.decode()
    admin_client.post(url("close", draw))
    draw.refresh_from_db()
    assert draw.state == DrawState.ENTRIES_CLOSED
    assert "5 entrants, 15 tickets" in admin_client.get(change).content.decode()

    assert "Beacon signature" in admin_client.get(url("run", draw)).content.decode()
    response = admin_client.post(url("run", draw), {"signature": SIGNATURE})
    assert response.status_code == 200
    assert "The beacon round is not published until" in response.content.decode()
    draw.refresh_from_db()
    assert (draw.run_requested_at, draw.beacon_signature, sent_tasks) == (None, "", [])


def test_staff_schedule_with_a_close_time_in_the_past_see_why_not(admin_client, programme):
    draw = DrawFactory(prize__programme=programme)
    past = (timezone.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    for data, error in (
        ({"chain": "quicknet", "entries_close_by": past}, "Entries must close later than now"),
        ({"chain": "quicknet", "entries_close_by": ""}, "This field is required."),
        ({"chain": "nonesuch", "entries_close_by": "2099-01-01T00:00"}, "Select a valid choice"),
    ):
        response = admin_client.post(url("schedule", draw), data)
        assert response.status_code == 200
        assert error in response.content.decode()
    draw.refresh_from_db()
    assert (draw.state, draw.beacon, draw.commitment) == (DrawState.DRAFT, "", "")


def test_staff_run_a_draw_with_the_beacon_signature(
    admin_client, programme, entrants, sent_tasks, django_capture_on_commit_callbacks
):
    draw = closed(DrawFactory(prize__programme=programme, winners=2, alternates=1))
    change = f"/admin/rewards/draw/{draw.pk}/change/"
    page = admin_client.get(url("run", draw)).content.decode()
    assert f"https://api.drand.sh/{BEACON_ROUND['info']['hash']}/public/123" in page
    assert "Previous signature" not in page  # quicknet is unchained
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url("run", draw), {"signature": SIGNATURE.upper() + "\n"})
    assert response["Location"] == url("run-state", draw)
    draw.refresh_from_db()
    assert (draw.beacon_signature, draw.public_entropy) == (SIGNATURE, BEACON_ENTROPY)
    assert sent_tasks == [((draw.pk,), {"task_id": draw.run_task_id})]
    state = admin_client.get(url("run-state", draw) + "?format=json").json()
    assert (state["state"], state["done"]) == ("entries_closed", False)

    tasks.run_draw.run(draw.pk)  # what the worker does with the task
    state = admin_client.get(url("run-state", draw) + "?format=json").json()
    assert (state["state"], state["done"]) == ("drawn", True)
    page = admin_client.get(change).content.decode()
    assert bytes(Draw.objects.get(pk=draw.pk).seed).hex() in page
    assert "Awaiting claim: 2" in page
    actions = list(DrawEvent.objects.filter(draw=draw).values_list("action", "actor__email"))
    assert actions == [
        ("scheduled", None),
        ("entries_closed", None),
        ("run_requested", "root@example.org"),
        ("drawn", None),
    ]


@pytest.mark.parametrize(
    ("signature", "error"),
    [
        ("", "This field is required."),
        ("not hex at all", "Not a signature: the signature is not hexadecimal."),
        (SIGNATURE[:-2], "Not a signature: the signature has 47 bytes"),
        # A real quicknet signature, of round 2: a valid point, the wrong round.
        (fixture_round("quicknet", 2)["signature"], "This is not the signature of round 123"),
        # One bit changed: no longer a point of the curve.
        (SIGNATURE[:10] + ("0" if SIGNATURE[10] != "0" else "1") + SIGNATURE[11:], "not the"),
    ],
)
def test_a_wrong_signature_is_refused_with_a_reason_and_writes_nothing(
    admin_client, programme, entrants, sent_tasks, signature, error
):
    draw = closed(DrawFactory(prize__programme=programme))
    events = DrawEvent.objects.count()
    response = admin_client.post(url("run", draw), {"signature": signature})
    assert response.status_code == 200
    assert error in response.content.decode()
    draw.refresh_from_db()
    assert (draw.run_requested_at, draw.beacon_signature, draw.public_entropy) == (None, "", "")
    assert DrawEvent.objects.count() == events and sent_tasks == []


def test_a_chained_beacon_needs_the_previous_signature_too(
    admin_client, programme, entrants, sent_tasks
):
    draw = closed(DrawFactory(prize__programme=programme), beacon_round=CHAINED_ROUND)
    page = admin_client.get(url("run", draw)).content.decode()
    assert "Previous signature" in page
    response = admin_client.post(url("run", draw), {"signature": CHAINED_ROUND["signature"]})
    assert "This field is required." in response.content.decode()
    wrong_previous = {
        "signature": CHAINED_ROUND["signature"],
        "previous_signature": CHAINED_ROUND["signature"],
    }
    response = admin_client.post(url("run", draw), wrong_previous)
    assert "This is not the signature of round 72785" in response.content.decode()
    assert Draw.objects.get(pk=draw.pk).run_requested_at is None

    response = admin_client.post(
        url("run", draw),
        {
            "signature": CHAINED_ROUND["signature"],
            "previous_signature": CHAINED_ROUND["previous_signature"],
        },
    )
    assert response["Location"] == url("run-state", draw)
    draw.refresh_from_db()
    assert draw.public_entropy == CHAINED_ROUND["randomness"]  # drand's own randomness
    assert draw.beacon_previous_signature == CHAINED_ROUND["previous_signature"]


def test_the_seed_is_nowhere_in_the_admin_before_the_draw_has_run(
    admin_client, superuser, programme, entrants, sent_tasks
):
    draw = scheduled(DrawFactory(prize__programme=programme))
    seed_hex = bytes(draw.seed).hex()
    pages = [
        "/admin/rewards/draw/",
        f"/admin/rewards/draw/{draw.pk}/change/",
        f"/admin/rewards/draw/{draw.pk}/history/",
        url("close", draw),
        f"/draws/{draw.slug}/",
    ]
    closed(draw)
    admin_client.post(url("run", draw), {"signature": SIGNATURE})
    pages += [
        url("run-again", draw),
        url("run-state", draw),
        url("run-state", draw) + "?format=json",
    ]
    for page in pages:
        response = admin_client.get(page)
        assert response.status_code == 200, page
        assert seed_hex not in response.content.decode(), page
        assert seed_hex.upper() not in response.content.decode(), page
    request = RequestFactory().get("/")
    request.user = superuser
    assert "seed" not in DrawAdmin(Draw, site).get_form(request, draw).base_fields
    assert "seed" not in DrawAdmin(Draw, site).get_readonly_fields(request, draw)


def test_settings_are_fixed_once_the_commitment_is_published(admin_client, programme):
    draw = DrawFactory(prize__programme=programme, winners=3)
    assert (
        'name="winners"'
        in admin_client.get(f"/admin/rewards/draw/{draw.pk}/change/").content.decode()
    )
    scheduled(draw)
    page = admin_client.get(f"/admin/rewards/draw/{draw.pk}/change/").content.decode()
    assert 'name="winners"' not in page
    assert admin_client.get(f"/admin/rewards/draw/{draw.pk}/delete/").status_code == 403


def test_the_admin_refuses_a_draw_promising_more_prizes_than_exist(admin_client, programme):
    prize = PrizeFactory(programme=programme, quantity=2)
    response = admin_client.post(
        "/admin/rewards/draw/add/",
        {
            "programme": programme.pk,
            "prize": prize.pk,
            "title": "Too many",
            "slug": "too-many",
            "winners": 3,
            "alternates": 0,
            "claim_window_days": 14,
            "one_prize_per_person": "on",
        },
    )
    assert response.status_code == 200
    assert "Only 2 of the 2" in response.content.decode()
    assert not Draw.objects.exists()


def test_a_second_run_request_does_not_draw_twice(
    admin_client, programme, entrants, sent_tasks, django_capture_on_commit_callbacks
):
    draw = closed(DrawFactory(prize__programme=programme, winners=1, alternates=0))
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url("run", draw), {"signature": SIGNATURE})
        # The signature is fixed: the run page now offers only "run again".
        response = admin_client.get(url("run", draw))
        assert response["Location"] == url("run-again", draw)
        assert BEACON_ENTROPY in admin_client.get(url("run-again", draw)).content.decode()
        admin_client.post(url("run-again", draw))
    assert len(sent_tasks) == 2
    for args, _options in sent_tasks:
        tasks.run_draw.run(*args)
    draw.refresh_from_db()
    assert draw.public_entropy == BEACON_ENTROPY
    assert draw.results.count() == 1
    response = admin_client.post(url("run-again", draw), follow=True)
    assert "already been drawn" in response.content.decode()


@pytest.fixture
def claimed(programme, entrants):
    draw = DrawFactory(prize__programme=programme, winners=2, alternates=1)
    drawn(draw, staff=None)
    winner = draw.results.get(rank=1)
    services.claim_submit(result=winner, participant=winner.participant, **ADDRESS)
    return winner


def test_plain_staff_never_see_addresses(claimed):
    _staff, client = staff_with("view_draw", "change_draw", "view_drawresult", "view_drawevent")
    page = client.get(f"/admin/rewards/draw/{claimed.draw_id}/change/").content.decode()
    assert "Awaiting claim: 1 · claimed: 1" in page
    for secret in ("Secret Lane", "Leeds", "LS1 4AP", "496 0000", "Alice Runner"):
        assert secret not in page
    assert "Export fulfilment CSV" not in page
    assert client.get(url("fulfilment.csv", claimed.draw)[:-1]).status_code == 403
    ship = f"/admin/rewards/draw/results/{claimed.pk}/ship/"
    assert client.post(ship, {"tracking": "RM1"}).status_code == 403
    assert not DrawEvent.objects.filter(action="exported").exists()


def test_staff_with_the_permission_export_the_fulfilment_list_and_mark_shipped(claimed):
    staff, client = staff_with("view_draw", "change_draw", "view_shipping_address")
    page = client.get(f"/admin/rewards/draw/{claimed.draw_id}/change/").content.decode()
    assert "Export fulfilment CSV" in page

    response = client.get(f"/admin/rewards/draw/{claimed.draw_id}/fulfilment.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    row = rows[0]
    assert (row["full_name"], row["city"], row["postal_code"]) == (
        "Alice Runner",
        "Leeds",
        "LS1 4AP",
    )
    assert row["address_line1"] == "'=1 Secret Lane"  # never a spreadsheet formula
    assert (row["size_system"], row["shoe_size"]) == ("eu", "41")
    assert row["email"] == claimed.participant.user.email
    assert DrawEvent.objects.get(action="exported").actor == staff

    ship = f"/admin/rewards/draw/results/{claimed.pk}/ship/"
    assert "Mark shipped" in client.get(ship).content.decode()
    client.post(ship, {"tracking": "RM 123 456"})
    claimed.refresh_from_db()
    assert (claimed.status, claimed.tracking) == (ResultStatus.SHIPPED, "RM 123 456")


def test_disqualifying_in_the_admin_needs_a_reason(admin_client, claimed):
    disqualify = f"/admin/rewards/draw/results/{claimed.pk}/disqualify/"
    response = admin_client.post(disqualify, {"reason": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    admin_client.post(disqualify, {"reason": "Shared an account"})
    claimed.refresh_from_db()
    assert (claimed.status, claimed.reason) == (ResultStatus.DISQUALIFIED, "Shared an account")
    alternate = DrawResult.objects.get(draw=claimed.draw, rank=3)
    assert (alternate.status, alternate.replaces) == (ResultStatus.NOTIFIED, claimed)


def test_participants_cannot_reach_the_draw_steps(claimed, participant):
    client = Client()
    client.force_login(claimed.participant.user)
    for path in (
        url("schedule", claimed.draw),
        f"/admin/rewards/draw/{claimed.draw_id}/fulfilment.csv",
    ):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_staff_without_change_permission_cannot_take_a_step(programme):
    draw = DrawFactory(prize__programme=programme)
    _staff, client = staff_with("view_draw")
    assert client.post(url("schedule", draw)).status_code == 403
    draw.refresh_from_db()
    assert draw.state == DrawState.DRAFT


@pytest.mark.parametrize(
    ("value", "safe"),
    [("=SUM(A1)", "'=SUM(A1)"), ("+44 1", "'+44 1"), ("-1", "'-1"), ("@x", "'@x"), ("ok", "ok")],
)
def test_csv_cells_never_start_a_formula(value, safe):
    assert spreadsheet_safe(value) == safe


@pytest.mark.django_db(transaction=True)  # no outer transaction: sent at once, as live
def test_a_run_request_while_the_broker_is_down_says_so(
    admin_client, programme, entrants, monkeypatch
):
    from kombu.exceptions import OperationalError

    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(tasks.run_draw, "apply_async", broker_down)
    draw = closed(DrawFactory(prize__programme=programme))
    response = admin_client.post(url("run", draw), {"signature": SIGNATURE}, follow=True)
    assert response.status_code == 200
    assert "The task queue is not answering" in response.content.decode()
    draw.refresh_from_db()
    assert draw.state == DrawState.ENTRIES_CLOSED and draw.run_requested_at is not None


# A stalled run: the run page in words, and "Run again" ------------------------------------


@pytest.fixture
def stalled(programme, entrants, staff_user):
    """A draw whose run staff asked for ten minutes ago; no worker ever picked it up."""
    draw = DrawFactory(prize__programme=programme, winners=2, alternates=1)
    asked_at = timezone.now() - dt.timedelta(minutes=10)
    return run_requested(draw, staff=staff_user, now=asked_at)


def test_the_run_page_says_in_words_that_no_worker_picked_the_run_up(admin_client, stalled):
    page = admin_client.get(url("run-state", stalled)).content.decode()
    assert "No worker has picked this up for 10 minutes" in page
    run_again = (
        f'<a href="{url("run-again", stalled)}" class="button" data-show-when="can_run_again">'
    )
    assert run_again in page
    for raw in ("PENDING", "FAILURE", "SUCCESS", "Task:"):
        assert raw not in page
    state = admin_client.get(url("run-state", stalled) + "?format=json").json()
    assert (state["phase"], state["can_run_again"]) == ("stalled", True)

    Draw.objects.filter(pk=stalled.pk).update(run_requested_at=timezone.now())
    page = admin_client.get(url("run-state", stalled)).content.decode()
    assert "waiting for a worker to pick it up" in page
    assert 'data-show-when="can_run_again" hidden' in page


def test_the_run_page_links_to_the_result_once_drawn(admin_client, stalled):
    services.draw_run(draw_id=stalled.pk)
    page = admin_client.get(url("run-state", stalled)).content.decode()
    assert "Drawn. The seed and the result are published." in page
    assert f'<a href="/draws/{stalled.slug}/" class="button" data-show-when="done">' in page


def test_staff_with_the_change_permission_run_a_stalled_draw_again(
    stalled, sent_tasks, django_capture_on_commit_callbacks
):
    staff, client = staff_with("view_draw", "change_draw")
    page = client.get(url("run-again", stalled)).content.decode()
    assert "Yes, run it again" in page and BEACON_ENTROPY in page  # a confirmation first
    assert "No worker has picked this up for 10 minutes" in page
    assert Draw.objects.get(pk=stalled.pk).run_task_id == stalled.run_task_id

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("run-again", stalled), {"signature": "luckier"})

    assert response["Location"] == url("run-state", stalled)
    draw = Draw.objects.get(pk=stalled.pk)
    assert sent_tasks == [((draw.pk,), {"task_id": draw.run_task_id})]
    assert draw.run_task_id != stalled.run_task_id
    assert draw.public_entropy == BEACON_ENTROPY
    event = DrawEvent.objects.get(draw=draw, action="run_requeued")
    assert event.actor == staff
    state = client.get(url("run-state", draw) + "?format=json").json()
    assert (state["phase"], state["can_run_again"]) == ("queued", False)


def _nobody(client):
    return client


def _a_participant(client):
    client.force_login(ParticipantFactory().user)
    return client


def _staff_without_permission(client):
    client.force_login(StaffFactory())
    return client


def _staff_who_may_only_view(client):
    staff = StaffFactory()
    staff.user_permissions.add(Permission.objects.get(codename="view_draw"))
    client.force_login(staff)
    return client


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (_nobody, 302),
        (_a_participant, 302),
        (_staff_without_permission, 403),
        (_staff_who_may_only_view, 403),
    ],
)
def test_nobody_else_can_run_a_stalled_draw_again_and_it_changes_nothing(
    stalled, sent_tasks, django_capture_on_commit_callbacks, who, status
):
    client = who(Client())
    before = Draw.objects.values("run_task_id", "run_requested_at", "public_entropy").get(
        pk=stalled.pk
    )
    events = DrawEvent.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("run-again", stalled), {"signature": "mine"})
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/admin/login/")
    assert client.get(url("run-again", stalled)).status_code == status
    assert client.get(url("run-state", stalled)).status_code == status

    after = Draw.objects.values("run_task_id", "run_requested_at", "public_entropy").get(
        pk=stalled.pk
    )
    assert after == before
    assert DrawEvent.objects.count() == events
    assert sent_tasks == []


def test_run_again_needs_the_csrf_token(stalled, sent_tasks):
    staff, _client = staff_with("view_draw", "change_draw")
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    assert client.post(url("run-again", stalled)).status_code == 403
    assert Draw.objects.get(pk=stalled.pk).run_task_id == stalled.run_task_id
    assert sent_tasks == []


def test_run_again_refuses_a_draw_already_drawn(admin_client, stalled, sent_tasks):
    services.draw_run(draw_id=stalled.pk)
    response = admin_client.post(url("run-again", stalled), follow=True)
    assert "already been drawn" in response.content.decode()
    assert sent_tasks == []
    assert not DrawEvent.objects.filter(draw=stalled, action="run_requeued").exists()


# Plain words, previews and warnings ---------------------------------------------------------


def test_the_draw_form_says_winners_and_alternates_and_explains_one_prize_per_person(
    admin_client, programme
):
    page = admin_client.get("/admin/rewards/draw/add/").content.decode()
    assert ">Winners:</label>" in page
    assert ">Alternates:</label>" in page
    assert "(k)" not in page and "(m)" not in page
    assert "holds a prize from another draw of this programme does not enter" in page
    assert "can leave prizes unawarded" in page


def test_eligible_countries_are_picked_in_a_searchable_list_with_choose_all(
    admin_client, programme
):
    page = admin_client.get("/admin/rewards/draw/add/").content.decode()
    assert 'class="selectfilter"' in page  # Django's filter box with "Choose all"
    assert "admin/js/SelectFilter2.js" in page


def test_closing_entries_first_says_who_enters_and_that_weeks_are_still_to_run(
    admin_client, programme, entrants
):
    draw = DrawFactory(prize__programme=programme, winners=2, alternates=1)
    services.draw_schedule(
        draw=draw, actor=None, entries_close_by=timezone.now() + dt.timedelta(days=1)
    )

    page = admin_client.get(url("close", draw)).content.decode()

    assert "Closing now enters 5 participants with 15 tickets in all." in page
    assert "The programme still has weeks to run: 5 weeks have yet to unlock" in page
    assert "Levels completed after entries close do not enter it." in page
    draw.refresh_from_db()
    assert draw.state == DrawState.SCHEDULED  # the preview changes nothing


def test_closing_after_the_last_week_warns_of_nothing(admin_client, programme, entrants):
    programme.starts_on = timezone.localdate() - dt.timedelta(weeks=8)
    programme.save()
    for level in programme.levels.all():
        level.unlocks_at = programme.week_start(level.number)
        level.save()
    draw = DrawFactory(prize__programme=programme, winners=2, alternates=1)
    services.draw_schedule(
        draw=draw, actor=None, entries_close_by=timezone.now() + dt.timedelta(days=1)
    )

    page = admin_client.get(url("close", draw)).content.decode()

    assert "Closing now enters 5 participants" in page
    assert 'id="step-warnings"' not in page


def test_the_preview_warns_when_prizes_would_go_unawarded(admin_client, programme, entrants):
    earlier = DrawFactory(prize__programme=programme, winners=4, alternates=0)
    drawn(earlier, staff=None)
    draw = DrawFactory(prize__programme=programme, winners=300, alternates=0)

    page = admin_client.get(url("schedule", draw)).content.decode()

    assert "If entries closed now, 1 participant would enter with" in page
    assert "“One prize per person” leaves out 4 participants who already hold" in page
    assert "Only 1 entrants for 300 prizes: 299 prizes would not be awarded." in page
    assert "(prize, winners, alternates, eligibility)" in page


def test_a_scheduled_or_drawn_draw_offers_no_save(admin_client, programme, entrants):
    draw = DrawFactory(prize__programme=programme, winners=2, alternates=1)
    change = f"/admin/rewards/draw/{draw.pk}/change/"
    assert 'name="_save"' in admin_client.get(change).content.decode()

    drawn(draw, staff=None)

    page = admin_client.get(change).content.decode()
    assert 'name="_save"' not in page
    assert 'name="_continue"' not in page
    assert 'name="_addanother"' not in page
    assert "Awaiting claim: 2" in page  # still the draw's record


def test_the_run_page_shows_entrants_ranked_in_words(admin_client, stalled):
    page = admin_client.get(url("run-state", stalled)).content.decode()
    assert '<progress id="draw-progress-bar" max="5" value="0"' in page
    assert "Not ranked: 0 of 5 entrants." in page

    Draw.objects.filter(pk=stalled.pk).update(run_requested_at=timezone.now())
    state = admin_client.get(url("run-state", stalled) + "?format=json").json()
    assert (state["entrants"], state["ranked"]) == (5, 0)
    assert state["progress"] == "Waiting to start: 0 of 5 entrants ranked."

    Draw.objects.filter(pk=stalled.pk).update(run_started_at=timezone.now())
    state = admin_client.get(url("run-state", stalled) + "?format=json").json()
    assert (state["ranked"], state["progress"]) == ("", "Ranking 5 entrants…")

    services.draw_run(draw_id=stalled.pk)
    page = admin_client.get(url("run-state", stalled)).content.decode()
    assert '<progress id="draw-progress-bar" max="5" value="5"' in page
    assert "All 5 entrants ranked; 3 places written (winners and alternates)." in page
    for raw in ("PENDING", "STARTED", "SUCCESS"):
        assert raw not in page
