"""Draw services: the spec's vector through Django, eligibility, exactly once, alternates."""

import datetime as dt
import uuid

import pytest
from django.conf import settings
from django.utils import timezone

from notifications.models import Notice
from programme.models import Level, LevelCompletion
from programme.services import run_delete, run_log
from rewards import services
from rewards.draw_core import commitment_for, draw_result, parse_entries
from rewards.errors import RewardsError
from rewards.models import (
    Draw,
    DrawEvent,
    DrawResult,
    DrawSnapshot,
    DrawState,
    ResultStatus,
    Role,
)
from rewards.selectors import draw_summary
from rewards.services import draws
from tests.factories import ParticipantFactory, StaffFactory, UserFactory
from tests.rewards.factories import (
    BEACON_ENTROPY,
    BEACON_ROUND,
    CLOSED_AT,
    ROUND_AT,
    SCHEDULED_AT,
    SIGNATURE,
    DrawFactory,
    PrizeFactory,
    complete,
    drawn,
    fixture_round,
    scheduled,
)
from tests.rewards.factories import closed as closed_before_round

from .test_draw_core import (
    ENTROPY,
    SEED,
    VECTOR_COMMITMENT,
    VECTOR_CSV,
    VECTOR_DIGEST,
    VECTOR_RESULT,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2025, 3, 10, 12, 0, tzinfo=dt.UTC)


def entrants_of(draw):
    data = bytes(DrawSnapshot.objects.get(draw=draw).entries)
    return dict(parse_entries(data))


def closed(draw, staff):
    """Scheduled and closed before the fixture beacon round's time (CLOSED_AT)."""
    return closed_before_round(draw, staff=staff)


def run_requested(draw, staff, now=NOW):
    return services.draw_request_run(draw=draw, actor=staff, signature=SIGNATURE, now=now)


# The spec's test vector, through the Django draw --------------------------------------


def test_the_spec_vector_through_the_django_draw(programme, staff_user, monkeypatch):
    for line in VECTOR_CSV.decode().splitlines()[1:]:
        entrant, tickets = line.split(",")
        participant = ParticipantFactory(programme=programme, draw_id=uuid.UUID(entrant))
        complete(participant, int(tickets))  # the factory's level n gives n tickets
    monkeypatch.setattr(draws.secrets, "token_bytes", lambda size: SEED)
    draw = DrawFactory(prize__programme=programme, winners=3, alternates=2)

    notice_ids = drawn(draw, staff=staff_user, now=NOW)

    snapshot = DrawSnapshot.objects.get(draw=draw)
    assert draw.commitment == VECTOR_COMMITMENT
    assert bytes(snapshot.entries) == VECTOR_CSV
    assert snapshot.digest == VECTOR_DIGEST
    assert (snapshot.entrant_count, snapshot.ticket_count) == (8, 25)
    # v1.1: the entropy is the beacon round's randomness; the ranking is v1's, unchanged.
    assert draw.public_entropy == BEACON_ENTROPY
    expected = draw_result(
        parse_entries(VECTOR_CSV), seed=SEED, public_entropy=BEACON_ENTROPY, winners=3, alternates=2
    )
    assert (
        draw_result(
            parse_entries(VECTOR_CSV), seed=SEED, public_entropy=ENTROPY, winners=3, alternates=2
        )
        == VECTOR_RESULT
    )
    results = list(draw.results.order_by("rank").values_list("rank", "entrant", "role"))
    assert [(rank, str(entrant), role) for rank, entrant, role in results] == expected
    assert len(notice_ids) == 3
    assert draw.state == DrawState.DRAWN


# Eligibility ------------------------------------------------------------------------------


