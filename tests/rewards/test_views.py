"""Participant and public pages: prizes, claims, the draw's verification page, the profile."""

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programme.models import Participant
from rewards import services
from rewards.models import Claim, DrawResult, ResultStatus
from rewards.selectors import entries_file
from tests.factories import ParticipantFactory
from tests.rewards.factories import (
    BEACON_ENTROPY,
    BEACON_ROUND,
    SIGNATURE,
    DrawFactory,
    closed,
    complete,
    drawn,
    run_requested,
    scheduled,
)

pytestmark = pytest.mark.django_db

CLAIM = {
    "size_system": "uk",
    "shoe_size": "9.5",
    "full_name": "Alice Runner",
    "address_line1": "1 High Street",
    "address_line2": "",
    "city": "London",
    "region": "",
    "postal_code": "SW1A 1AA",
    "country": "GB",
    "phone": "+44 20 7946 0000",
}


def client_of(participant):
    client = Client()
    client.force_login(participant.user)
    return client


@pytest.fixture
def won(participant, other_participant, staff_user):
    """A drawn draw: A (1 ticket more than B) … whoever wins, A's result is returned."""
    complete(participant, 2)
    complete(other_participant, 1)
    draw = DrawFactory(prize__programme=participant.programme, winners=2, alternates=0)
    drawn(draw, staff=staff_user)
    return DrawResult.objects.get(draw=draw, participant=participant)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


# /prizes/ ---------------------------------------------------------------------------------


def test_the_prizes_page_says_when_there_is_nothing_yet(participant):
    response = client_of(participant).get("/prizes/")
    assert "No prizes yet" in response.content.decode()


def test_the_prizes_page_lists_a_prize_to_claim(won, participant):
    page = client_of(participant).get("/prizes/").content.decode()
    assert "Trail shoes" in page
    assert f"/prizes/{won.pk}/claim/" in page
    assert "Claim your prize" in page


def test_the_prizes_page_reads_a_constant_number_of_queries(participant, staff_user):
    complete(participant, 1)
    client = client_of(participant)
    draw = DrawFactory(prize__programme=participant.programme, winners=1)
    drawn(draw, staff=staff_user)
    few = count_queries(client, "/prizes/")
    for _ in range(4):
        DrawResult.objects.create(
            draw=DrawFactory(prize=draw.prize, winners=1),
            rank=1,
            entrant=participant.draw_id,
            participant=participant,
            role="alternate",
            status=ResultStatus.WAITING,
            status_changed_at=timezone.now(),
        )
    assert count_queries(client, "/prizes/") == few


# /prizes/<id>/claim/ ------------------------------------------------------------------------


def test_the_claim_form_asks_for_a_shoe_size_when_the_prize_needs_one(won, participant):
    page = client_of(participant).get(f"/prizes/{won.pk}/claim/").content.decode()
    assert "Size system" in page and "Shoe size" in page
    won.draw.prize.needs_shoe_size = False
    won.draw.prize.save()
    page = client_of(participant).get(f"/prizes/{won.pk}/claim/").content.decode()
    assert "Shoe size" not in page and "Postal code" in page


def test_a_double_submitted_claim_makes_one_claim_and_lands_on_the_same_page(won, participant):
    client = client_of(participant)
    url = f"/prizes/{won.pk}/claim/"
    first = client.post(url, CLAIM)
    second = client.post(url, CLAIM)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == url
    assert Claim.objects.count() == 1
    page = client.get(url).content.decode()
    assert "We received your claim" in page and "UK 9.5" in page
    assert "1 High Street" not in page  # the address is not echoed back


