"""Prizes, draws and the completions that give tickets."""

import factory
from django.utils import timezone

from programme.models import LevelCompletion, Programme
from programme.services import participant_totals_refresh
from rewards import services
from rewards.models import Draw, Prize
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


def drawn(draw, *, staff, entropy="beacon", now=None):
    """Schedule, close and run ``draw`` through the services, as staff and the task would."""
    now = now or timezone.now()
    services.draw_schedule(draw=draw, actor=staff, now=now)
    services.draw_close_entries(draw=draw, actor=staff, now=now)
    services.draw_request_run(draw=draw, actor=staff, public_entropy=entropy, now=now)
    notice_ids = services.draw_run(draw_id=draw.pk, now=now)
    draw.refresh_from_db()
    return notice_ids