def test_entrants_exclude_staff_unconfirmed_inactive_and_ticketless(programme, staff_user):
    def entrant(**kwargs):
        participant = ParticipantFactory(programme=programme, **kwargs)
        complete(participant, 2)
        return str(participant.draw_id)

    eligible = entrant()
    barred = [
        entrant(user=StaffFactory()),
        entrant(user=UserFactory(is_superuser=True)),
        entrant(user=UserFactory(is_active=False)),
        entrant(confirmed_age_at=None),
        entrant(confirmed_residence_at=None),
        entrant(consented_rules_at=None),
    ]
    ParticipantFactory(programme=programme)  # no completed level, no ticket
    draw = closed(DrawFactory(prize__programme=programme), staff_user)

    assert entrants_of(draw) == {eligible: 2}
    assert not set(barred) & set(entrants_of(draw))


def test_only_eligible_countries_enter(programme, staff_user):
    british = ParticipantFactory(programme=programme, country="GB")
    irish = ParticipantFactory(programme=programme, country="IE")
    french = ParticipantFactory(programme=programme, country="FR")
    for participant in (british, irish, french):
        complete(participant, 1)
    draw = closed(
        DrawFactory(prize__programme=programme, eligible_countries=["GB", "IE"]), staff_user
    )
    assert set(entrants_of(draw)) == {str(british.draw_id), str(irish.draw_id)}


@pytest.mark.parametrize("one_prize_per_person", [True, False])
def test_earlier_winners_stay_out_when_one_prize_per_person(
    programme, staff_user, one_prize_per_person
):
    winner, loser = ParticipantFactory(programme=programme), ParticipantFactory(programme=programme)
    complete(winner, 6)
    complete(loser, 1)
    first = DrawFactory(prize__programme=programme, winners=1, alternates=1, level=None)
    first.level = programme.levels.get(number=6)  # only the winner completed week 6
    first.save()
    drawn(first, staff=staff_user, now=NOW)
    assert first.results.get(role=Role.WINNER).participant == winner

    second = closed(
        DrawFactory(prize=first.prize, one_prize_per_person=one_prize_per_person), staff_user
    )
    assert (str(winner.draw_id) in entrants_of(second)) is not one_prize_per_person
    assert str(loser.draw_id) in entrants_of(second)


def test_a_winner_who_forfeited_may_enter_again(programme, staff_user):
    participant = ParticipantFactory(programme=programme)
    complete(participant, 1)
    first = DrawFactory(prize__programme=programme, winners=1, alternates=0)
    drawn(first, staff=staff_user, now=NOW)
    services.results_forfeit_due(now=NOW + dt.timedelta(days=30))

    second = closed(DrawFactory(prize=first.prize, winners=1), staff_user)
    assert str(participant.draw_id) in entrants_of(second)


def test_runs_held_for_review_do_not_count_towards_tickets(programme, staff_user):
    now = timezone.now()
    counted, held = ParticipantFactory(programme=programme), ParticipantFactory(programme=programme)
    for hours in (5, 3):
        started_at = now - dt.timedelta(hours=hours)
        run_log(participant=counted, started_at=started_at, distance_m=5_000, duration_s=1_800)
        # 3:00 per km and faster is held for review (programme.services)
        run_log(participant=held, started_at=started_at, distance_m=5_000, duration_s=850)
    assert held.runs.filter(status="held").count() == 2

    draw = closed(DrawFactory(prize__programme=programme), staff_user)
    assert entrants_of(draw) == {str(counted.draw_id): 1}


def test_a_one_level_draw_counts_that_levels_completions_only(programme, staff_user):
    both, first_only = (
        ParticipantFactory(programme=programme),
        ParticipantFactory(programme=programme),
    )
    complete(both, 1, 3)
    complete(first_only, 1)
    level_three = programme.levels.get(number=3)
    draw = closed(DrawFactory(prize__programme=programme, level=level_three), staff_user)
    assert entrants_of(draw) == {str(both.draw_id): 3}


def test_closing_entries_locks_the_counted_levels_completions(programme, staff_user):
    draw = closed(
        DrawFactory(prize__programme=programme, level=programme.levels.get(number=2)), staff_user
    )
    locked = dict(Level.objects.values_list("number", "completions_locked_at"))
    assert locked[2] == CLOSED_AT
    assert all(locked[number] is None for number in locked if number != 2)
    assert draw.entries_closed_at == CLOSED_AT


