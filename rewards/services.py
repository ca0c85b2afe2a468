"""Everything that changes prizes and draws. The admin, views and tasks call these.

A draw moves draft → scheduled → entries closed → drawn → finished. Each step runs in one
transaction holding the draw's row lock (``select_for_update``) and re-checks the state it
starts from, so two staff clicking at once, a double-clicked button, a retried task or a
worker killed mid-draw all end with the step done once. Unique constraints on results and
on the audit trail's steps back that up in the database.
"""

import secrets
import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from programme.models import Level, LevelCompletion, Notice, Participant
from programme.services import moment_text

from . import addresses, sizes
from .draw_core import SEED_BYTES, canonical_entries, commitment_for, draw_result, entries_digest
from .draw_core import parse_entries as parse_entries_file
from .errors import RewardsError
from .models import (
    HOLDING,
    Claim,
    Draw,
    DrawEvent,
    DrawResult,
    DrawSnapshot,
    DrawState,
    ResultStatus,
    Role,
)
from .queries import canonical_uuid, store_binary

REMINDER_BEFORE = timedelta(days=2)
SNAPSHOT_CHUNK = 50_000

Action = DrawEvent.Action


def _event(*, draw, action, now, actor=None, result=None, note=""):
    return DrawEvent.objects.create(
        draw=draw, action=action, actor=actor, result=result, note=note[:300], at=now
    )


def _lock_draw(draw_id):
    return Draw.objects.select_for_update().select_related("prize", "programme").get(pk=draw_id)


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
def draw_schedule(*, draw, actor, now=None):
    """Draft → scheduled: a fresh CSPRNG seed is stored and its commitment published."""
    now = now or timezone.now()
    with transaction.atomic():
        draw = _lock_draw(draw.pk)
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
        draw.save(update_fields=["state", "seed", "commitment", "scheduled_at", "updated_at"])
        _event(draw=draw, action=Action.SCHEDULED, actor=actor, now=now, note=draw.commitment)
    return draw


# Close entries: the snapshot ------------------------------------------------------------


def counted_levels(draw):
    """The levels whose completions give tickets in ``draw``."""
    if draw.level_id:
        return Level.objects.filter(pk=draw.level_id)
    return Level.objects.filter(programme_id=draw.programme_id)


