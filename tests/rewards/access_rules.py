from rewards.models import DrawResult
from tests.access import Access, public
from tests.rewards.factories import DrawFactory, complete, drawn


def participant_page(url, **overrides):
    """Participants only: anonymous → login, signed in but not joined (staff too) → join."""
    return Access(url, **overrides)


def a_drawn_draw(world):
    """A drawn draw whose only entrant, participant A, won."""

    def make():
        complete(world.participant, 1)
        draw = DrawFactory(prize__programme=world.programme, slug="access-draw", winners=1)
        drawn(draw, staff=world.staff)
        return draw

    return world.remember("draw", make)


def a_prize_of_a(world):
    draw = a_drawn_draw(world)
    return DrawResult.objects.get(draw=draw, participant=world.participant)


RULES = {
    "rewards:prizes": participant_page("/prizes/"),
    # B may not even learn that A's prize exists.
    "rewards:claim": participant_page(lambda w: f"/prizes/{a_prize_of_a(w).pk}/claim/", other=404),
    "rewards:draw": public(lambda w: f"/draws/{a_drawn_draw(w).slug}/"),
    "rewards:draw_entries": public(lambda w: f"/draws/{a_drawn_draw(w).slug}/entries.csv"),
}
