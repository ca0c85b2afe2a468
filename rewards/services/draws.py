"""A draw's steps: draft → scheduled → entries closed → drawn (then results.py finishes it).

Each step runs in one transaction holding the draw's row lock (``select_for_update``) and
re-checks the state it starts from, so two staff clicking at once, a double-clicked button,
a retried task or a worker killed mid-draw all end with the step done once. Unique
constraints on results and on the audit trail's steps back that up in the database.
"""

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from notifications.models import Notice
from programme.models import Participant

from .. import beacons, drand
from ..draw_core import (
    HEADER,
    SEED_BYTES,
    canonical_entries,
    check_canonical,
    commitment_for,
    draw_result_of_file,
    entries_digest,
)
from ..errors import RewardsError
from ..models import (
    Draw,
    DrawResult,
    DrawSnapshot,
    DrawState,
    ResultStatus,
    Role,
)
from ..queries import load_binary, store_binary
from ..selectors import (
    DRAW_RUN_STALL,
    counted_levels,
    draws_run_stalled,
    eligible_entries,
    eligible_entries_file,
)
from .audit import Action, draw_lock, event_record
from .results import award_notice, finish_if_done, pass_over_reason, result_close

# Configuration ------------------------------------------------------------------------


def draw_configuration_problems(draw):
    """What is wrong with a draw's set-up, as (field, message) pairs; empty when fine."""
    problems = []
    if draw.prize_id and draw.programme_id and draw.prize.programme_id != draw.programme_id:
        problems.append(("prize", _("The prize belongs to another programme.")))
    if draw.level_id and draw.programme_id and draw.level.programme_id != draw.programme_id:
        problems.append(("level", _("The level belongs to another programme.")))
    if draw.prize_id and draw.winners:
        promised = (
            Draw.objects.filter(prize_id=draw.prize_id)
            .exclude(pk=draw.pk)
            .aggregate(total=Sum("winners"))["total"]
            or 0
        )
        if promised + draw.winners > draw.prize.quantity:
            problems.append(
                (
                    "winners",
                    _(
                        "Only %(left)s of the %(quantity)s “%(prize)s” are not promised "
                        "to another draw."
                    )
                    % {
                        "left": max(draw.prize.quantity - promised, 0),
                        "quantity": draw.prize.quantity,
                        "prize": draw.prize.name,
                    },
                )
            )
    return problems


# Schedule: the seed is drawn and committed to ----------------------------------------


@sensitive_variables("seed")  # never in an error report
def draw_schedule(*, draw, actor, entries_close_by, chain=None, now=None):
    """Draft → scheduled: a fresh CSPRNG seed is stored and its commitment published, with
    the beacon: the first round of the drand ``chain`` after ``entries_close_by``.

    The round's randomness becomes the public entropy (prize-draw.md v1.1), so nobody can
    choose the entropy later. ``chain`` is a name in ``settings.DRAND_CHAINS`` (default: the
    first).
    """
    now = now or timezone.now()
    chain_name = chain or next(iter(settings.DRAND_CHAINS))
    chain_info = beacons.chain_named(chain_name)
    if chain_info is None:
        raise RewardsError(
            _("“%(chain)s” is not a known drand chain.") % {"chain": chain_name}, field="chain"
        )
    if entries_close_by <= now:
        raise RewardsError(
            _("Entries must close later than now, or the beacon round could already be public."),
            field="entries_close_by",
        )
    round_number, round_at = beacons.round_for(chain_info, entries_close_by)
    with transaction.atomic():
        draw = draw_lock(draw.pk)
        if draw.state != DrawState.DRAFT:
            raise RewardsError(_("This draw is already scheduled."))
        problems = draw_configuration_problems(draw)
        if problems:
            raise RewardsError(problems[0][1], field=problems[0][0])
        seed = secrets.token_bytes(SEED_BYTES)
        draw.state = DrawState.SCHEDULED
        draw.seed = seed
        draw.commitment = commitment_for(seed)
        draw.scheduled_at = now
        draw.beacon = drand.beacon_name(chain_info["hash"], round_number)
        draw.beacon_public_key = chain_info["public_key"]
        draw.beacon_scheme = chain_info["scheme"]
        draw.beacon_round_at = round_at
        draw.beacon_committed_at = now
        draw.save(
            update_fields=[
                "state",
                "seed",
                "commitment",
                "scheduled_at",
                "beacon",
                "beacon_public_key",
                "beacon_scheme",
                "beacon_round_at",
                "beacon_committed_at",
                "updated_at",
            ]
        )
        event_record(
            draw=draw,
            action=Action.SCHEDULED,
            actor=actor,
            now=now,
            note=_("Commitment %(commitment)s; beacon %(beacon)s")
            % {"commitment": draw.commitment, "beacon": draw.beacon},
        )
    return draw


