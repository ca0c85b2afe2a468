"""The one place where a level is completed or taken back, and the numbers kept beside it."""

from django.db.models import Count, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.personal_pages import personal_pages_changed
from notifications.models import Notice

from ..activities import activity_kinds
from ..models import Level, LevelCompletion, Participant, ReviewStatus, Run, WeeklyTally


def participant_lock(participant):
    """Serialise activity changes per participant, so two requests cannot race the tallies.

    Call inside ``transaction.atomic``; returns the locked row with its programme. Only the
    participant's row is locked (``of``): locking the joined programme row too would queue
    every activity change of a programme behind every other, and behind each draw step.
    """
    return (
        Participant.objects.select_for_update(of=("self",))
        .select_related("programme")
        .get(pk=participant.pk)
    )


def level_progress_refresh(*, participant, level, now):
    """Recount the week's counted activity, then record or withdraw the level's completion.

    Called inside the transaction of every activity change (runs, sessions, reviews, goal
    edits): fills the WeeklyTally from counted runs and from every registered activity kind
    (foot-strength sessions), then refreshes the participant's maintained totals.
    Returns the week's WeeklyTally as written.
    """
    # Its tallies and totals change below by set-based statements that send no signals.
    personal_pages_changed(participant_id=participant.pk)
    week = _week_figures(participant, level)
    completion_id = week.pop("completion_id")
    counts = {field: value or 0 for field, value in week.items()}
    # One INSERT … ON CONFLICT DO UPDATE (update_or_create takes a savepoint, a locking
    # SELECT and then an UPDATE: four statements on every activity change).
    fields = {**counts, "leaderboard_opt_in": participant.leaderboard_opt_in}
    (tally,) = WeeklyTally.objects.bulk_create(
        [WeeklyTally(participant=participant, level=level, **fields)],
        update_conflicts=True,
        unique_fields=["participant", "level"],
        update_fields=list(fields),
    )
    met = level.goals_met(
        runs=counts["run_count"],
        distance_m=counts["distance_m"],
        sessions=counts.get("session_count", 0),
    )
    if met and completion_id is None:
        LevelCompletion.objects.create(
            participant=participant, level=level, completed_at=now, tickets=level.tickets
        )
        Notice.objects.get_or_create(
            participant=participant,
            key=f"level-completed:{level.pk}",
            defaults={
                "title": _("You completed week %(number)s!") % {"number": level.number},
                "body": ngettext(
                    "You earned %(tickets)s draw ticket.",
                    "You earned %(tickets)s draw tickets.",
                    level.tickets,
                )
                % {"tickets": level.tickets},
                "url": reverse("programme:level", args=[level.number]),
                "created_at": now,
            },
        )
    elif not met and completion_id is not None and not _completions_locked(level):
        LevelCompletion.objects.filter(pk=completion_id).delete()
        Notice.objects.filter(participant=participant, key=f"level-completed:{level.pk}").delete()
    participant_totals_refresh(participant=participant)
    return tally


def _week_figures(participant, level):
    """The week's counted runs and distance, each activity kind's count and the completion's
    id (or None), in one SELECT of scalar subqueries: this runs on every activity change."""

    def scalar(queryset, value):
        return Subquery(queryset.values("participant_id").annotate(value=value).values("value"))

    runs = Run.objects.filter(participant=participant, level=level, status=ReviewStatus.COUNTED)
    figures = {
        "run_count": scalar(runs, Count("pk")),
        "distance_m": scalar(runs, Sum("distance_m")),
        **{
            kind.tally_field: scalar(
                kind.model.objects.filter(participant=participant, level=level), Count("pk")
            )
            for kind in activity_kinds()
        },
        "completion_id": Subquery(
            LevelCompletion.objects.filter(participant=participant, level=level).values("pk")
        ),
    }
    return Participant.objects.filter(pk=participant.pk).values(**figures).get()


def _completions_locked(level):
    """Whether a draw's entries have closed over ``level``, read under the level's row lock.

    A draw closing its entries right now holds that lock until its snapshot commits, so a
    completion it counted is never withdrawn behind its back. Only this rare path waits.
    """
    return (
        Level.objects.select_for_update()
        .filter(pk=level.pk)
        .values_list("completions_locked_at", flat=True)
        .get()
        is not None
    )


def participant_totals_refresh(*, participant):
    """Keep the leaderboard's and the draw's numbers on the participant row (one UPDATE)."""

    def total(model, field):
        sums = (
            model.objects.filter(participant_id=participant.pk)
            .values("participant_id")
            .annotate(total=Sum(field))
            .values("total")
        )
        return Coalesce(Subquery(sums), 0)

    Participant.objects.filter(pk=participant.pk).update(
        total_distance_m=total(WeeklyTally, "distance_m"),
        tickets=total(LevelCompletion, "tickets"),
    )
