from notifications.emails import unsubscribe_token
from tests.access import LOGIN, Access
from tests.factories import RunFactory


def participant_page(url, **overrides):
    """Participants only: anonymous → login, signed in but not joined (staff too) → join."""
    return Access(url, **overrides)


def a_run(world):
    return world.remember(
        "run",
        lambda: RunFactory(
            participant=world.participant, level=world.programme.levels.get(number=1)
        ),
    )


RULES = {
    # Signed-in users who have not joined see the form; participants are sent on.
    "programme:join": Access("/join/", LOGIN, 200, 302, 302, 200, 200),
    "programme:level": participant_page("/levels/1/"),
    "programme:runs": participant_page("/runs/"),
    "programme:run_new": participant_page("/runs/new/"),
    # B may not even learn that A's run exists.
    "programme:run": participant_page(lambda w: f"/runs/{a_run(w).pk}/", other=404),
    "programme:run_delete": participant_page(lambda w: f"/runs/{a_run(w).pk}/delete/", other=404),
    "programme:leaderboard": participant_page("/leaderboard/"),
    "programme:notices": participant_page("/notices/"),
    "programme:notices_read": participant_page(
        "/notices/read/", method="post", participant=302, other=302
    ),
    # The signed token is the permission: anyone holding A's link may use it.
    "programme:unsubscribe": Access(
        lambda w: f"/unsubscribe/{unsubscribe_token(w.participant.pk)}/",
        200,
        200,
        200,
        200,
        200,
        200,
    ),
}