# Close entries: the snapshot ------------------------------------------------------------


def _snapshot_take(*, draw, now):
    """Build the canonical file of the eligible entries; store it with its digest."""
    built = eligible_entries_file(draw)
    if built is not None:
        # PostgreSQL sorted and joined the lines. The file must still be exactly canonical
        # (a malformed or duplicate line is refused, never fixed), checked here.
        lines, entrants, tickets = built
        data = (HEADER + lines).encode("ascii")
        check_canonical(data)
    else:
        data, entrants, tickets = _snapshot_built_here(draw)
    snapshot = DrawSnapshot.objects.create(
        draw=draw,
        entries=b"",
        digest=entries_digest(data),
        entrant_count=entrants,
        ticket_count=tickets,
        created_at=now,
    )
    store_binary(snapshot, "entries", data)
    snapshot.entries = data
    return snapshot


def draw_close_entries(*, draw, actor, now=None):
    """Scheduled → entries closed: lock the counted levels' completions, take the snapshot."""
    now = now or timezone.now()
    with transaction.atomic():
        draw = draw_lock(draw.pk)
        if draw.state == DrawState.DRAFT:
            raise RewardsError(_("Schedule the draw before closing its entries."))
        if draw.state != DrawState.SCHEDULED:
            raise RewardsError(_("Entries of this draw are already closed."))
        if not draw.beacon:
            raise RewardsError(_("This draw has no committed beacon, so it cannot be drawn."))
        if now >= draw.beacon_round_at:
            # Whoever can read the seed would know the ranking while entries were open.
            raise RewardsError(
                _(
                    "Too late: the beacon round was published %(when)s, and entries had to "
                    "close before it."
                )
                % {"when": date_format(timezone.localtime(draw.beacon_round_at), "j M Y, H:i T")}
            )
        # From now on a completion these levels gave is never taken back.
        counted_levels(draw).filter(completions_locked_at__isnull=True).update(
            completions_locked_at=now
        )
        snapshot = _snapshot_take(draw=draw, now=now)
        draw.state = DrawState.ENTRIES_CLOSED
        draw.entries_closed_at = now
        draw.save(update_fields=["state", "entries_closed_at", "updated_at"])
        event_record(
            draw=draw,
            action=Action.ENTRIES_CLOSED,
            actor=actor,
            now=now,
            note=_("%(entrants)s entrants, %(tickets)s tickets, digest %(digest)s")
            % {
                "entrants": snapshot.entrant_count,
                "tickets": snapshot.ticket_count,
                "digest": snapshot.digest,
            },
        )
    return draw


def _snapshot_built_here(draw):
    """``(file, entrants, tickets)``, streaming the eligible entries into ``canonical_entries``."""
    entrants = tickets = 0

    def counted(rows):
        nonlocal entrants, tickets
        for row in rows:
            entrants += 1
            tickets += row[1]
            yield row

    data = canonical_entries(counted(eligible_entries(draw)))
    return data, entrants, tickets


# Run ----------------------------------------------------------------------------------


def draw_request_run(*, draw, actor, signature, previous_signature="", now=None):
    """Take the beacon round's signature (once), derive the entropy, give the run a task id.

    The signature must be the committed round's, checked against the chain's public key
    with its scheme, and the round must be due; its SHA-256 is the public entropy. Any
    refusal raises RewardsError (``field`` names the form field) and writes nothing. Asking
    again keeps the first signature (see ``draw_run_again``): the draw itself still runs
    exactly once (see ``draw_run``). The caller enqueues the task.
    """
    now = now or timezone.now()
    with transaction.atomic():
        draw = draw_lock(draw.pk)
        if draw.state in (DrawState.DRAWN, DrawState.FINISHED):
            raise RewardsError(_("This draw has already been drawn."))
        if draw.state != DrawState.ENTRIES_CLOSED:
            raise RewardsError(_("Close the entries before running the draw."))
        if draw.run_requested_at is not None:
            return _run_ask_again(draw=draw, actor=actor, now=now)
        signature_raw, previous_raw = _beacon_signature_checked(
            draw=draw, signature=signature, previous_signature=previous_signature, now=now
        )
        draw.beacon_signature = signature_raw.hex()
        draw.beacon_previous_signature = previous_raw.hex()
        draw.beacon_signature_entered_at = now
        draw.public_entropy = drand.entropy_for(signature_raw)
        draw.run_requested_at = now
        draw.run_task_id = str(uuid.uuid4())
        draw.save(
            update_fields=[
                "beacon_signature",
                "beacon_previous_signature",
                "beacon_signature_entered_at",
                "public_entropy",
                "run_requested_at",
                "run_task_id",
                "updated_at",
            ]
        )
        event_record(
            draw=draw,
            action=Action.RUN_REQUESTED,
            actor=actor,
            now=now,
            note=_("Beacon signature checked; public entropy %(entropy)s")
            % {"entropy": draw.public_entropy},
        )
    return draw