@pytest.mark.parametrize("one_level", [False, True], ids=["any-level", "one-level"])
def test_the_file_postgresql_builds_equals_the_one_built_in_python(
    programme, staff_user, one_level
):
    """The snapshot is joined and sorted inside PostgreSQL; byte for byte the Python file."""
    participants = _entrants(programme, 12)
    # Entrants whose byte order and a locale's order could disagree (hyphens, digits, letters),
    # and pairs that differ only where a digit meets a letter: PostgreSQL sorts the uuids
    # themselves, which must give the text's byte order.
    for participant, draw_id in zip(
        participants,
        [
            "f" * 8 + "-0000-4000-8000-" + "0" * 12,
            "0" * 8 + "-ffff-4fff-8fff-" + "f" * 12,
            "0" * 8 + "-0000-4000-8000-" + "0" * 11 + "a",
            "0" * 8 + "-0000-4000-8000-" + "0" * 11 + "9",
            "9" + "f" * 7 + "-0000-4000-8000-" + "0" * 12,
            "a" + "0" * 7 + "-0000-4000-8000-" + "0" * 12,
            "5" * 8 + "-5555-49ff-8000-" + "0" * 12,
            "5" * 8 + "-5555-4a00-8000-" + "0" * 12,
        ],
        strict=False,
    ):
        participant.draw_id = uuid.UUID(draw_id)
        participant.save(update_fields=["draw_id"])
    level = programme.levels.get(number=2) if one_level else None
    draw = closed(DrawFactory(prize__programme=programme, level=level), staff_user)
    snapshot = DrawSnapshot.objects.get(draw=draw)
    data, entrants, tickets = draws._snapshot_built_here(draw)
    assert bytes(snapshot.entries) == data
    assert (snapshot.entrant_count, snapshot.ticket_count) == (entrants, tickets)
    assert entrants == (2 if one_level else 12)  # each completed one level: 1-6 in turn


def test_an_empty_draw_publishes_an_empty_file_and_draws_nobody(programme, staff_user):
    draw = DrawFactory(prize__programme=programme)
    assert drawn(draw, staff=staff_user, now=NOW) == []
    assert bytes(DrawSnapshot.objects.get(draw=draw).entries) == b"entrant,tickets\n"
    assert draw.state == DrawState.FINISHED


# Steps and their order --------------------------------------------------------------------


def test_scheduling_stores_a_fresh_seed_and_publishes_only_its_commitment(programme, staff_user):
    draw = scheduled(DrawFactory(prize__programme=programme), staff=staff_user, now=SCHEDULED_AT)
    other = scheduled(DrawFactory(prize__programme=programme, winners=1), staff=staff_user)
    assert len(bytes(draw.seed)) == 32 and bytes(draw.seed) != bytes(other.seed)
    assert draw.commitment == commitment_for(bytes(draw.seed))
    event = DrawEvent.objects.get(draw=draw)
    assert (event.action, event.actor, event.at) == ("scheduled", staff_user, SCHEDULED_AT)
    assert draw.beacon == f"drand:{BEACON_ROUND['info']['hash']}:123"
    assert (draw.beacon_committed_at, draw.beacon_round_at) == (SCHEDULED_AT, ROUND_AT)
    assert draw.beacon in event.note
    assert bytes(draw.seed).hex() not in event.note


@pytest.mark.parametrize(
    ("steps", "step", "message"),
    [
        ([], "close", "Schedule the draw"),
        ([], "run", "Close the entries"),
        (["schedule"], "schedule", "already scheduled"),
        (["schedule"], "run", "Close the entries"),
        (["schedule", "close"], "close", "already closed"),
        (["schedule", "close"], "schedule", "already scheduled"),
    ],
)
def test_steps_out_of_order_are_refused(programme, staff_user, steps, step, message):
    draw = DrawFactory(prize__programme=programme)
    actions = {
        "schedule": lambda: scheduled(draw, staff=staff_user),
        "close": lambda: services.draw_close_entries(draw=draw, actor=staff_user, now=CLOSED_AT),
        "run": lambda: run_requested(draw, staff_user),
    }
    for done in steps:
        actions[done]()
    with pytest.raises(RewardsError, match=message):
        actions[step]()


