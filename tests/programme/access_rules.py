from datetime import timedelta

from django.utils import timezone

from notifications.emails import unsubscribe_token
from programme import services
from programme.admin.access import CHANGE_FORM_PREFIX
from tests.access import AS_GET, JOIN, LOGIN, NOT_ALLOWED, ROLES, Access, AdminAccess, as_get
from tests.factories import RunFactory

# Pages that only show something answer a POST as a GET (they ignore the method).
READ_ONLY = AS_GET


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
    # An empty POST is an invalid form: nobody joins by it.
    "programme:join": Access("/join/", LOGIN, 200, 302, 302, 200, 200, post=AS_GET),
    "programme:level": participant_page("/levels/1/", post=READ_ONLY),
    "programme:runs": participant_page("/runs/", post=READ_ONLY),
    "programme:run_new": participant_page("/runs/new/", post=AS_GET),
    # B may not even learn that A's run exists, nor change or delete it.
    "programme:run": participant_page(lambda w: f"/runs/{a_run(w).pk}/", other=404, post=AS_GET),
    "programme:run_delete": participant_page(
        lambda w: f"/runs/{a_run(w).pk}/delete/",
        other=404,
        post=as_get(participant=302),
        writes=("participant",),
    ),
    "programme:leaderboard": participant_page("/leaderboard/", post=READ_ONLY),
    "programme:notices": participant_page("/notices/", post=READ_ONLY),
    # POST only; each participant marks their own notices read.
    "programme:notices_read": Access(
        "/notices/read/",
        *NOT_ALLOWED,
        post=(LOGIN, JOIN, 302, 302, JOIN, JOIN),
        writes=("participant", "other"),
    ),
    # The signed token is the permission: anyone holding A's link may use it.
    "programme:unsubscribe": Access(
        lambda w: f"/unsubscribe/{unsubscribe_token(w.participant.pk)}/",
        *(200,) * 6,
        post=AS_GET,
        writes=ROLES,
    ),
}


def a_held_run(world):
    """A's run of 10 km in 29 minutes: possible, but held for review."""
    return world.remember(
        "held_run",
        lambda: services.run_log(
            participant=world.participant,
            started_at=timezone.now() - timedelta(hours=1),
            distance_m=10_000,
            duration_s=1_740,
        ),
    )


def review(action, **data):
    """Choose ``action`` for A's held run on the list of runs."""
    return lambda w: {"action": action, "_selected_action": [a_held_run(w).pk], **data}


def review_on_its_page(action, **data):
    """Choose ``action`` on the held run's own page."""
    return lambda w: {
        f"{CHANGE_FORM_PREFIX}-action": action,
        "_selected_action": a_held_run(w).pk,
        "index": 0,
        **data,
    }


REJECT = {"apply": "yes", "reason": "Ran on a bus."}
RUNS = "/admin/programme/run/"


def on_its_page(w):
    return f"{RUNS}{a_held_run(w).pk}/change/"


def reviewing(url, data):
    """Reviews need the change permission. Staff who may only look are not offered them: the
    list is shown again (200), a run's own page refuses (403); nothing changes either way."""
    return AdminAccess(
        url=url,
        permissions=("programme.change_run",),
        get=None,
        data=data,
        not_enough=(("programme.view_run",),),
        refusal=200 if url == RUNS else 403,
    )


ADMIN_RULES = {
    "admin:programme_figures": AdminAccess(
        url="/admin/programme/programme/figures/",
        permissions=("programme.view_participant",),
        post=200,  # the page ignores the method
        writes=False,
        not_enough=(("programme.view_programme",),),
    ),
    "action:programme.run.approve_runs": reviewing(RUNS, review("approve_runs")),
    "action:programme.run.approve_runs@change-form": reviewing(
        on_its_page, review_on_its_page("approve_runs")
    ),
    "action:programme.run.reject_runs": reviewing(RUNS, review("reject_runs", **REJECT)),
    "action:programme.run.reject_runs@change-form": reviewing(
        on_its_page, review_on_its_page("reject_runs", **REJECT)
    ),
}
