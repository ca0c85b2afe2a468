"""Reads for the prize and draw pages: plain data for templates, in a constant few queries."""

import copy
import shlex
import uuid
from datetime import timedelta

from celery.result import AsyncResult
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import BinaryField, Count, Exists, F, Max, OuterRef, Q
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from programme.models import Level, LevelCompletion, Participant
from programme.weeks import level_windows, logging_closes_at

from . import beacons, drand
from .models import (
    HOLDING,
    Draw,
    DrawEvent,
    DrawResult,
    DrawSnapshot,
    DrawState,
    Prize,
    ResultStatus,
)
from .queries import BytesPosition, canonical_uuid
from .sizes import format_size

SNAPSHOT_CHUNK = 50_000

# A draw of 1,000,000 entrants is drawn in 5-10 s (README, benchmarks). A run that has
# shown no sign of life for 3 minutes (asked for and not picked up, or picked up and
# neither drawn nor still holding the draw's row lock) was lost: a killed worker, a dropped
# message. The sweep, every minute, queues it again, so a lost run is drawn within about
# 4 minutes instead of waiting for the broker's visibility timeout.
DRAW_RUN_STALL = timedelta(seconds=settings.DRAW_RUN_STALL_SECONDS)  # 3 minutes
# The sweep stops after this many tries since staff last asked (a run that keeps failing,
# no worker at all); the run page still offers "Run again".
DRAW_RUN_REQUEUES = 5

# What the public page says about each ranked entrant: never a reason or a name.
PUBLIC_STATUS = {
    ResultStatus.WAITING: gettext_lazy("not needed"),
    ResultStatus.NOTIFIED: gettext_lazy("prize awarded, claim pending"),
    ResultStatus.CLAIMED: gettext_lazy("prize claimed"),
    ResultStatus.SHIPPED: gettext_lazy("prize claimed"),
    ResultStatus.FORFEITED: gettext_lazy("passed on: not claimed in time"),
    ResultStatus.DISQUALIFIED: gettext_lazy("passed on"),
}


def public_prizes(programme):
    """Every prize of ``programme`` and every draw anyone can verify (not drafts): 2 queries."""
    return {
        "prizes": list(Prize.objects.filter(programme=programme).order_by("-quantity", "name")),
        "draws": list(
            Draw.objects.filter(programme=programme)
            .exclude(state=DrawState.DRAFT)
            .order_by("-scheduled_at")
            .values("slug", "title", "state")
        ),
    }


def prizes_for(participant):
    """The participant's ranked places in every draw: prizes won and alternate places."""
    return list(
        DrawResult.objects.filter(participant=participant)
        .select_related("draw__prize", "claim")
        .order_by("-draw__drawn_at", "rank")
    )


def prizes_to_claim_part(now, participant):
    """The dashboard's "you won" section (registered with programme): each prize won and
    not yet claimed, with its claim deadline, until it is claimed. One query."""
    results = list(
        DrawResult.objects.filter(
            participant=participant,
            status=ResultStatus.NOTIFIED,
            claim_deadline__gte=now,
        )
        .select_related("draw__prize")
        .only("claim_deadline", "draw__prize__name")  # what the section shows: a lighter query
        .order_by("claim_deadline")
    )
    if not results:
        return None
    return {"template": "rewards/includes/prizes_to_claim.html", "context": {"results": results}}


def result_for(participant, result_id):
    """One of the participant's own results, or None (another's is as good as absent)."""
    return (
        DrawResult.objects.filter(participant=participant, pk=result_id)
        .select_related("draw__prize", "claim")
        .first()
    )


def public_draw(slug):
    """A draw's verification page: what prize-draw.md publishes at its current state.

    None for an unknown slug or a draft (nothing of it is public yet). The seed appears
    here only once the draw has run.
    """
    draw = (
        Draw.objects.select_related("prize", "level")
        .exclude(state=DrawState.DRAFT)
        .filter(slug=slug)
    )
    draw = draw.first()
    if draw is None:
        return None
    snapshot = None
    if draw.entries_are_public:
        snapshot = DrawSnapshot.objects.defer("entries").filter(draw=draw).first()
    results = []
    if draw.seed_is_public:
        for row in draw.results.order_by("rank").values(
            "rank", "entrant", "role", "status", "replaces__rank"
        ):
            row["public_status"] = PUBLIC_STATUS[row["status"]]
            results.append(row)
    seed_hex = bytes(draw.seed).hex() if draw.seed_is_public else None
    return {
        "draw": draw,
        "snapshot": snapshot,
        "seed_hex": seed_hex,
        "beacon_chain": beacons.chain_name_for(drand.parse_beacon(draw.beacon)[0])
        if draw.beacon
        else "",
        "beacon_round_url": beacons.round_url(draw.beacon) if draw.beacon else "",
        "beacon_info_url": beacons.info_url(draw.beacon) if draw.beacon else "",
        "verify_command": verify_command(draw, seed_hex, snapshot.digest if snapshot else None),
        "entropy_is_public": draw.seed_is_public or draw.run_requested_at is not None,
        "results": results,
        "unawarded": _unawarded(draw, results),
    }


