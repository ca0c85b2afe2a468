"""Prizes, draws and the completions that give tickets."""

import datetime as dt
import json
from pathlib import Path

import factory
from django.utils import timezone

from programme.models import LevelCompletion, Programme
from programme.services import participant_totals_refresh
from rewards import drand, services
from rewards.models import Draw, DrawState, Prize
from tests.factories import ProgrammeFactory


class PrizeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prize

    programme = factory.LazyFunction(
        lambda: Programme.objects.active().first() or ProgrammeFactory()
    )
    name = "Trail shoes"
    sponsor = "Stride Co."
    quantity = 300
    needs_shoe_size = True


class DrawFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Draw

    prize = factory.SubFactory(PrizeFactory)
    programme = factory.SelfAttribute("prize.programme")
    slug = factory.Sequence(lambda n: f"shoe-draw-{n}")
    title = factory.Sequence(lambda n: f"Shoe draw {n}")
    winners = 3
    alternates = 2
    claim_window_days = 14


def complete(participant, *numbers, now=None):
    """Record completions of the participant's levels ``numbers`` (each with its tickets)."""
    now = now or timezone.now()
    for level in participant.programme.levels.filter(number__in=numbers):
        LevelCompletion.objects.get_or_create(
            participant=participant,
            level=level,
            defaults={"completed_at": now, "tickets": level.tickets},
        )
    participant_totals_refresh(participant=participant)


# The committed beacon: real rounds drand published (tests/fixtures/drand/rounds.json), so
# a test draw is scheduled and closed before the round's time and run after it.
ROUNDS = json.loads((Path(__file__).parents[1] / "fixtures" / "drand" / "rounds.json").read_text())


def fixture_round(chain, round_number):
    """A published round of ``chain`` from the fixtures, with its chain info and time."""
    info = ROUNDS["chains"][chain]
    for found in ROUNDS["rounds"]:
        if found["chain"] == chain and found["round"] == round_number:
            at = drand.round_time(
                genesis_time=info["genesis_time"], period=info["period"], round_number=round_number
            )
            return {**found, "info": info, "at": dt.datetime.fromtimestamp(at, dt.UTC)}
    raise LookupError(f"no fixture round {chain} {round_number}")


BEACON_ROUND = fixture_round("quicknet", 123)
CHAINED_ROUND = fixture_round("default", 72785)
ROUND_AT = BEACON_ROUND["at"]
SIGNATURE = BEACON_ROUND["signature"]
BEACON_ENTROPY = drand.entropy_for(bytes.fromhex(SIGNATURE))
SCHEDULED_AT = ROUND_AT - dt.timedelta(days=2)
CLOSED_AT = ROUND_AT - dt.timedelta(minutes=5)


def scheduled(draw, *, staff=None, now=None, beacon_round=BEACON_ROUND):
    """Schedule ``draw`` committed to ``beacon_round``: its chain's round right after closing."""
    services.draw_schedule(
        draw=draw,
        actor=staff,
        chain=beacon_round["chain"],
        entries_close_by=beacon_round["at"] - dt.timedelta(seconds=1),
        now=now or beacon_round["at"] - dt.timedelta(days=2),
    )
    draw.refresh_from_db()
    return draw


def closed(draw, *, staff=None, now=None, beacon_round=BEACON_ROUND):
    """Schedule (when still a draft) and close the entries of ``draw``, before the round."""
    if draw.state == DrawState.DRAFT:
        scheduled(draw, staff=staff, beacon_round=beacon_round)
    services.draw_close_entries(
        draw=draw, actor=staff, now=now or beacon_round["at"] - dt.timedelta(minutes=5)
    )
    draw.refresh_from_db()
    return draw


def run_requested(draw, *, staff=None, now=None, beacon_round=BEACON_ROUND):
    """Close ``draw`` if needed and ask for its run with the round's real signature."""
    if draw.state in (DrawState.DRAFT, DrawState.SCHEDULED):
        closed(draw, staff=staff, beacon_round=beacon_round)
    draw = services.draw_request_run(
        draw=draw,
        actor=staff,
        signature=beacon_round["signature"],
        previous_signature=beacon_round.get("previous_signature", ""),
        now=now,
    )
    return draw


def drawn(draw, *, staff, now=None, beacon_round=BEACON_ROUND):
    """Schedule, close and run ``draw`` through the services, as staff and the task would.

    Scheduled and closed before the fixture round's time (in the past), run at ``now``.
    """
    now = now or timezone.now()
    run_requested(draw, staff=staff, now=now, beacon_round=beacon_round)
    notice_ids = services.draw_run(draw_id=draw.pk, now=now)
    draw.refresh_from_db()
    return notice_ids