def test_the_task_refuses_a_draw_nobody_asked_to_run(programme, staff_user):
    draw = closed(DrawFactory(prize__programme=programme), staff_user)
    with pytest.raises(RewardsError, match="not asked"):
        services.draw_run(draw_id=draw.pk, now=NOW)


def test_a_draw_cannot_promise_more_prizes_than_there_are(programme, staff_user):
    prize = PrizeFactory(programme=programme, quantity=5)
    DrawFactory(prize=prize, winners=3)
    greedy = DrawFactory(prize=prize, winners=3)
    with pytest.raises(RewardsError, match="Only 2 of the 5"):
        scheduled(greedy, staff=staff_user)


def test_the_public_entropy_is_fixed_by_the_first_request(programme, staff_user):
    draw = closed(DrawFactory(prize__programme=programme), staff_user)
    first = run_requested(draw, staff_user)
    round_2 = fixture_round("quicknet", 2)["signature"]
    again = services.draw_request_run(draw=draw, actor=staff_user, signature=round_2, now=NOW)
    assert (again.public_entropy, again.beacon_signature) == (BEACON_ENTROPY, SIGNATURE)
    assert first.run_task_id != again.run_task_id  # a lost task can be sent again
    assert DrawEvent.objects.filter(draw=draw, action="run_requested").count() == 1


# The committed beacon (v1.1) ---------------------------------------------------------------


def test_the_beacon_is_the_first_round_after_entries_close(programme, staff_user):
    chain = settings.DRAND_CHAINS["quicknet"]
    close_by = ROUND_AT - dt.timedelta(seconds=3)  # exactly round 122's time: not after it
    draw = DrawFactory(prize__programme=programme)
    services.draw_schedule(
        draw=draw, actor=staff_user, chain="quicknet", entries_close_by=close_by, now=SCHEDULED_AT
    )
    draw.refresh_from_db()
    assert draw.beacon == f"drand:{chain['hash']}:123"
    assert (draw.beacon_public_key, draw.beacon_scheme) == (chain["public_key"], chain["scheme"])
    assert draw.beacon_round_at == ROUND_AT > close_by


def test_scheduling_refuses_a_close_time_already_past_and_an_unknown_chain(programme, staff_user):
    draw = DrawFactory(prize__programme=programme)
    for chain, close_by, field in (
        ("quicknet", SCHEDULED_AT, "entries_close_by"),
        ("nonesuch", ROUND_AT, "chain"),
    ):
        with pytest.raises(RewardsError) as refused:
            services.draw_schedule(
                draw=draw,
                actor=staff_user,
                chain=chain,
                entries_close_by=close_by,
                now=SCHEDULED_AT,
            )
        assert refused.value.field == field
    draw.refresh_from_db()
    assert (draw.state, draw.beacon, draw.seed) == (DrawState.DRAFT, "", None)


def test_entries_cannot_close_once_the_beacon_round_is_public(programme, staff_user):
    draw = scheduled(DrawFactory(prize__programme=programme), staff=staff_user)
    with pytest.raises(RewardsError, match="Too late"):
        services.draw_close_entries(draw=draw, actor=staff_user, now=ROUND_AT)
    draw.refresh_from_db()
    assert draw.state == DrawState.SCHEDULED and not DrawSnapshot.objects.exists()
    services.draw_close_entries(draw=draw, actor=staff_user, now=ROUND_AT - dt.timedelta(seconds=1))