def verify_command(draw, seed_hex, digest):
    """The verifier's command line for this draw (prize-draw.md), ready to paste."""
    asked = draw.run_requested_at is not None
    command = [
        "python",
        "-m",
        "rewards.verify",
        "entries.csv",
        "--seed",
        seed_hex or "SEED",
        "--winners",
        str(draw.winners),
        "--alternates",
        str(draw.alternates),
        "--entropy",
        draw.public_entropy if asked else "ENTROPY",
        "--commitment",
        draw.commitment,
        "--digest",
        digest or "DIGEST",
    ]
    if draw.beacon:
        command += [
            "--beacon",
            draw.beacon,
            "--beacon-signature",
            draw.beacon_signature if asked else "SIGNATURE",
            "--beacon-public-key",
            draw.beacon_public_key,
        ]
        if drand.SCHEMES[draw.beacon_scheme].chained:
            command += [
                "--beacon-previous-signature",
                draw.beacon_previous_signature if asked else "PREVIOUS_SIGNATURE",
            ]
    return shlex.join(command)


def entrant_standing(draw, text):
    """What the public page tells whoever pasted a public draw id: in the file? ranked?

    Two queries at most, whatever the size of the entries file: the database finds the
    entrant's line in the published file itself.
    """
    try:
        entrant = uuid.UUID(text.strip())
    except ValueError:
        return {
            "error": _("That is not a public draw id. It looks like this: %(example)s.")
            % {"example": "1b4e28ba-2fa1-41d2-883f-0016d3cca427"}
        }
    standing = {"entrant": str(entrant), "error": "", "tickets": None, "result": None}
    if not draw.entries_are_public:
        return standing
    line_start = f"\n{entrant},".encode("ascii")
    found = (
        DrawSnapshot.objects.filter(draw=draw)
        .annotate(position=BytesPosition("entries", line_start))
        .annotate(
            line=Substr("entries", F("position") + len(line_start), 24, output_field=BinaryField())
        )
        .values("position", "line")
        .first()
    )
    if not found or not found["position"]:
        return standing
    standing["tickets"] = int(bytes(found["line"]).split(b"\n", 1)[0])
    if draw.seed_is_public:
        result = draw.results.filter(entrant=entrant).values("rank", "role", "status").first()
        if result:
            result["public_status"] = PUBLIC_STATUS[result["status"]]
        standing["result"] = result
    return standing


def _unawarded(draw, results):
    if not draw.seed_is_public:
        return 0
    holding = sum(1 for row in results if row["status"] in HOLDING)
    return max(draw.winners - holding, 0)


def entries_file(slug):
    """(draw, the exact bytes of its entries file), or None before entries close."""
    snapshot = (
        DrawSnapshot.objects.select_related("draw")
        .filter(draw__slug=slug)
        .exclude(draw__state__in=(DrawState.DRAFT, DrawState.SCHEDULED))
        .first()
    )
    if snapshot is None:
        return None
    return snapshot.draw, bytes(snapshot.entries), snapshot.digest


def draw_entries_for(participant):
    """Per draw of the programme whose entries closed: was the participant in the file?

    Searches each published file for the participant's line, so the answer is the file's
    own (about 60 ms per million entrants; no copy of the entries is kept elsewhere).
    """
    line_start = f"\n{participant.draw_id},".encode("ascii")
    return list(
        DrawSnapshot.objects.filter(draw__programme_id=participant.programme_id)
        .annotate(position=BytesPosition("entries", line_start))
        .order_by("-created_at")
        .values("draw__slug", "draw__title", "created_at", "position")
    )


