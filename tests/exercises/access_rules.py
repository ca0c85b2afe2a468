from tests.access import AS_GET, JOIN, LOGIN, NOT_ALLOWED, Access, as_get, public
from tests.factories import StrengthSessionFactory
from tests.programme.access_rules import READ_ONLY, participant_page


def a_session(world):
    return world.remember(
        "strength_session", lambda: StrengthSessionFactory(participant=world.participant)
    )


RULES = {
    # The catalogue is public and read-only.
    "exercises:list": public("/exercises/"),
    "exercises:detail": public("/exercises/big-toe-lift/"),
    "exercises:routine": participant_page("/levels/1/routine/", post=READ_ONLY),
    # POST only: logs the ticked exercises of the participant's own week (none ticked: back).
    "exercises:routine_log": Access(
        "/levels/1/routine/log/", *NOT_ALLOWED, post=(LOGIN, JOIN, 302, 302, JOIN, JOIN)
    ),
    "exercises:sessions": participant_page("/sessions/", post=READ_ONLY),
    "exercises:session_new": participant_page("/sessions/new/", post=AS_GET),
    # B may not even learn that A's session exists, nor change or delete it.
    "exercises:session": participant_page(
        lambda w: f"/sessions/{a_session(w).pk}/", other=404, post=AS_GET
    ),
    "exercises:session_delete": participant_page(
        lambda w: f"/sessions/{a_session(w).pk}/delete/",
        other=404,
        post=as_get(participant=302),
        writes=("participant",),
    ),
}