@pytest.mark.parametrize(
    ("signature", "now", "message"),
    [
        (SIGNATURE, ROUND_AT - dt.timedelta(seconds=1), "not published until"),
        ("", NOW, "the signature is empty"),
        ("zz" * 48, NOW, "not hexadecimal"),
        (SIGNATURE + "00", NOW, "has 49 bytes"),
        (fixture_round("quicknet", 3)["signature"], NOW, "not the signature of round 123"),
    ],
)
def test_the_run_needs_the_committed_rounds_signature_once_it_is_due(
    programme, staff_user, signature, now, message
):
    draw = closed(DrawFactory(prize__programme=programme), staff_user)
    with pytest.raises(RewardsError, match=message) as refused:
        services.draw_request_run(draw=draw, actor=staff_user, signature=signature, now=now)
    assert refused.value.field == "signature"
    draw.refresh_from_db()
    assert (draw.run_requested_at, draw.beacon_signature, draw.public_entropy) == (None, "", "")
    assert not DrawEvent.objects.filter(draw=draw, action="run_requested").exists()

    draw = services.draw_request_run(draw=draw, actor=staff_user, signature=SIGNATURE, now=ROUND_AT)
    assert (draw.public_entropy, draw.beacon_signature_entered_at) == (BEACON_ENTROPY, ROUND_AT)


# Exactly once -----------------------------------------------------------------------------


def _entrants(programme, count):
    participants = [ParticipantFactory(programme=programme) for _ in range(count)]
    for index, participant in enumerate(participants):
        complete(participant, index % 6 + 1)
    return participants


def test_running_a_drawn_draw_again_changes_nothing(programme, staff_user):
    _entrants(programme, 7)
    draw = DrawFactory(prize__programme=programme, winners=3, alternates=2)
    drawn(draw, staff=staff_user, now=NOW)
    before = list(DrawResult.objects.values_list("pk", "rank", "entrant", "status"))
    notices = Notice.objects.count()

    assert services.draw_run(draw_id=draw.pk, now=NOW + dt.timedelta(hours=1)) == []
    assert list(DrawResult.objects.values_list("pk", "rank", "entrant", "status")) == before
    assert Notice.objects.count() == notices
    assert DrawEvent.objects.filter(draw=draw, action="drawn").count() == 1


def test_a_draw_that_crashed_half_way_leaves_no_trace_and_reruns_to_the_same_result(
    programme, staff_user, monkeypatch
):
    _entrants(programme, 9)
    draw = closed(DrawFactory(prize__programme=programme, winners=3, alternates=3), staff_user)
    run_requested(draw, staff_user)

    def worker_killed(**kwargs):
        raise SystemExit("worker lost")

    monkeypatch.setattr(draws, "finish_if_done", worker_killed)
    with pytest.raises(SystemExit):
        services.draw_run(draw_id=draw.pk, now=NOW)
    draw.refresh_from_db()
    assert draw.state == DrawState.ENTRIES_CLOSED
    assert not DrawResult.objects.exists() and not Notice.objects.exists()

    monkeypatch.undo()
    services.draw_run(draw_id=draw.pk, now=NOW)
    expected = draw_result(
        parse_entries(bytes(draw.snapshot.entries)),
        seed=bytes(draw.seed),
        public_entropy=BEACON_ENTROPY,
        winners=3,
        alternates=3,
    )
    stored = draw.results.order_by("rank").values_list("rank", "entrant", "role")
    assert [(rank, str(entrant), role) for rank, entrant, role in stored] == expected


def test_an_entrant_who_deleted_their_account_forfeits_and_an_alternate_steps_in(
    programme, staff_user
):
    participants = _entrants(programme, 4)
    draw = closed(DrawFactory(prize__programme=programme, winners=4, alternates=0), staff_user)
    participants[0].user.delete()
    run_requested(draw, staff_user)
    services.draw_run(draw_id=draw.pk, now=NOW)
    gone = draw.results.get(participant__isnull=True)
    assert gone.status == ResultStatus.FORFEITED
    assert draw.results.filter(status=ResultStatus.NOTIFIED).count() == 3


# Winners, alternates, forfeits ------------------------------------------------------------