def draws_run_stalled(*, now, draw_ids=None):
    """Ids of draws whose run was lost: asked for, not drawn, silent for DRAW_RUN_STALL.

    Silent means no request by staff, no worker starting it and no re-queue by the sweep
    since ``now - DRAW_RUN_STALL``; after DRAW_RUN_REQUEUES re-queues the sweep leaves it
    to staff. A draw being drawn right now may be listed (a worker marks the start once):
    whoever re-queues it skips a draw whose row is locked.
    """
    cutoff = now - DRAW_RUN_STALL
    by_the_sweep = Q(
        events__action=DrawEvent.Action.RUN_REQUEUED,
        events__actor__isnull=True,
        events__at__gte=F("run_requested_at"),
    )
    draws = Draw.objects.filter(state=DrawState.ENTRIES_CLOSED, run_requested_at__lt=cutoff)
    if draw_ids is not None:
        draws = draws.filter(pk__in=draw_ids)
    return list(
        draws.filter(Q(run_started_at__isnull=True) | Q(run_started_at__lt=cutoff))
        .annotate(
            requeues=Count("events", filter=by_the_sweep),
            last_requeue=Max("events__at", filter=by_the_sweep),
        )
        .filter(requeues__lt=DRAW_RUN_REQUEUES)
        .filter(Q(last_requeue__isnull=True) | Q(last_requeue__lt=cutoff))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def draw_is_being_drawn(draw_id):
    """Whether a worker is drawing it this moment: ``draw_run`` holds its row lock throughout.

    Asks PostgreSQL for the row with SKIP LOCKED, so it never waits; where the database
    cannot tell (SQLite), the answer is no.
    """
    if not connection.features.has_select_for_update_skip_locked:
        return False
    with transaction.atomic():
        free = Draw.objects.select_for_update(skip_locked=True).filter(pk=draw_id)
        return not list(free.values_list("pk", flat=True))


def _task_failed(task_id):
    try:
        return AsyncResult(task_id).state == "FAILURE"
    except Exception:  # the result backend is not answering; the draw's own fields still are
        return False


def _moment(value, now):
    """ "28 Nov, 18:25 UTC, 3 minutes ago": when, in the site's zone, and how long since."""
    return _("%(when)s, %(ago)s ago") % {
        "when": date_format(timezone.localtime(value), "j M, H:i T"),
        "ago": timesince(value, now),
    }


def _minutes(value, now):
    minutes = max(int((now - value).total_seconds() // 60), 0)
    return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}


def draw_run_state(draw, *, now):
    """What the run page says, in words, about the draw's run; plain data for the JSON too.

    ``phase`` is one of: not_requested, queued, running, stalled, failed, done. A run
    silent for DRAW_RUN_STALL is "stalled" and staff may run it again (same entropy).
    """
    done = draw.state in (DrawState.DRAWN, DrawState.FINISHED)
    since = None
    if done:
        phase, since = "done", draw.drawn_at
        message = _("Drawn. The seed and the result are published.")
    elif draw.run_requested_at is None:
        phase = "not_requested"
        message = _("The run has not been asked for yet.")
    elif draw.run_started_at and draw.run_started_at >= draw.run_requested_at:
        since = draw.run_started_at
        if draw_is_being_drawn(draw.pk):
            phase = "running"
            message = _("A worker is drawing now (started %(moment)s).")
        elif draw.run_task_id and _task_failed(draw.run_task_id):
            phase = "failed"
            message = _(
                "The worker that started %(moment)s failed; nothing was drawn. Check the "
                "worker's log, then run it again."
            )
        elif now - since < DRAW_RUN_STALL:
            phase = "running"
            message = _("A worker started drawing %(moment)s.")
        else:
            phase = "stalled"
            message = _(
                "A worker started drawing %(moment)s and has been silent for %(minutes)s: "
                "it has probably stopped, and nothing was drawn."
            )
    else:
        since = draw.run_requested_at
        if now - since < DRAW_RUN_STALL:
            phase = "queued"
            message = _("Queued %(moment)s: waiting for a worker to pick it up.")
        else:
            phase = "stalled"
            message = _(
                "No worker has picked this up for %(minutes)s (queued %(moment)s). "
                "Check that a worker is running."
            )
    if since is not None and not done:
        message %= {"moment": _moment(since, now), "minutes": _minutes(since, now)}
    if phase == "stalled":
        message += " " + _(
            "It is queued again automatically every few minutes; “Run again” queues it now. "
            "Either way it is drawn once, with the public entropy fixed when it was asked for."
        )
    elif phase in ("queued", "running"):
        message += " " + _("This page updates by itself.")
    return {
        "state": draw.state,
        "state_label": str(DrawState(draw.state).label),
        "phase": phase,
        "since": since.isoformat() if since else "",
        "message": str(message),
        "done": done,
        "failed": phase == "failed",
        "stalled": phase == "stalled",
        "can_run_again": phase in ("stalled", "failed"),
        "results_url": reverse("rewards:draw", args=[draw.slug]) if done else "",
        **_run_progress(draw, phase),
    }


def _run_progress(draw, phase):
    """The run page's progress bar: entrants ranked out of all entrants, said in words.

    A draw is ranked in one transaction, so between "picked up" and "drawn" nothing is
    visible from outside: the bar is then indeterminate ("ranked" empty) rather than a guess.
    """
    entrants = (
        DrawSnapshot.objects.filter(draw=draw).values_list("entrant_count", flat=True).first()
    ) or 0
    ranked = 0
    if phase == "done":
        ranked = entrants
        written = DrawResult.objects.filter(draw=draw).count()
        text = ngettext(
            "All %(entrants)s entrant ranked; %(written)s places written (winners and alternates).",
            "All %(entrants)s entrants ranked; %(written)s places written (winners and "
            "alternates).",
            entrants,
        ) % {"entrants": entrants, "written": written}
    elif phase == "running":
        ranked = None
        text = ngettext(
            "Ranking %(entrants)s entrant…", "Ranking %(entrants)s entrants…", entrants
        ) % {"entrants": entrants}
    elif phase == "queued":
        text = ngettext(
            "Waiting to start: 0 of %(entrants)s entrant ranked.",
            "Waiting to start: 0 of %(entrants)s entrants ranked.",
            entrants,
        ) % {"entrants": entrants}
    else:  # not asked for, stalled or failed: nothing has been ranked
        text = ngettext(
            "Not ranked: 0 of %(entrants)s entrant.",
            "Not ranked: 0 of %(entrants)s entrants.",
            entrants,
        ) % {"entrants": entrants}
    return {"entrants": entrants, "ranked": "" if ranked is None else ranked, "progress": text}


def draw_summary(draw):
    """The counts staff see on a draw's admin page."""
    snapshot = DrawSnapshot.objects.defer("entries").filter(draw=draw).first()
    counts = draw.results.aggregate(
        notified=Count("pk", filter=Q(status=ResultStatus.NOTIFIED)),
        claimed=Count("pk", filter=Q(status__in=(ResultStatus.CLAIMED, ResultStatus.SHIPPED))),
        shipped=Count("pk", filter=Q(status=ResultStatus.SHIPPED)),
        holding=Count("pk", filter=Q(status__in=HOLDING)),
        waiting=Count("pk", filter=Q(status=ResultStatus.WAITING)),
    )
    drawn = draw.state in (DrawState.DRAWN, DrawState.FINISHED)
    return {
        "entrants": snapshot.entrant_count if snapshot else None,
        "tickets": snapshot.ticket_count if snapshot else None,
        "digest": snapshot.digest if snapshot else "",
        **counts,
        "unawarded": max(draw.winners - counts["holding"], 0) if drawn else None,
    }


FULFILMENT_COLUMNS = [
    "rank",
    "entrant",
    "status",
    "prize",
    "size_system",
    "shoe_size",
    "full_name",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
    "phone",
    "email",
    "claimed_at",
    "tracking",
]


def fulfilment_rows(draw):
    """Claimed and shipped prizes with their shipping details, for the fulfilment CSV."""
    results = (
        draw.results.filter(status__in=(ResultStatus.CLAIMED, ResultStatus.SHIPPED))
        .select_related("claim", "participant__user")
        .order_by("rank")
    )
    for result in results:
        claim = result.claim
        yield [
            result.rank,
            str(result.entrant),
            result.status,
            draw.prize.name,
            claim.size_system,
            format_size(claim.shoe_size),
            claim.full_name,
            claim.address_line1,
            claim.address_line2,
            claim.city,
            claim.region,
            claim.postal_code,
            claim.country.code,
            claim.phone,
            result.participant.user.email if result.participant else "",
            claim.submitted_at.isoformat(),
            result.tracking,
        ]


# Entries --------------------------------------------------------------------------------


def prizes_held_elsewhere(draw):
    """Prizes of the programme's other draws still held: the "one prize per person" rule."""
    return DrawResult.objects.filter(
        draw__programme_id=draw.programme_id, status__in=HOLDING
    ).exclude(draw_id=draw.pk)


def counted_levels(draw):
    """The levels whose completions give tickets in ``draw``."""
    if draw.level_id:
        return Level.objects.filter(pk=draw.level_id)
    return Level.objects.filter(programme_id=draw.programme_id)


def _eligible_rows(draw):
    """Every eligible participant of ``draw``, with ``entrant`` (the canonical text),
    ``entrant_uuid`` (the same id as a uuid) and ``tickets``, as a queryset.

    Set-based: a single scan of the programme's participants. For an any-level draw the
    tickets are ``Participant.tickets``, the sum of their level completions that
    programme.services keeps in the same transaction as each completion (completions
    come only from counted activity: runs held for review or rejected never complete a
    level). A draw for one level reads that level's completions instead.
    """
    barred_users = get_user_model().objects.filter(
        Q(is_staff=True) | Q(is_superuser=True) | Q(is_active=False)
    )
    participants = Participant.objects.filter(
        programme_id=draw.programme_id,
        confirmed_age_at__isnull=False,
        confirmed_residence_at__isnull=False,
        consented_rules_at__isnull=False,
    ).exclude(user__in=barred_users.values("pk"))
    if draw.eligible_countries:
        participants = participants.filter(
            country__in=[country.code for country in draw.eligible_countries]
        )
    if draw.one_prize_per_person:
        participants = participants.exclude(
            Exists(prizes_held_elsewhere(draw).filter(participant_id=OuterRef("pk")))
        )
    if draw.level_id:
        rows = LevelCompletion.objects.filter(
            level_id=draw.level_id, participant__in=participants.values("pk")
        ).annotate(entrant_uuid=F("participant__draw_id"))
    else:
        rows = participants.filter(tickets__gt=0).annotate(entrant_uuid=F("draw_id"))
    return rows.annotate(entrant=canonical_uuid("entrant_uuid")).order_by()


def eligible_entries(draw):
    """(entrant, tickets) of every eligible participant of ``draw``: one streamed query."""
    rows = _eligible_rows(draw).values_list("entrant", "tickets")
    return rows.iterator(chunk_size=SNAPSHOT_CHUNK)


def eligible_entries_file(draw):
    """``(lines, entrants, tickets)``: the entries file's lines built inside PostgreSQL.

    ``lines`` is the ``<entrant>,<tickets>`` lines of ``eligible_entries(draw)``, each ending
    with a newline, sorted by entrant in byte order; the caller adds the header and checks
    the result is canonical. One aggregate instead of streaming a million rows into Python
    and formatting them there: about twice as fast at 1M entrants. None when the database
    is not PostgreSQL.
    """
    if connection.vendor != "postgresql":
        return None
    rows = _eligible_rows(draw).values_list("entrant", "tickets", "entrant_uuid")
    sql, params = rows.query.sql_with_params()
    # The inner query is Django's own compiled SQL with its parameters bound by the driver.
    # Sorted by the uuid itself: PostgreSQL compares uuids as their 16 bytes, and the
    # canonical text spells those bytes in order as lowercase hex (0-9 before a-f in ASCII)
    # with the hyphens always in the same places, so this is the entrants' byte order, and
    # a sort of 16-byte keys instead of 36-character strings: 2.3 s to 1.6 s at 1M entrants
    # (bench/README.md).
    statement = (
        "SELECT coalesce(string_agg(entrant || ',' || tickets || E'\\n', ''"  # noqa: S608
        " ORDER BY entrant_uuid), ''), count(*), coalesce(sum(tickets), 0)"
        f" FROM ({sql}) AS entries"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()


def draw_entries_preview(draw, *, now):
    """Who would enter ``draw`` if its entries closed at ``now``, for the confirmation pages.

    ``left_out`` is how many the "one prize per person" rule keeps out (winners of the
    programme's other draws); ``unawarded`` how many prizes would find nobody to win them;
    ``activity_until`` when activity that could still add entrants may last be logged (None
    once the counted weeks are over). Reads the entries as closing would, without storing them.
    """
    entrants, tickets = _entries_count(draw)
    left_out = 0
    if draw.one_prize_per_person:
        everyone = copy.copy(draw)
        everyone.one_prize_per_person = False
        left_out = _entries_count(everyone)[0] - entrants
    programme = draw.programme
    if draw.level_id:
        level_ends = [
            ends
            for level, _starts, ends in level_windows(programme, programme.levels.all())
            if level.pk == draw.level_id
        ]
        last_logging = logging_closes_at(programme, level_ends[0]) if level_ends else None
    else:
        last_logging = programme.logging_closes_at
    return {
        "entrants": entrants,
        "tickets": tickets,
        "left_out": left_out,
        "unawarded": max(draw.winners - entrants, 0),
        "activity_until": last_logging if last_logging and last_logging > now else None,
        "weeks_left": programme.levels.filter(unlocks_at__gt=now).count(),
    }


def _entries_count(draw):
    entrants = tickets = 0
    for _entrant, entrant_tickets in eligible_entries(draw):
        entrants += 1
        tickets += entrant_tickets
    return entrants, tickets
