import io

import pytest
from django.core.management import call_command

from rewards.models import Draw, DrawState, Prize

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_prizes_and_draft_draws_and_is_safe_to_run_again():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    assert Prize.objects.count() == 2
    shoes = Prize.objects.get(needs_shoe_size=True)
    assert shoes.quantity == 300
    draws = {draw.slug: draw for draw in Draw.objects.select_related("level")}
    assert set(draws) == {"demo-shoes", "demo-kit-week-3"}
    assert all(draw.state == DrawState.DRAFT for draw in draws.values())
    assert draws["demo-kit-week-3"].level.number == 3
    assert draws["demo-shoes"].level is None