@pytest.fixture
def drawn_draw(programme, staff_user):
    _entrants(programme, 8)
    draw = DrawFactory(prize__programme=programme, winners=2, alternates=2, claim_window_days=7)
    drawn(draw, staff=staff_user, now=NOW)
    return draw


def rank(draw, number):
    return draw.results.get(rank=number)


def test_winners_are_notified_with_a_deadline_and_alternates_wait(drawn_draw):
    winner, alternate = rank(drawn_draw, 1), rank(drawn_draw, 3)
    assert winner.status == ResultStatus.NOTIFIED
    assert winner.claim_deadline == NOW + dt.timedelta(days=7)
    notice = Notice.objects.get(key=f"draw-won:{winner.pk}")
    assert notice.participant == winner.participant
    assert notice.url == f"/prizes/{winner.pk}/claim/"
    assert (alternate.status, alternate.claim_deadline) == (ResultStatus.WAITING, None)


def test_a_missed_deadline_passes_the_prize_to_the_first_alternate(drawn_draw):
    later = NOW + dt.timedelta(days=7, seconds=1)
    assert services.results_forfeit_due(now=NOW + dt.timedelta(days=7)) == []  # not yet

    notice_ids = services.results_forfeit_due(now=later)

    first, second, alternate = rank(drawn_draw, 1), rank(drawn_draw, 2), rank(drawn_draw, 3)
    assert first.status == second.status == ResultStatus.FORFEITED
    assert alternate.status == ResultStatus.NOTIFIED
    assert alternate.replaces == first and rank(drawn_draw, 4).replaces == second
    assert alternate.claim_deadline == later + dt.timedelta(days=7)  # a fresh window
    assert Notice.objects.filter(pk__in=notice_ids, key=f"draw-won:{alternate.pk}").exists()
    assert services.results_forfeit_due(now=later) == []  # twice changes nothing


def test_with_no_alternate_left_the_prize_stays_unawarded(drawn_draw, staff_user):
    services.result_disqualify(result=rank(drawn_draw, 3), actor=staff_user, reason="Cheated")
    services.result_disqualify(result=rank(drawn_draw, 4), actor=staff_user, reason="Cheated")
    services.result_disqualify(result=rank(drawn_draw, 1), actor=staff_user, reason="Cheated")

    assert DrawEvent.objects.filter(draw=drawn_draw, action="unawarded").count() == 1
    summary = draw_summary(drawn_draw)
    assert summary["unawarded"] == 1 and summary["notified"] == 1


def test_disqualification_needs_a_reason_and_promotes_the_next_alternate(drawn_draw, staff_user):
    winner = rank(drawn_draw, 2)
    with pytest.raises(RewardsError, match="reason"):
        services.result_disqualify(result=winner, actor=staff_user, reason="  ")

    services.result_disqualify(result=winner, actor=staff_user, reason="Two accounts", now=NOW)

    winner.refresh_from_db()
    assert (winner.status, winner.reason) == (ResultStatus.DISQUALIFIED, "Two accounts")
    assert rank(drawn_draw, 3).replaces == winner
    event = DrawEvent.objects.get(draw=drawn_draw, action="disqualified")
    assert (event.actor, event.result, event.note) == (staff_user, winner, "Two accounts")


def test_an_alternate_already_holding_another_prize_is_passed_over(drawn_draw, staff_user):
    alternate = rank(drawn_draw, 3)
    other = DrawFactory(prize=drawn_draw.prize, winners=1, alternates=0)
    closed(other, staff_user)
    DrawResult.objects.create(
        draw=other,
        rank=1,
        entrant=alternate.entrant,
        participant=alternate.participant,
        role=Role.WINNER,
        status=ResultStatus.NOTIFIED,
        claim_deadline=NOW,
        status_changed_at=NOW,
    )

    services.result_disqualify(result=rank(drawn_draw, 1), actor=staff_user, reason="No")

    assert rank(drawn_draw, 3).status == ResultStatus.DISQUALIFIED
    assert rank(drawn_draw, 4).status == ResultStatus.NOTIFIED