def _beacon_signature_checked(*, draw, signature, previous_signature, now):
    """The signature's (and previous signature's) bytes once they pass every check."""
    if not draw.beacon:
        raise RewardsError(_("This draw has no committed beacon, so it cannot be drawn."))
    if now < draw.beacon_round_at:
        raise RewardsError(
            _("The beacon round is not published until %(when)s; run the draw after that.")
            % {"when": date_format(timezone.localtime(draw.beacon_round_at), "j M Y, H:i:s T")},
            field="signature",
        )
    scheme = drand.SCHEMES[draw.beacon_scheme]
    try:
        signature_raw = drand.signature_bytes(signature, length=scheme.signature_length)
    except drand.BeaconError as error:
        raise RewardsError(
            _("Not a signature: %(reason)s.") % {"reason": error}, field="signature"
        ) from None
    previous_raw = b""
    if scheme.chained:
        try:
            previous_raw = drand.signature_bytes(
                previous_signature, length=scheme.signature_length, what="previous signature"
            )
        except drand.BeaconError as error:
            raise RewardsError(
                _("Not a previous signature: %(reason)s.") % {"reason": error},
                field="previous_signature",
            ) from None
    _chain_hash, round_number = drand.parse_beacon(draw.beacon)
    try:
        problem = drand.signature_problem(
            scheme=scheme,
            public_key=bytes.fromhex(draw.beacon_public_key),
            round_number=round_number,
            signature=signature_raw,
            previous_signature=previous_raw,
        )
    except drand.BlsUnavailable:
        raise RewardsError(
            _("The BLS12-381 library is missing, so no signature can be checked.")
        ) from None
    if problem:
        raise RewardsError(
            _(
                "This is not the signature of round %(round)s of the committed chain: it does "
                "not verify against the chain's public key. Copy “signature” from %(url)s."
            )
            % {"round": round_number, "url": beacons.round_url(draw.beacon)},
            field="signature",
        )
    return signature_raw, previous_raw


def draw_run_again(*, draw, actor, now=None):
    """Staff ask again for a run that stalled or failed; the caller enqueues the new task id.

    Takes no entropy: the one fixed by the first request stays, so asking again can never
    draw a different result. ``run_requested_at`` moves to now (the run page and the sweep
    count from it) and the audit trail notes who asked.
    """
    now = now or timezone.now()
    with transaction.atomic():
        draw = draw_lock(draw.pk)
        if draw.state in (DrawState.DRAWN, DrawState.FINISHED):
            raise RewardsError(_("This draw has already been drawn."))
        if draw.state != DrawState.ENTRIES_CLOSED or draw.run_requested_at is None:
            raise RewardsError(_("The run has not been asked for yet."))
        return _run_ask_again(draw=draw, actor=actor, now=now)


def _run_ask_again(*, draw, actor, now):
    draw.run_requested_at = now
    draw.run_task_id = str(uuid.uuid4())
    draw.save(update_fields=["run_requested_at", "run_task_id", "updated_at"])
    event_record(
        draw=draw,
        action=Action.RUN_REQUEUED,
        actor=actor,
        now=now,
        note=_("Asked again; the public entropy stays %(entropy)s")
        % {"entropy": draw.public_entropy},
    )
    return draw


