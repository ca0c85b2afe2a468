"""The staff figures page's numbers, aggregated in SQL."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate

from . import weeks
from .activities import activity_kinds
from .models import Level, LevelCompletion, Participant, Programme, ReviewStatus, Run, WeeklyTally


@dataclass
class WeekFigures:
    level: Level
    starts_at: object
    ends_at: object
    is_current: bool
    active: int  # participants with any run (not rejected) or session in the week
    completed: int  # participants who completed the level
    distance_m: int  # counted distance in the week

    @property
    def number(self):
        return self.level.number


@dataclass
class Figures:
    programme: Programme
    now: object
    participant_count: int
    total_distance_m: int
    held_runs: int
    signups_per_day: list  # [(date in the programme's zone, count)], days without sign-ups as 0
    weeks: list  # [WeekFigures] in week order

    @property
    def current_week(self):
        return next((week for week in self.weeks if week.is_current), None)

    @property
    def active_this_week(self):
        week = self.current_week
        return week.active if week else 0


def figures_for(programme, now):
    """Participation figures of ``programme`` for the staff figures page.

    Every number is aggregated in SQL, so the page makes the same few queries for ten
    participants or a million: one for the weeks (from the maintained weekly tallies and
    completions), one for sign-ups per day, one for the count, one for runs held for review.
    """

    def scalar(queryset, aggregate):
        """A correlated subquery yielding one aggregate per outer level."""
        return Coalesce(
            Subquery(queryset.order_by().values("level").annotate(n=aggregate).values("n")[:1]),
            0,
        )

    # Active in a week: a run that is not rejected, or any registered activity (foot-strength
    # sessions). Counted from the week's activity (by the level foreign keys' indexes), not
    # by visiting every participant: runners, plus for each other kind those who did it but
    # nothing counted before it, so nobody is counted twice.
    counted_before = [Run.objects.exclude(status=ReviewStatus.REJECTED)]
    active = scalar(
        counted_before[0].filter(level=OuterRef("pk")), Count("participant", distinct=True)
    )
    for kind in activity_kinds():
        only_this = kind.model.objects.filter(level=OuterRef("pk"))
        for earlier in counted_before:
            only_this = only_this.exclude(
                Exists(earlier.filter(participant=OuterRef("participant"), level=OuterRef("level")))
            )
        active += scalar(only_this, Count("participant", distinct=True))
        counted_before.append(kind.model.objects.all())
    levels = list(
        Level.objects.filter(programme=programme)
        .annotate(
            active_count=active,
            completed_count=scalar(
                LevelCompletion.objects.filter(level=OuterRef("pk")), Count("pk")
            ),
            distance=scalar(WeeklyTally.objects.filter(level=OuterRef("pk")), Sum("distance_m")),
        )
        .order_by("number")
    )
    weeks_figures = [
        WeekFigures(
            level=level,
            starts_at=starts,
            ends_at=ends,
            is_current=starts <= now < ends,
            active=level.active_count,
            completed=level.completed_count,
            distance_m=level.distance,
        )
        for level, starts, ends in weeks.level_windows(programme, levels)
    ]

    per_day = dict(
        Participant.objects.filter(programme=programme)
        .annotate(day=TruncDate("created_at", tzinfo=programme.tz))
        .order_by("day")
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    signups = []
    if per_day:
        today = now.astimezone(programme.tz).date()
        last_day = max(max(per_day), min(today, programme.logging_closes_at.date()))
        day = min(per_day)
        while day <= last_day:
            signups.append((day, per_day.get(day, 0)))
            day += timedelta(days=1)

    participant_count = Participant.objects.filter(programme=programme).count()
    held = Run.objects.filter(participant__programme=programme, status=ReviewStatus.HELD).count()
    return Figures(
        programme=programme,
        now=now,
        participant_count=participant_count,
        total_distance_m=sum(week.distance_m for week in weeks_figures),
        held_runs=held,
        signups_per_day=signups,
        weeks=weeks_figures,
    )
