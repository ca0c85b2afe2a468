"""Winners, alternates and forfeits: who holds a prize, and who it passes to."""

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from notifications.models import EmailPolicy, Notice
from programme.models import Participant
from programme.selectors import moment_text

from ..errors import RewardsError
from ..models import (
    Claim,
    DrawResult,
    DrawState,
    ResultStatus,
)
from ..selectors import prizes_held_elsewhere
from .audit import Action, draw_lock, event_record

REMINDER_BEFORE = timedelta(days=2)


# Winners, alternates and forfeits --------------------------------------------------------


def award_notice(*, result, draw, participant, now):
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
        email=EmailPolicy.ALWAYS,
        # The email shows the deadline again, in the winner's zone at the time it is sent.
        data={"deadline": result.claim_deadline.isoformat()},
    )


def pass_over_reason(*, draw, participant_ids):
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
            prizes_held_elsewhere(draw)
            .filter(participant_id__in=ids)
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


def promote_next(*, draw, replaced, now, actor=None):
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
            event_record(draw=draw, action=Action.UNAWARDED, result=replaced, actor=actor, now=now)
            return notice_ids
        passed_over = pass_over_reason(draw=draw, participant_ids=[candidate.participant_id])
        if candidate.participant_id not in passed_over:
            break
        status, action, reason = passed_over[candidate.participant_id]
        # Passed over, in rank order and with the reason on record: still verifiable.
        candidate.status = status
        candidate.reason = reason
        candidate.status_changed_at = now
        candidate.save(update_fields=["status", "reason", "status_changed_at"])
        event_record(draw=draw, action=action, result=candidate, actor=actor, now=now, note=reason)
    candidate.status = ResultStatus.NOTIFIED
    candidate.awarded_at = now
    candidate.claim_deadline = now + timedelta(days=draw.claim_window_days)
    candidate.replaces = replaced
    candidate.status_changed_at = now
    candidate.save(
        update_fields=["status", "awarded_at", "claim_deadline", "replaces", "status_changed_at"]
    )
    event_record(
        draw=draw,
        action=Action.PROMOTED,
        result=candidate,
        actor=actor,
        now=now,
        note=_("Rank %(rank)s takes the prize of rank %(replaced)s.")
        % {"rank": candidate.rank, "replaced": replaced.rank},
    )
    participant = Participant.objects.only("pk", "time_zone").get(pk=candidate.participant_id)
    notice = award_notice(result=candidate, draw=draw, participant=participant, now=now)
    notice.save()
    notice_ids.append(notice.pk)
    return notice_ids


def result_close(*, result, status, reason, action, now, draw, actor=None):
    """Take the prize from ``result`` (forfeit or disqualification) and pass it on."""
    was_holding = result.holds_prize
    result.status = status
    result.reason = reason
    result.status_changed_at = now
    result.save(update_fields=["status", "reason", "status_changed_at"])
    event_record(draw=draw, action=action, result=result, actor=actor, now=now, note=reason)
    if not was_holding:
        return []
    return promote_next(draw=draw, replaced=result, now=now, actor=actor)


def finish_if_done(*, draw, now):
    """Drawn → finished once no prize is waiting for a claim or for shipping."""
    if draw.state != DrawState.DRAWN:
        return
    if draw.results.filter(status__in=(ResultStatus.NOTIFIED, ResultStatus.CLAIMED)).exists():
        return
    draw.state = DrawState.FINISHED
    draw.finished_at = now
    draw.save(update_fields=["state", "finished_at", "updated_at"])
    event_record(draw=draw, action=Action.FINISHED, now=now)


def result_forfeit(*, result, now=None):
    """A winner missed the claim deadline: the prize passes on. Safe to run twice."""
    now = now or timezone.now()
    with transaction.atomic():
        draw = draw_lock(result.draw_id)
        result = DrawResult.objects.select_for_update().get(pk=result.pk)
        if result.status != ResultStatus.NOTIFIED or result.claim_deadline >= now:
            return []
        notice_ids = result_close(
            result=result,
            status=ResultStatus.FORFEITED,
            reason=_("Not claimed before %(deadline)s.")
            % {"deadline": date_format(result.claim_deadline, "j M Y, H:i e")},
            action=Action.FORFEITED,
            now=now,
            draw=draw,
        )
        finish_if_done(draw=draw, now=now)
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
        draw = draw_lock(result.draw_id)
        result = DrawResult.objects.select_for_update().get(pk=result.pk)
        if not result.is_open:
            raise RewardsError(
                _("A result that is %(status)s cannot be disqualified.")
                % {"status": result.get_status_display().lower()}
            )
        notice_ids = result_close(
            result=result,
            status=ResultStatus.DISQUALIFIED,
            reason=reason,
            action=Action.DISQUALIFIED,
            now=now,
            draw=draw,
            actor=actor,
        )
        finish_if_done(draw=draw, now=now)
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
        draw = draw_lock(draw_id)
        for result in results.filter(draw_id=draw_id).select_for_update().order_by("rank"):
            if result.is_open:
                notice_ids += result_close(
                    result=result,
                    status=ResultStatus.FORFEITED,
                    reason=_("The winner deleted their account."),
                    action=Action.FORFEITED,
                    now=now,
                    draw=draw,
                )
        finish_if_done(draw=draw, now=now)
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
                    "email": EmailPolicy.IF_SUBSCRIBED,
                    "data": {"deadline": result.claim_deadline.isoformat()},
                },
            )
            if created:
                notice_ids.append(notice.pk)
    return notice_ids
