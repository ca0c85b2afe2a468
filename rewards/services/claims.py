"""Claims and fulfilment: a winner's address in, a parcel out."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import EmailPolicy, Notice
from programme.selectors import moment_text

from .. import addresses, sizes
from ..errors import RewardsError
from ..models import (
    Claim,
    DrawResult,
    ResultStatus,
)
from .audit import Action, draw_lock, event_record
from .results import finish_if_done

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
    """A winner claims their prize; submitting twice returns the first claim.

    The confirmation notice is written in the same transaction: the outbox entry of the
    confirmation email, which the caller queues (see ``claim_notice_key``).
    """
    now = now or timezone.now()
    with transaction.atomic():
        draw = draw_lock(result.draw_id)
        result = DrawResult.objects.select_for_update().get(pk=result.pk)
        if result.participant_id != participant.pk:
            raise RewardsError(_("This prize is not yours to claim."))
        existing = Claim.objects.filter(result=result).first()
        if existing:
            return existing
        if not result.is_claimable(now) and result.status != ResultStatus.NOTIFIED:
            raise RewardsError(_("This prize can no longer be claimed."))
        if not result.is_claimable(now):
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
        event_record(
            draw=draw, action=Action.CLAIMED, result=result, actor=participant.user, now=now
        )
        _claim_notice_write(claim=claim, result=result, draw=draw, participant=participant)
    return claim


def claim_notice_key(result):
    return f"claim-received:{result.pk}"


def _claim_notice_write(*, claim, result, draw, participant):
    Notice.objects.create(
        participant=participant,
        key=claim_notice_key(result),
        title=_("We have your claim: %(prize)s") % {"prize": draw.prize.name},
        body=_(
            "Thank you! Your prize will be sent to %(name)s in %(city)s, %(country)s. "
            "We will tell you when it is on its way."
        )
        % {"name": claim.full_name, "city": claim.city, "country": claim.country.name},
        url=reverse("rewards:claim", args=[result.pk]),
        created_at=claim.submitted_at,
        email=EmailPolicy.ALWAYS,
    )


def result_mark_shipped(*, result, actor, tracking, now=None):
    now = now or timezone.now()
    tracking = tracking.strip()
    if not tracking:
        raise RewardsError(_("Enter the tracking number or a note on how it was sent."))
    with transaction.atomic():
        draw = draw_lock(result.draw_id)
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
        event_record(
            draw=draw, action=Action.SHIPPED, result=result, actor=actor, now=now, note=tracking
        )
        finish_if_done(draw=draw, now=now)
    return result


def fulfilment_export_record(*, draw, actor, now=None):
    """The audit trail says who took the shipping addresses out, and when."""
    return event_record(draw=draw, action=Action.EXPORTED, actor=actor, now=now or timezone.now())
