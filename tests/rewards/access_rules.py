from rewards import services
from rewards.models import DrawResult
from tests.access import AS_GET, AdminAccess, public
from tests.programme.access_rules import READ_ONLY, participant_page
from tests.rewards.factories import (
    SIGNATURE,
    DrawFactory,
    closed,
    complete,
    drawn,
    run_requested,
    scheduled,
)

ADDRESS = {
    "full_name": "Alice Runner",
    "address_line1": "1 Secret Lane",
    "city": "Leeds",
    "country": "GB",
    "postal_code": "LS1 4AP",
    "phone": "+44 113 496 0000",
    "size_system": "eu",
    "shoe_size": "41",
}


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


def a_claimed_prize_of_a(world):
    def make():
        result = a_prize_of_a(world)
        services.claim_submit(result=result, participant=world.participant, **ADDRESS)
        return result

    return world.remember("claimed", make)


RULES = {
    "rewards:prizes": participant_page("/prizes/", post=READ_ONLY),
    # B may not even learn that A's prize exists, nor claim it.
    "rewards:claim": participant_page(
        lambda w: f"/prizes/{a_prize_of_a(w).pk}/claim/", other=404, post=AS_GET
    ),
    "rewards:draw": public(lambda w: f"/draws/{a_drawn_draw(w).slug}/"),
    "rewards:draw_entries": public(lambda w: f"/draws/{a_drawn_draw(w).slug}/entries.csv"),
    "rewards:draw_method": public("/draws/method/"),
    "rewards:draw_method_file": public("/draws/method/verify.py"),
}


# The draw steps, each on a draw in the state it applies to (A holds tickets) ------------


def a_draw(steps):
    def draw_url(world):
        def make():
            complete(world.participant, 1)
            draw = DrawFactory(prize__programme=world.programme, winners=1, alternates=0)
            for step in steps:
                step(draw=draw, actor=world.superuser)
            return draw

        return world.remember(steps, make)

    return draw_url


def _scheduled(*, draw, actor):
    scheduled(draw, staff=actor)


def _closed(*, draw, actor):
    closed(draw, staff=actor)


def _run_asked_for(*, draw, actor):
    run_requested(draw, staff=actor)


DRAFT = a_draw(())
SCHEDULED = a_draw((_scheduled,))
CLOSED = a_draw((_closed,))
# Asked for, but no worker drew it (nothing consumes the queue in these tests).
REQUESTED = a_draw((_run_asked_for,))

CHANGE = ("rewards.change_draw",)
SHIPPING = ("rewards.change_draw", "rewards.view_shipping_address")
# Seeing draws is not taking their steps; taking steps is not seeing addresses.
VIEW_ONLY = (("rewards.view_draw",),)
NO_ADDRESSES = (("rewards.view_draw", "rewards.change_draw"), ("rewards.view_shipping_address",))


def step(path, draw, **options):
    return AdminAccess(
        url=lambda w: f"/admin/rewards/draw/{draw(w).pk}/{path}",
        permissions=CHANGE,
        not_enough=VIEW_ONLY,
        **options,
    )


def on_result(path, result, **options):
    return AdminAccess(
        url=lambda w: f"/admin/rewards/draw/results/{result(w).pk}/{path}", **options
    )


ADMIN_RULES = {
    # GET shows a confirmation page; the POST takes the step.
    "admin:rewards_draw_schedule": step(
        "schedule/", DRAFT, data={"chain": "quicknet", "entries_close_by": "2099-01-01T12:00"}
    ),
    "admin:rewards_draw_close": step("close/", SCHEDULED),
    "admin:rewards_draw_run": step("run/", CLOSED, data={"signature": SIGNATURE}),
    "admin:rewards_draw_run_state": step("run-state/", CLOSED, post=200, writes=False),
    "admin:rewards_draw_run_again": step("run-again/", REQUESTED),
    # Downloading the addresses is recorded in the draw's audit trail (GET and POST alike).
    "admin:rewards_draw_fulfilment": AdminAccess(
        url=lambda w: f"/admin/rewards/draw/{a_drawn_draw(w).pk}/fulfilment.csv",
        permissions=SHIPPING,
        post=200,
        not_enough=NO_ADDRESSES,
    ),
    "admin:rewards_result_disqualify": on_result(
        "disqualify/",
        a_prize_of_a,
        permissions=CHANGE,
        not_enough=VIEW_ONLY,
        data={"reason": "Shared an account"},
    ),
    "admin:rewards_result_ship": on_result(
        "ship/",
        a_claimed_prize_of_a,
        permissions=SHIPPING,
        not_enough=NO_ADDRESSES,
        data={"tracking": "RM 123 456"},
    ),
}