def test_claim_reminders_go_out_once_two_days_before_the_deadline(drawn_draw):
    assert services.claim_reminders_due(now=NOW + dt.timedelta(days=4)) == []
    soon = NOW + dt.timedelta(days=5, hours=1)
    notice_ids = services.claim_reminders_due(now=soon)
    assert len(notice_ids) == 2
    assert services.claim_reminders_due(now=soon) == []
    assert Notice.objects.filter(key__startswith="draw-reminder:").count() == 2


# Claims and fulfilment --------------------------------------------------------------------

ADDRESS = {
    "full_name": "Alice Runner",
    "address_line1": "1 High Street",
    "city": "London",
    "country": "GB",
    "postal_code": "sw1a 1aa",
    "phone": "+44 20 7946 0000",
    "size_system": "eu",
    "shoe_size": "42.5",
}


def test_a_winner_claims_once_even_when_submitting_twice(drawn_draw):
    winner = rank(drawn_draw, 1)
    claim = services.claim_submit(result=winner, participant=winner.participant, now=NOW, **ADDRESS)
    again = services.claim_submit(result=winner, participant=winner.participant, now=NOW, **ADDRESS)
    assert claim.pk == again.pk and claim.postal_code == "SW1A 1AA"
    winner.refresh_from_db()
    assert winner.status == ResultStatus.CLAIMED


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"shoe_size": "70"}, "shoe_size", "EU sizes go from 34 to 52"),
        ({"shoe_size": "42.3"}, "shoe_size", "half sizes"),
        ({"size_system": ""}, "shoe_size", "size system"),
        ({"postal_code": ""}, "postal_code", "postal code"),
        ({"postal_code": "12345"}, "postal_code", "not a postal code"),
        ({"country": "US", "postal_code": "10001"}, "region", "state"),
    ],
)
def test_claims_need_a_valid_size_and_the_address_the_country_needs(
    drawn_draw, change, field, message
):
    winner = rank(drawn_draw, 1)
    with pytest.raises(RewardsError, match=message) as error:
        services.claim_submit(
            result=winner, participant=winner.participant, now=NOW, **{**ADDRESS, **change}
        )
    assert error.value.field == field


def test_prizes_ship_only_to_the_draws_eligible_countries(drawn_draw):
    Draw.objects.filter(pk=drawn_draw.pk).update(eligible_countries="GB,IE")
    winner = rank(drawn_draw, 1)
    french = {**ADDRESS, "country": "FR", "postal_code": "75001"}
    with pytest.raises(RewardsError, match="eligible country") as error:
        services.claim_submit(result=winner, participant=winner.participant, now=NOW, **french)
    assert error.value.field == "country"
    claim = services.claim_submit(result=winner, participant=winner.participant, now=NOW, **ADDRESS)
    assert claim.country.code == "GB"


def test_claims_close_at_the_deadline_and_only_the_winner_may_claim(drawn_draw):
    winner, other = rank(drawn_draw, 1), rank(drawn_draw, 2)
    with pytest.raises(RewardsError, match="not yours"):
        services.claim_submit(result=winner, participant=other.participant, now=NOW, **ADDRESS)
    late = winner.claim_deadline + dt.timedelta(seconds=1)
    with pytest.raises(RewardsError, match="deadline passed"):
        services.claim_submit(result=winner, participant=winner.participant, now=late, **ADDRESS)


def test_shipping_a_claimed_prize_and_finishing_the_draw(drawn_draw, staff_user):
    for number in (1, 2):
        result = rank(drawn_draw, number)
        services.claim_submit(result=result, participant=result.participant, now=NOW, **ADDRESS)
    first = rank(drawn_draw, 1)
    with pytest.raises(RewardsError, match="tracking"):
        services.result_mark_shipped(result=first, actor=staff_user, tracking=" ")
    services.result_mark_shipped(result=first, actor=staff_user, tracking="RM123")
    drawn_draw.refresh_from_db()
    assert drawn_draw.state == DrawState.DRAWN  # rank 2 is not shipped yet
    services.result_mark_shipped(result=rank(drawn_draw, 2), actor=staff_user, tracking="RM124")
    drawn_draw.refresh_from_db()
    assert drawn_draw.state == DrawState.FINISHED
    assert DrawEvent.objects.filter(draw=drawn_draw, action="finished").count() == 1


