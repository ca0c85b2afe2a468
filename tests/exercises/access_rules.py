from tests.access import public
from tests.factories import StrengthSessionFactory
from tests.programme.access_rules import participant_page


def a_session(world):
    return world.remember(
        "strength_session", lambda: StrengthSessionFactory(participant=world.participant)
    )


RULES = {
    # The catalogue is public.
    "exercises:list": public("/exercises/"),
    "exercises:detail": public("/exercises/big-toe-lift/"),
    "exercises:routine": participant_page("/levels/1/routine/"),
    "exercises:sessions": participant_page("/sessions/"),
    "exercises:session_new": participant_page("/sessions/new/"),
    # B may not even learn that A's session exists.
    "exercises:session": participant_page(lambda w: f"/sessions/{a_session(w).pk}/", other=404),
    "exercises:session_delete": participant_page(
        lambda w: f"/sessions/{a_session(w).pk}/delete/", other=404
    ),
}