def test_a_claim_reads_back_unchanged(won, participant):
    client_of(participant).post(f"/prizes/{won.pk}/claim/", CLAIM)
    claim = Claim.objects.get()
    saved = {field: str(getattr(claim, field)) for field in CLAIM}
    assert saved == {**CLAIM, "shoe_size": "9.5"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"shoe_size": "30"}, "UK sizes go from 2 to 16 in half sizes."),
        ({"postal_code": "not a code"}, "This is not a postal code of that country."),
        ({"phone": "call me"}, "Enter a phone number with its country code."),
        ({"country": "US", "postal_code": "10001"}, "Enter the state or province."),
        ({"full_name": ""}, "This field is required."),
    ],
)
def test_a_claim_with_a_mistake_is_shown_again_with_the_reason(won, participant, change, message):
    response = client_of(participant).post(f"/prizes/{won.pk}/claim/", {**CLAIM, **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Claim.objects.exists()


def test_the_claim_form_is_closed_after_the_deadline(won, participant):
    DrawResult.objects.filter(pk=won.pk).update(
        claim_deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    client = client_of(participant)
    page = client.get(f"/prizes/{won.pk}/claim/").content.decode()
    assert "This prize can no longer be claimed" in page
    assert "The claim deadline passed on" in page
    client.post(f"/prizes/{won.pk}/claim/", CLAIM)
    assert not Claim.objects.exists()


def test_another_participant_cannot_claim_or_see_a_prize(won, other_participant):
    client = client_of(other_participant)
    assert client.post(f"/prizes/{won.pk}/claim/", CLAIM).status_code == 404
    assert not Claim.objects.exists()


def test_a_claim_without_a_csrf_token_is_refused(won, participant):
    client = Client(enforce_csrf_checks=True)
    client.force_login(participant.user)
    assert client.post(f"/prizes/{won.pk}/claim/", CLAIM).status_code == 403


# /draws/<slug>/ and entries.csv -----------------------------------------------------------


def test_a_draft_draw_is_not_public(programme):
    draw = DrawFactory(prize__programme=programme)
    assert Client().get(f"/draws/{draw.slug}/").status_code == 404
    assert Client().get(f"/draws/{draw.slug}/entries.csv").status_code == 404


def test_the_public_page_publishes_each_thing_when_its_time_comes(
    programme, participant, staff_user
):
    complete(participant, 3)
    draw = DrawFactory(prize__programme=programme, winners=1, alternates=0)
    url = f"/draws/{draw.slug}/"

    scheduled(draw, staff=staff_user)
    seed_hex = bytes(draw.seed).hex()
    page = Client().get(url).content.decode()
    assert draw.commitment in page
    # The beacon, its commit time and its round's time, before entries close.
    assert draw.beacon in page and draw.beacon_public_key in page
    assert "21 August 2023, 15:15 UTC" in page  # committed (scheduled) two days before
    assert "23 August 2023, 15:15:33 UTC" in page  # round 123 of quicknet
    assert f"https://api.drand.sh/{BEACON_ROUND['info']['hash']}/public/123" in page
    assert seed_hex not in page
    assert "Entries are still open" in page
    assert Client().get(f"{url}entries.csv").status_code == 404

    closed(draw, staff=staff_user)
    response = Client().get(f"{url}entries.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="entries.csv"'
    assert response.content == f"entrant,tickets\n{participant.draw_id},3\n".encode()
    page = Client().get(url).content.decode()
    assert entries_file(draw.slug)[2] in page  # the digest
    assert seed_hex not in page and SIGNATURE not in page

    entered_at = dt.datetime(2025, 3, 10, 12, 0, tzinfo=dt.UTC)
    run_requested(draw, staff=staff_user, now=entered_at)
    page = Client().get(url).content.decode()
    assert SIGNATURE in page and BEACON_ENTROPY in page and seed_hex not in page
    assert "entered 10 March 2025, 12:00 UTC" in page

    services.draw_run(draw_id=draw.pk)
    page = Client().get(url).content.decode()
    assert seed_hex in page
    assert str(participant.draw_id) in page
    assert "prize awarded, claim pending" in page
    assert (
        f"--seed {seed_hex} --winners 1 --alternates 0 --entropy {BEACON_ENTROPY} "
        f"--commitment {draw.commitment}"
    ) in page
    assert (
        f"--beacon {draw.beacon} --beacon-signature {SIGNATURE} "
        f"--beacon-public-key {draw.beacon_public_key}"
    ) in page
    assert participant.display_name not in page and participant.user.email not in page
    assert 'href="/draws/method/"' in page
    for words in ("tickets 1 to t", "UTF-8", "big-endian", "lower entrant id"):
        assert words in page


def test_the_public_page_reads_a_constant_number_of_queries(programme, staff_user):
    def page_queries(entrants):
        participants = [ParticipantFactory(programme=programme) for _ in range(entrants)]
        for participant in participants:
            complete(participant, 1)
        draw = DrawFactory(prize__programme=programme, winners=entrants, alternates=0)
        drawn(draw, staff=staff_user)
        url = f"/draws/{draw.slug}/"
        return (
            count_queries(Client(), url),
            count_queries(Client(), f"{url}?entrant={participants[-1].draw_id}"),
        )

    assert page_queries(2) == page_queries(12)


# "Am I in?" on the public page ---------------------------------------------------------------


@pytest.fixture
def ranked_draw(programme, staff_user):
    """Five entrants, two winners and one alternate: two entrants are not ranked."""
    participants = [ParticipantFactory(programme=programme) for _ in range(5)]
    for number, participant in enumerate(participants, start=1):
        complete(participant, number)
    draw = DrawFactory(prize__programme=programme, winners=2, alternates=1)
    drawn(draw, staff=staff_user)
    return draw


def look_up(draw, text, client=None):
    response = (client or Client()).get(f"/draws/{draw.slug}/", {"entrant": text})
    assert response.status_code == 200
    return response.content.decode()


def test_an_entrant_pastes_their_id_and_sees_their_tickets_and_rank(ranked_draw):
    for result in ranked_draw.results.select_related("participant"):
        page = look_up(ranked_draw, f"  {str(result.entrant).upper()}  ")
        tickets = result.participant.tickets
        assert f"{result.entrant} is in the entries file with {tickets} ticket" in page
        role = "a winner" if result.role == "winner" else "an alternate"
        assert f"Ranked {result.rank}: {role}" in page


def test_an_entrant_not_ranked_and_one_not_in_the_file_are_told_so(
    ranked_draw, programme, participant
):
    ranked = set(ranked_draw.results.values_list("entrant", flat=True))
    unranked = Participant.objects.filter(programme=programme, tickets__gt=0).exclude(
        draw_id__in=ranked
    )
    assert unranked.count() == 2
    page = look_up(ranked_draw, str(unranked[0].draw_id))
    assert "is in the entries file with" in page
    assert "Not among the 3 ranked entrants" in page
    # Signed in or not, a participant without tickets is not in the file.
    page = look_up(ranked_draw, str(participant.draw_id), client_of(participant))
    assert f"{participant.draw_id} is not in the entries file of this draw." in page


def test_a_pasted_id_that_is_not_an_id_gets_a_clear_message(ranked_draw):
    for text in ("", "my name", "1b4e28ba-2fa1-41d2-883f", "x" * 500):
        page = look_up(ranked_draw, text)
        assert "That is not a public draw id." in page


def test_before_the_draw_the_lookup_says_what_it_can(programme, participant, staff_user):
    complete(participant, 2)
    draw = scheduled(DrawFactory(prize__programme=programme), staff=staff_user)
    assert "Entries are still open" in look_up(draw, str(participant.draw_id))
    closed(draw, staff=staff_user)
    page = look_up(draw, str(participant.draw_id))
    assert "is in the entries file with 2 tickets" in page
    assert "The draw has not run yet." in page


# The method and the verifier's source ------------------------------------------------------


def test_the_method_page_shows_the_spec_and_links_the_verifier_source():
    page = Client().get("/draws/method/").content.decode()
    assert "Verifiable prize draw" in page and "v1.1 addition: a committed beacon" in page
    for name in ("verify.py", "draw_core.py", "drand.py", "prize-draw.md"):
        assert f'href="/draws/method/{name}"' in page


@pytest.mark.parametrize("name", ["verify.py", "draw_core.py", "drand.py", "prize-draw.md"])
def test_the_verifier_source_is_served_as_the_app_runs_it(name):
    response = Client().get(f"/draws/method/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    source = Path(__file__).parents[2] / "rewards" / ("method/" if name.endswith(".md") else "")
    assert response.content == (source / name).read_bytes()


@pytest.mark.parametrize("name", ["settings.py", "..%2Fmodels.py", "views.py", "verify.pyc"])
def test_nothing_else_is_served_as_method(name):
    assert Client().get(f"/draws/method/{name}").status_code == 404


# Profile: was I in the entries file? ------------------------------------------------------


def test_the_profile_says_per_draw_whether_you_were_in_the_entries_file(
    programme, participant, other_participant, staff_user
):
    client = client_of(participant)
    assert "No draw has closed its entries yet" in client.get("/profile/").content.decode()
    complete(participant, 1)
    week_one = DrawFactory(prize__programme=programme, title="Week one draw")
    week_two = DrawFactory(
        prize__programme=programme, title="Week two draw", level=programme.levels.get(number=2)
    )
    for draw in (week_one, week_two):
        closed(draw, staff=staff_user)

    page = client.get("/profile/").content.decode()
    assert str(participant.draw_id) in page
    one, two = page.index("Week one draw"), page.index("Week two draw")
    assert "you are in the entries file" in page[one : one + 300]
    assert "you are not in the entries file" in page[two : two + 300]
    other_page = client_of(other_participant).get("/profile/").content.decode()
    assert "you are in the entries file" not in other_page


def test_the_profile_reads_a_constant_number_of_queries(programme, participant, staff_user):
    client = client_of(participant)

    def add_closed_draw():
        closed(DrawFactory(prize__programme=programme, winners=1), staff=staff_user)

    add_closed_draw()
    few = count_queries(client, "/profile/")
    for _ in range(3):
        add_closed_draw()
    assert count_queries(client, "/profile/") == few


def test_the_landing_page_shows_the_prizes_and_links_every_public_draw(programme, staff_user):
    draft = DrawFactory(prize__programme=programme, title="Secret plans")
    public = DrawFactory(prize=draft.prize, title="Open shoe draw", winners=1)
    scheduled(public, staff=staff_user)
    page = Client().get("/").content.decode()
    assert "300 × Trail shoes" in page
    assert f'href="/draws/{public.slug}/"' in page
    assert "Secret plans" not in page