def test_a_shipped_prize_cannot_be_disqualified(drawn_draw, staff_user):
    winner = rank(drawn_draw, 1)
    services.claim_submit(result=winner, participant=winner.participant, now=NOW, **ADDRESS)
    services.result_mark_shipped(result=winner, actor=staff_user, tracking="RM1")
    with pytest.raises(RewardsError, match="shipped cannot be disqualified"):
        services.result_disqualify(result=winner, actor=staff_user, reason="Too late")


def test_completions_of_a_closed_draw_are_never_taken_back(programme, staff_user):
    now = timezone.now()
    participant = ParticipantFactory(programme=programme)
    runs = [
        run_log(
            participant=participant,
            started_at=now - dt.timedelta(hours=hours),
            distance_m=5_000,
            duration_s=1_800,
        )
        for hours in (5, 3)
    ]
    assert LevelCompletion.objects.filter(participant=participant).count() == 1
    closed(DrawFactory(prize__programme=programme), staff_user)
    run_delete(run=runs[0])
    assert LevelCompletion.objects.filter(participant=participant).count() == 1


def test_draw_objects_never_show_the_seed_in_text(drawn_draw):
    seed_hex = bytes(drawn_draw.seed).hex()
    texts = [str(drawn_draw), repr(drawn_draw)]
    texts += [event.note for event in DrawEvent.objects.all()]
    texts += [str(result) for result in drawn_draw.results.all()]
    assert not any(seed_hex in text for text in texts)
    assert Draw.objects.filter(pk=drawn_draw.pk).exists()


# Deleted accounts and one prize per person at draw time -----------------------------------


def test_a_winner_whose_account_was_deleted_before_the_draw_passes_the_prize_on(
    programme, staff_user
):
    from accounts.services import account_delete

    participants = _entrants(programme, 4)
    draw = closed(DrawFactory(prize__programme=programme, winners=4, alternates=0), staff_user)
    account_delete(user=participants[0].user, now=NOW)
    run_requested(draw, staff_user)
    notice_ids = services.draw_run(draw_id=draw.pk, now=NOW)
    gone = draw.results.get(participant=participants[0])
    assert gone.status == ResultStatus.FORFEITED
    assert not Notice.objects.filter(participant=participants[0]).exists()
    assert len(notice_ids) == 3


def test_nobody_wins_two_draws_that_closed_before_either_ran(programme, staff_user):
    _entrants(programme, 3)
    first = closed(DrawFactory(prize__programme=programme, winners=3, alternates=0), staff_user)
    second = closed(DrawFactory(prize__programme=programme, winners=3, alternates=0), staff_user)
    for draw in (first, second):
        run_requested(draw, staff_user)
        services.draw_run(draw_id=draw.pk, now=NOW)
    assert first.results.filter(status=ResultStatus.NOTIFIED).count() == 3
    passed_over = second.results.filter(status=ResultStatus.DISQUALIFIED)
    assert passed_over.count() == 3
    assert {r.reason for r in passed_over} == {
        "Already holds a prize from another draw of this programme."
    }


def test_deleting_an_account_passes_its_prize_on_and_erases_the_address(drawn_draw):
    from accounts.services import account_delete

    winner = rank(drawn_draw, 1)
    services.claim_submit(result=winner, participant=winner.participant, now=NOW, **ADDRESS)
    account_delete(user=winner.participant.user, now=NOW)
    winner.refresh_from_db()
    assert winner.status == ResultStatus.FORFEITED
    assert rank(drawn_draw, 3).status == ResultStatus.NOTIFIED  # the first alternate steps in
    claim = winner.claim
    assert (claim.full_name, claim.address_line1, claim.postal_code, claim.phone) == (
        "—",
        "—",
        "",
        "—",
    )