def draws_requeue_stalled(*, now):
    """Give each lost run (``selectors.draws_run_stalled``) a new task id; the caller enqueues.

    Each draw is checked again under its row lock, taken with SKIP LOCKED: a draw a worker
    is drawing this moment is left alone, and of two sweeps at once only one re-queues.
    The entropy stays; the audit trail notes the re-queue (the "system" actor). Returns
    (draw id, task id) pairs.
    """
    requeued = []
    for draw_id in draws_run_stalled(now=now):
        with transaction.atomic():
            draw = Draw.objects.select_for_update(skip_locked=True).filter(pk=draw_id).first()
            if draw is None or not draws_run_stalled(now=now, draw_ids=[draw_id]):
                continue  # being drawn right now, or another sweep re-queued it first
            draw.run_task_id = str(uuid.uuid4())
            draw.save(update_fields=["run_task_id", "updated_at"])
            event_record(
                draw=draw,
                action=Action.RUN_REQUEUED,
                now=now,
                note=_("No word from a worker for %(minutes)s minutes; queued again")
                % {"minutes": int(DRAW_RUN_STALL.total_seconds() // 60)},
            )
            requeued.append((draw.pk, draw.run_task_id))
    return requeued


def draw_run(*, draw_id, now=None):
    """Entries closed → drawn, exactly once: rank the stored snapshot, write every result.

    The draw's row lock serialises concurrent attempts; whoever comes second finds the draw
    drawn and changes nothing. Everything is one transaction, so a worker killed half way
    leaves no trace and the re-delivered task draws the same result (the ranking is a pure
    function of published data). Returns the ids of the notices to email after commit.
    """
    now = now or timezone.now()
    # Committed on its own, before the draw's transaction: the run page and the sweep see
    # that a worker picked the run up while it is being drawn (or after it died drawing).
    Draw.objects.filter(
        pk=draw_id, state=DrawState.ENTRIES_CLOSED, run_requested_at__isnull=False
    ).update(run_started_at=now)
    with transaction.atomic():
        draw = Draw.objects.select_for_update().filter(pk=draw_id).first()
        if draw is None or draw.state != DrawState.ENTRIES_CLOSED:
            return []
        if draw.run_requested_at is None:
            raise RewardsError(_("Staff have not asked for this draw to run yet."))
        snapshot = DrawSnapshot.objects.defer("entries").get(draw=draw)
        data = load_binary(snapshot, "entries")
        if entries_digest(data) != snapshot.digest:
            raise RewardsError(_("The stored entries file does not match its published digest."))
        ranked = draw_result_of_file(
            data,
            seed=bytes(draw.seed),
            public_entropy=draw.public_entropy,
            winners=draw.winners,
            alternates=draw.alternates,
            parallel=True,  # a second core where safe; the same result either way
        )
        del data
        participants = {
            participant.draw_id: participant
            for participant in Participant.objects.filter(
                draw_id__in=[entrant for _, entrant, _ in ranked]
            ).only("pk", "draw_id", "time_zone")
        }
        deadline = now + timedelta(days=draw.claim_window_days)
        results = DrawResult.objects.bulk_create(
            DrawResult(
                draw=draw,
                rank=rank,
                entrant=entrant,
                participant=participants.get(uuid.UUID(entrant)),
                role=role,
                status=ResultStatus.NOTIFIED if role == Role.WINNER else ResultStatus.WAITING,
                awarded_at=now if role == Role.WINNER else None,
                claim_deadline=deadline if role == Role.WINNER else None,
                status_changed_at=now,
            )
            for rank, entrant, role in ranked
        )
        draw.state = DrawState.DRAWN
        draw.drawn_at = now
        draw.save(update_fields=["state", "drawn_at", "updated_at"])
        winners = [result for result in results if result.role == Role.WINNER]
        event_record(
            draw=draw,
            action=Action.DRAWN,
            now=now,
            note=_("%(winners)s winners, %(alternates)s alternates")
            % {"winners": len(winners), "alternates": len(results) - len(winners)},
        )
        # Accounts deleted since entries closed, and (one prize per person) winners of
        # another draw that ran in between, pass their prize on in rank order. The
        # published ranking is untouched, so the result stays verifiable.
        passed_over = pass_over_reason(
            draw=draw, participant_ids=[result.participant_id for result in winners]
        )
        notices = Notice.objects.bulk_create(
            award_notice(result=result, draw=draw, participant=result.participant, now=now)
            for result in winners
            if result.participant_id not in passed_over
        )
        notice_ids = [notice.pk for notice in notices]
        for result in winners:
            if result.participant_id in passed_over:
                status, action, reason = passed_over[result.participant_id]
                notice_ids += result_close(
                    result=result, status=status, reason=reason, action=action, now=now, draw=draw
                )
        finish_if_done(draw=draw, now=now)
    return notice_ids