def eligible_entries(draw):
    """(entrant, tickets) of every eligible participant of ``draw``: one streamed query.

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
            Exists(
                DrawResult.objects.filter(
                    participant_id=OuterRef("pk"),
                    draw__programme_id=draw.programme_id,
                    status__in=HOLDING,
                ).exclude(draw_id=draw.pk)
            )
        )
    if draw.level_id:
        rows = LevelCompletion.objects.filter(
            level_id=draw.level_id, participant__in=participants.values("pk")
        ).values_list(canonical_uuid("participant__draw_id"), "tickets")
    else:
        rows = participants.filter(tickets__gt=0).values_list(canonical_uuid("draw_id"), "tickets")
    return rows.order_by().iterator(chunk_size=SNAPSHOT_CHUNK)


def _snapshot_take(*, draw, now):
    """Stream the eligible entries into the canonical file; store it with its digest."""
    entrants = tickets = 0

    def counted(rows):
        nonlocal entrants, tickets
        for row in rows:
            entrants += 1
            tickets += row[1]
            yield row

    data = canonical_entries(counted(eligible_entries(draw)))
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
        draw = _lock_draw(draw.pk)
        if draw.state == DrawState.DRAFT:
            raise RewardsError(_("Schedule the draw before closing its entries."))
        if draw.state != DrawState.SCHEDULED:
            raise RewardsError(_("Entries of this draw are already closed."))
        # From now on a completion these levels gave is never taken back.
        counted_levels(draw).filter(completions_locked_at__isnull=True).update(
            completions_locked_at=now
        )
        snapshot = _snapshot_take(draw=draw, now=now)
        draw.state = DrawState.ENTRIES_CLOSED
        draw.entries_closed_at = now
        draw.save(update_fields=["state", "entries_closed_at", "updated_at"])
        _event(
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


# Run ----------------------------------------------------------------------------------


def draw_request_run(*, draw, actor, public_entropy, now=None):
    """Fix the public entropy (once) and give the run a task id; the caller enqueues it.

    Asking again after a failed or lost task keeps the first entropy and only makes a new
    task id: the draw itself still runs exactly once (see ``draw_run``).
    """
    now = now or timezone.now()
    with transaction.atomic():
        draw = _lock_draw(draw.pk)
        if draw.state in (DrawState.DRAWN, DrawState.FINISHED):
            raise RewardsError(_("This draw has already been drawn."))
        if draw.state != DrawState.ENTRIES_CLOSED:
            raise RewardsError(_("Close the entries before running the draw."))
        fields = ["run_task_id", "updated_at"]
        if draw.run_requested_at is None:
            draw.public_entropy = public_entropy
            draw.run_requested_at = now
            fields += ["public_entropy", "run_requested_at"]
            _event(
                draw=draw,
                action=Action.RUN_REQUESTED,
                actor=actor,
                now=now,
                note=_("Public entropy: “%(entropy)s”") % {"entropy": public_entropy},
            )
        draw.run_task_id = str(uuid.uuid4())
        draw.save(update_fields=fields)
    return draw


def draw_run(*, draw_id, now=None):
    """Entries closed → drawn, exactly once: rank the stored snapshot, write every result.

    The draw's row lock serialises concurrent attempts; whoever comes second finds the draw
    drawn and changes nothing. Everything is one transaction, so a worker killed half way
    leaves no trace and the re-delivered task draws the same result (the ranking is a pure
    function of published data). Returns the ids of the notices to email after commit.
    """
    now = now or timezone.now()
    with transaction.atomic():
        draw = Draw.objects.select_for_update().filter(pk=draw_id).first()
        if draw is None or draw.state != DrawState.ENTRIES_CLOSED:
            return []
        if draw.run_requested_at is None:
            raise RewardsError(_("Staff have not asked for this draw to run yet."))
        snapshot = DrawSnapshot.objects.get(draw=draw)
        data = bytes(snapshot.entries)
        if entries_digest(data) != snapshot.digest:
            raise RewardsError(_("The stored entries file does not match its published digest."))
        ranked = draw_result(
            parse_entries_file(data),
            seed=bytes(draw.seed),
            public_entropy=draw.public_entropy,
            winners=draw.winners,
            alternates=draw.alternates,
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
        _event(
            draw=draw,
            action=Action.DRAWN,
            now=now,
            note=_("%(winners)s winners, %(alternates)s alternates")
            % {"winners": len(winners), "alternates": len(results) - len(winners)},
        )
        # Accounts deleted since entries closed, and (one prize per person) winners of
        # another draw that ran in between, pass their prize on in rank order. The
        # published ranking is untouched, so the result stays verifiable.
        passed_over = _pass_over_reason(
            draw=draw, participant_ids=[result.participant_id for result in winners]
        )
        notices = Notice.objects.bulk_create(
            _award_notice(result=result, draw=draw, participant=result.participant, now=now)
            for result in winners
            if result.participant_id not in passed_over
        )
        notice_ids = [notice.pk for notice in notices]
        for result in winners:
            if result.participant_id in passed_over:
                status, action, reason = passed_over[result.participant_id]
                notice_ids += _result_close(
                    result=result, status=status, reason=reason, action=action, now=now, draw=draw
                )
        _finish_if_done(draw=draw, now=now)
    return notice_ids


# Winners, alternates and forfeits --------------------------------------------------------


def _award_notice(*, result, draw, participant, now):
    """The in-app notice of a prize won (unsaved); its email goes out after commit."""
    return Notice(
        participant_id=result.participant_id,
        key=f"draw-won:{result.pk}",
        title=_("You won: %(prize)s!") % {"prize": draw.prize.name},
        body=_(
            "You were drawn in “%(draw)s”. Claim your prize before %(deadline)s, or it passes "
            "to the next alternate."
        )
        % {"draw": draw.title, "deadline": moment_text(result.claim_deadline, participant)},
        url=reverse("rewards:claim", args=[result.pk]),
        created_at=now,
    )


def _pass_over_reason(*, draw, participant_ids):
    """{participant id: (status, action, reason)} for those who cannot take a prize now.

    Deleted accounts (no participant, or an inactive user) forfeit; with one prize per
    person, whoever already holds a prize of another draw of the programme is passed
    over. Set-based: two queries for any number of ids. None stands for a removed row.
    """
    ids = [pid for pid in participant_ids if pid is not None]
    active = set(
        Participant.objects.filter(pk__in=ids, user__is_active=True).values_list("pk", flat=True)
    )
    holders = set()
    if draw.one_prize_per_person:
        holders = set(
            DrawResult.objects.filter(
                participant_id__in=ids, draw__programme_id=draw.programme_id, status__in=HOLDING
            )
            .exclude(draw_id=draw.pk)
            .values_list("participant_id", flat=True)
        )
    reasons = {}
    for pid in participant_ids:
        if pid is None or pid not in active:
            reasons[pid] = (
                ResultStatus.FORFEITED,
                Action.FORFEITED,
                _("The account no longer exists."),
            )
        elif pid in holders:
            reasons[pid] = (
                ResultStatus.DISQUALIFIED,
                Action.DISQUALIFIED,
                _("Already holds a prize from another draw of this programme."),
            )
    return reasons


def _promote_next(*, draw, replaced, now, actor=None):
    """Give ``replaced``'s prize to the first unused alternate; ids of notices to email.

    With none left the prize stays unawarded, recorded in the audit trail for staff.
    Called with the draw's row locked.
    """
    notice_ids = []
    while True:
        candidate = (
            draw.results.select_for_update()
            .filter(status=ResultStatus.WAITING)
            .order_by("rank")
            .first()
        )
        if candidate is None:
            _event(draw=draw, action=Action.UNAWARDED, result=replaced, actor=actor, now=now)
            return notice_ids
        passed_over = _pass_over_reason(draw=draw, participant_ids=[candidate.participant_id])
        if candidate.participant_id not in passed_over:
            break
        status, action, reason = passed_over[candidate.participant_id]
        # Passed over, in rank order and with the reason on record: still verifiable.
        candidate.status = status
        candidate.reason = reason
        candidate.status_changed_at = now
        candidate.save(update_fields=["status", "reason", "status_changed_at"])
        _event(draw=draw, action=action, result=candidate, actor=actor, now=now, note=reason)
    candidate.status = ResultStatus.NOTIFIED
    candidate.awarded_at = now
    candidate.claim_deadline = now + timedelta(days=draw.claim_window_days)
    candidate.replaces = replaced
    candidate.status_changed_at = now
    candidate.save(
        update_fields=["status", "awarded_at", "claim_deadline", "replaces", "status_changed_at"]
    )
    _event(
        draw=draw,
        action=Action.PROMOTED,
        result=candidate,
        actor=actor,
        now=now,
        note=_("Rank %(rank)s takes the prize of rank %(replaced)s.")
        % {"rank": candidate.rank, "replaced": replaced.rank},
    )
    participant = Participant.objects.only("pk", "time_zone").get(pk=candidate.participant_id)
    notice = _award_notice(result=candidate, draw=draw, participant=participant, now=now)
    notice.save()
    notice_ids.append(notice.pk)
    return notice_ids


def _result_close(*, result, status, reason, action, now, draw, actor=None):
    """Take the prize from ``result`` (forfeit or disqualification) and pass it on."""
    was_holding = result.holds_prize
    result.status = status
    result.reason = reason
    result.status_changed_at = now
    result.save(update_fields=["status", "reason", "status_changed_at"])
    _event(draw=draw, action=action, result=result, actor=actor, now=now, note=reason)
    if not was_holding:
        return []
    return _promote_next(draw=draw, replaced=result, now=now, actor=actor)


def _finish_if_done(*, draw, now):
    """Drawn → finished once no prize is waiting for a claim or for shipping."""
    if draw.state != DrawState.DRAWN:
        return
    if draw.results.filter(status__in=(ResultStatus.NOTIFIED, ResultStatus.CLAIMED)).exists():
        return
    draw.state = DrawState.FINISHED
    draw.finished_at = now
    draw.save(update_fields=["state", "finished_at", "updated_at"])
    _event(draw=draw, action=Action.FINISHED, now=now)


def result_forfeit(*, result, now=None):
    """A winner missed the claim deadline: the prize passes on. Safe to run twice."""
    now = now or timezone.now()
    with transaction.atomic():
        draw = _lock_draw(result.draw_id)
        result = DrawResult.objects.select_for_update().get(pk=result.pk)
        if result.status != ResultStatus.NOTIFIED or result.claim_deadline >= now:
            return []
        notice_ids = _result_close(
            result=result,
            status=ResultStatus.FORFEITED,
            reason=_("Not claimed before %(deadline)s.")
            % {"deadline": date_format(result.claim_deadline, "j M Y, H:i e")},
            action=Action.FORFEITED,
            now=now,
            draw=draw,
        )
        _finish_if_done(draw=draw, now=now)
    return notice_ids


def results_forfeit_due(*, now):
    """Every prize whose claim deadline has passed: forfeit it and promote an alternate."""
    due = DrawResult.objects.filter(
        status=ResultStatus.NOTIFIED, claim_deadline__lt=now
    ).values_list("pk", "draw_id")
    notice_ids = []
    for result_id, draw_id in list(due):
        notice_ids += result_forfeit(result=DrawResult(pk=result_id, draw_id=draw_id), now=now)
    return notice_ids


def result_disqualify(*, result, actor, reason, now=None):
    """Staff take a prize (or an alternate's place) away, with a reason on record."""
    now = now or timezone.now()
    reason = " ".join((reason or "").split())
    if not reason:
        raise RewardsError(_("Give a reason for the disqualification."), field="reason")
    with transaction.atomic():
        draw = _lock_draw(result.draw_id)
        result = DrawResult.objects.select_for_update().get(pk=result.pk)
        if result.status not in (ResultStatus.WAITING, ResultStatus.NOTIFIED, ResultStatus.CLAIMED):
            raise RewardsError(
                _("A result that is %(status)s cannot be disqualified.")
                % {"status": result.get_status_display().lower()}
            )
        notice_ids = _result_close(
            result=result,
            status=ResultStatus.DISQUALIFIED,
            reason=reason,
            action=Action.DISQUALIFIED,
            now=now,
            draw=draw,
            actor=actor,
        )
        _finish_if_done(draw=draw, now=now)
    return notice_ids


def results_release_for_deleted_account(*, participant_ids, now):
    """A person deleted their account: their prizes pass on and their address is erased.

    Prizes won but not yet shipped are forfeited (the next alternate is promoted); an
    alternate's place is given up; every claim loses its name, address and phone. Runs
    inside the deletion's transaction; returns the ids of the notices to email.
    """
    notice_ids = []
    results = DrawResult.objects.filter(participant_id__in=participant_ids)
    for draw_id in sorted(set(results.values_list("draw_id", flat=True))):
        draw = _lock_draw(draw_id)
        for result in results.filter(draw_id=draw_id).select_for_update().order_by("rank"):
            if result.status in (ResultStatus.WAITING, ResultStatus.NOTIFIED, ResultStatus.CLAIMED):
                notice_ids += _result_close(
                    result=result,
                    status=ResultStatus.FORFEITED,
                    reason=_("The winner deleted their account."),
                    action=Action.FORFEITED,
                    now=now,
                    draw=draw,
                )
        _finish_if_done(draw=draw, now=now)
    Claim.objects.filter(result__participant_id__in=participant_ids).update(
        full_name="—",
        address_line1="—",
        address_line2="",
        city="—",
        region="",
        postal_code="",
        phone="—",
    )
    return notice_ids


def claim_reminders_due(*, now):
    """Notices for prizes whose claim deadline is less than two days away, once each."""
    due = DrawResult.objects.filter(
        status=ResultStatus.NOTIFIED,
        reminded_at__isnull=True,
        claim_deadline__gt=now,
        claim_deadline__lte=now + REMINDER_BEFORE,
    ).values_list("pk", flat=True)
    notice_ids = []
    for result_id in list(due):
        with transaction.atomic():
            if not DrawResult.objects.filter(pk=result_id, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue  # another beat or a retried task got here first
            result = DrawResult.objects.select_related("draw__prize", "participant").get(
                pk=result_id
            )
            notice, created = Notice.objects.get_or_create(
                participant=result.participant,
                key=f"draw-reminder:{result.pk}",
                defaults={
                    "title": _("Claim your %(prize)s before the deadline")
                    % {"prize": result.draw.prize.name},
                    "body": _("Your claim deadline is %(deadline)s. After it the prize passes on.")
                    % {"deadline": moment_text(result.claim_deadline, result.participant)},
                    "url": reverse("rewards:claim", args=[result.pk]),
                    "created_at": now,
                },
            )
            if created:
                notice_ids.append(notice.pk)
    return notice_ids


# Claims and fulfilment --------------------------------------------------------------------


def claim_submit(
    *,
    result,
    participant,
    full_name,
    address_line1,
    city,
    country,
    phone,
    address_line2="",
    region="",
    postal_code="",
    size_system="",
    shoe_size=None,
    now=None,
):
    """A winner claims their prize; submitting twice returns the first claim."""
    now = now or timezone.now()
    with transaction.atomic():
        draw = _lock_draw(result.draw_id)
        result = DrawResult.objects.select_for_update().get(pk=result.pk)
        if result.participant_id != participant.pk:
            raise RewardsError(_("This prize is not yours to claim."))
        existing = Claim.objects.filter(result=result).first()
        if existing:
            return existing
        if result.status != ResultStatus.NOTIFIED:
            raise RewardsError(_("This prize can no longer be claimed."))
        if now > result.claim_deadline:
            raise RewardsError(
                _("The claim deadline passed on %(deadline)s.")
                % {"deadline": moment_text(result.claim_deadline, participant)}
            )
        if draw.prize.needs_shoe_size:
            problem = sizes.shoe_size_problem(size_system, shoe_size)
            if problem:
                raise RewardsError(problem, field="shoe_size")
        else:
            size_system, shoe_size = "", None
        if draw.eligible_countries and country not in draw.eligible_countries:
            raise RewardsError(
                _("This prize can only be shipped to an eligible country."), field="country"
            )
        problems = addresses.address_problems(
            country=str(country), region=region, postal_code=postal_code
        )
        if problems:
            raise RewardsError(problems[0][1], field=problems[0][0])
        claim = Claim.objects.create(
            result=result,
            size_system=size_system,
            shoe_size=shoe_size,
            full_name=full_name,
            address_line1=address_line1,
            address_line2=address_line2,
            city=city,
            region=region,
            postal_code=addresses.normalise_postal_code(str(country), postal_code),
            country=country,
            phone=phone,
            submitted_at=now,
        )
        result.status = ResultStatus.CLAIMED
        result.status_changed_at = now
        result.save(update_fields=["status", "status_changed_at"])
        _event(draw=draw, action=Action.CLAIMED, result=result, actor=participant.user, now=now)
    return claim


def result_mark_shipped(*, result, actor, tracking, now=None):
    now = now or timezone.now()
    tracking = tracking.strip()
    if not tracking:
        raise RewardsError(_("Enter the tracking number or a note on how it was sent."))
    with transaction.atomic():
        draw = _lock_draw(result.draw_id)
        result = DrawResult.objects.select_for_update().get(pk=result.pk)
        if result.status == ResultStatus.SHIPPED:
            return result
        if result.status != ResultStatus.CLAIMED:
            raise RewardsError(_("Only a claimed prize can be marked shipped."))
        result.status = ResultStatus.SHIPPED
        result.tracking = tracking
        result.shipped_at = now
        result.status_changed_at = now
        result.save(update_fields=["status", "tracking", "shipped_at", "status_changed_at"])
        _event(draw=draw, action=Action.SHIPPED, result=result, actor=actor, now=now, note=tracking)
        _finish_if_done(draw=draw, now=now)
    return result


def fulfilment_export_record(*, draw, actor, now=None):
    """The audit trail says who took the shipping addresses out, and when."""
    return _event(draw=draw, action=Action.EXPORTED, actor=actor, now=now or timezone.now())
