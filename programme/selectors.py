"""Reads for the programme pages. Each returns plain data for a template, in few queries."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Prefetch, Q

from . import uploads as uploads_module
from . import weeks
from .models import (
    ActivityUpload,
    Level,
    LevelCompletion,
    Notice,
    Participant,
    Programme,
    ReviewStatus,
    Run,
    UploadState,
    WeeklyTally,
)


def active_programme():
    return Programme.objects.active().first()


def landing_for(programme):
    """What the public landing and rules pages show of a programme (or of none yet)."""
    if programme is None:
        return {"programme": None, "levels": []}
    levels = list(Level.objects.filter(programme=programme).order_by("number"))
    return {"programme": programme, "levels": levels}


def participant_for(user, programme=None):
    """The user's participation in ``programme`` (default: the active one), in one query."""
    if not user.is_authenticated:
        return None
    participants = Participant.objects.select_related("programme", "user").filter(user=user)
    if programme is None:
        return participants.filter(programme__is_active=True).first()
    return participants.filter(programme=programme).first()


@dataclass
class GoalProgress:
    label: str
    done: int
    target: int
    done_text: str
    target_text: str

    @property
    def percent(self):
        return min(100, round(100 * self.done / self.target)) if self.target else 100

    @property
    def met(self):
        return self.done >= self.target


@dataclass
class LevelState:
    level: Level
    starts_at: object
    ends_at: object
    is_open: bool
    is_current: bool
    tally: WeeklyTally | None
    completion: LevelCompletion | None

    @property
    def number(self):
        return self.level.number


def goal_progress(level, tally, units):
    from django.utils.translation import gettext as _

    from core.units import format_distance

    runs = tally.run_count if tally else 0
    distance = tally.distance_m if tally else 0
    sessions = tally.session_count if tally else 0
    goals = []
    if level.goal_runs:
        goals.append(
            GoalProgress(_("Runs"), runs, level.goal_runs, str(runs), str(level.goal_runs))
        )
    if level.goal_distance_m:
        goals.append(
            GoalProgress(
                _("Distance"),
                distance,
                level.goal_distance_m,
                format_distance(distance, units),
                format_distance(level.goal_distance_m, units),
            )
        )
    if level.goal_sessions:
        goals.append(
            GoalProgress(
                _("Foot-strength sessions"),
                sessions,
                level.goal_sessions,
                str(sessions),
                str(level.goal_sessions),
            )
        )
    return goals


def level_states(participant, now):
    """Every level with its window, open/current flags, the participant's tally and completion."""
    programme = participant.programme
    levels = list(programme.levels.all())
    tallies = {t.level_id: t for t in WeeklyTally.objects.filter(participant=participant)}
    completions = {c.level_id: c for c in LevelCompletion.objects.filter(participant=participant)}
    states = []
    for level, starts, ends in weeks.level_windows(programme, levels):
        states.append(
            LevelState(
                level=level,
                starts_at=starts,
                ends_at=ends,
                is_open=level.is_open(now),
                is_current=starts <= now < ends,
                tally=tallies.get(level.pk),
                completion=completions.get(level.pk),
            )
        )
    return states


def streak_days(participant, now):
    """Consecutive days with a run or a session, ending today or yesterday (participant's zone)."""
    from exercises.models import StrengthSession

    since = now - timedelta(days=60)
    moments = list(
        Run.objects.filter(participant=participant, started_at__gte=since)
        .exclude(status=ReviewStatus.REJECTED)
        .values_list("started_at", flat=True)
    )
    moments += list(
        StrengthSession.objects.filter(
            participant=participant, performed_at__gte=since
        ).values_list("performed_at", flat=True)
    )
    days = {moment.astimezone(participant.tz).date() for moment in moments}
    day = now.astimezone(participant.tz).date()
    if day not in days:
        day -= timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    return streak


def dashboard_for(participant, now):
    states = level_states(participant, now)
    current = next((s for s in states if s.is_current), None)
    if current is None:
        opened = [s for s in states if s.is_open]
        current = opened[-1] if opened else None
    upcoming = [s for s in states if not s.is_open]
    recent_runs = list(Run.objects.filter(participant=participant).order_by("-started_at")[:5])
    return {
        "participant": participant,
        "states": states,
        "current": current,
        "goals": goal_progress(current.level, current.tally, participant.units) if current else [],
        "next_locked": upcoming[0] if upcoming else None,
        "locked": upcoming,
        "tickets": sum(s.completion.tickets for s in states if s.completion),
        "completed_count": sum(1 for s in states if s.completion),
        "streak": streak_days(participant, now),
        "recent_runs": recent_runs,
        "chart": weekly_chart(states, participant.units),
        "unread_notices": Notice.objects.filter(
            participant=participant, read_at__isnull=True
        ).count(),
        "now": now,
    }


def weekly_chart(states, units, width=320, height=140):
    """Bars of counted distance per week, as numbers an SVG template can draw directly."""
    from core.units import format_distance

    values = [s.tally.distance_m if s.tally else 0 for s in states]
    top = max(values + [1])
    slot = width / max(len(values), 1)
    bars = []
    for state, value in zip(states, values, strict=True):
        bar_height = round((height - 20) * value / top)
        bars.append(
            {
                "number": state.number,
                "x": round((state.number - 1) * slot + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "y": height - 15 - bar_height,
                "height": bar_height,
                "label_x": round((state.number - 1) * slot + slot / 2, 1),
                "text": format_distance(value, units, 1),
            }
        )
    return {"width": width, "height": height, "bars": bars, "baseline": height - 15}


def level_detail_for(participant, number, now):
    """One level page: None when there is no such level in the programme."""
    states = level_states(participant, now)
    state = next((s for s in states if s.number == number), None)
    if state is None:
        return None
    routine = []
    if state.is_open:
        routine = list(
            state.level.routine_items.select_related("exercise").order_by("position", "pk")
        )
    return {
        "participant": participant,
        "state": state,
        "level": state.level,
        "goals": goal_progress(state.level, state.tally, participant.units),
        "routine": routine,
        "states": states,
        "now": now,
    }


def runs_for(participant):
    return (
        Run.objects.filter(participant=participant).select_related("level").order_by("-started_at")
    )


def run_for(participant, run_id):
    """One of the participant's own runs, or None (another's run is as good as absent)."""
    return (
        Run.objects.filter(participant=participant, pk=run_id)
        .select_related("level", "track", "upload")
        .first()
    )


def run_track_for(run, units):
    """The route sketch and splits of an imported run, or None for a run typed by hand."""
    from .sketch import route_sketch, splits_in_units

    track = getattr(run, "track", None)
    if track is None:
        return None
    return {
        "sketch": route_sketch(track.points),
        "splits": splits_in_units(track.splits_s, units),
        "point_count": track.point_count,
    }


def leaderboard_for(participant, *, scope, now, size=50):
    """Top ``size`` opted-in participants by distance this week or overall, and the viewer's rank.

    Both read an index: (level, -distance) on weekly tallies, or (programme, -total
    distance) on participants, filtered to opted-in rows.
    """
    programme = participant.programme
    if scope == "week":
        window = weeks.window_for(programme, list(programme.levels.all()), now)
        if window is None:
            return {"scope": scope, "rows": [], "me": None, "level": None}
        level = window[0]
        tallies = WeeklyTally.objects.filter(level=level, leaderboard_opt_in=True)
        top = list(
            tallies.select_related("participant").order_by("-distance_m", "participant_id")[:size]
        )
        rows = [(t.participant, t.distance_m) for t in top]
        mine = tallies.filter(participant=participant).first()
        my_distance = mine.distance_m if mine else None
        ahead = (
            tallies.filter(
                Q(distance_m__gt=my_distance)
                | Q(distance_m=my_distance, participant_id__lt=participant.pk)
            ).count()
            if mine
            else None
        )
    else:
        level = None
        opted_in = Participant.objects.filter(programme=programme, leaderboard_opt_in=True)
        rows = [
            (p, p.total_distance_m) for p in opted_in.order_by("-total_distance_m", "pk")[:size]
        ]
        my_distance = participant.total_distance_m if participant.leaderboard_opt_in else None
        ahead = (
            opted_in.filter(
                Q(total_distance_m__gt=my_distance)
                | Q(total_distance_m=my_distance, pk__lt=participant.pk)
            ).count()
            if my_distance is not None
            else None
        )
    me = {"rank": ahead + 1, "distance_m": my_distance} if ahead is not None else None
    return {
        "scope": scope,
        "level": level,
        "rows": [
            {"rank": index + 1, "participant": p, "distance_m": d, "is_me": p.pk == participant.pk}
            for index, (p, d) in enumerate(rows)
        ],
        "me": me,
    }


def notices_for(participant, limit=50):
    return list(Notice.objects.filter(participant=participant).order_by("-created_at")[:limit])


# Staff figures ----------------------------------------------------------------------


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
    from django.db.models import Count, Exists, OuterRef, Subquery, Sum
    from django.db.models.functions import Coalesce, TruncDate

    from exercises.models import StrengthSession

    def scalar(queryset, aggregate):
        """A correlated subquery yielding one aggregate per outer level."""
        return Coalesce(
            Subquery(queryset.order_by().values("level").annotate(n=aggregate).values("n")[:1]),
            0,
        )

    # Active in a week: a run that is not rejected, or a foot-strength session. Counted from
    # the week's activity (by the level foreign keys' indexes), not by visiting every
    # participant: runners, plus those who only did sessions.
    activity_runs = Run.objects.exclude(status=ReviewStatus.REJECTED)
    runners = activity_runs.filter(level=OuterRef("pk"))
    session_only = StrengthSession.objects.filter(level=OuterRef("pk")).exclude(
        Exists(activity_runs.filter(participant=OuterRef("participant"), level=OuterRef("level")))
    )
    levels = list(
        Level.objects.filter(programme=programme)
        .annotate(
            active_count=scalar(runners, Count("participant", distinct=True))
            + scalar(session_only, Count("participant", distinct=True)),
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


# Imports -------------------------------------------------------------------------------------

RECENT_UPLOADS = 20


def upload_progress_step(state):
    """0 queued, 1 reading, 2 finished: each file's own <progress max="2">."""
    if state == UploadState.QUEUED:
        return 0
    if state == UploadState.PARSING:
        return 1
    return 2


def recent_uploads_for(participant, limit=RECENT_UPLOADS):
    """The participant's latest uploads with the runs each made, in two queries."""
    runs = Prefetch("runs", queryset=Run.objects.order_by("started_at"))
    return list(
        ActivityUpload.objects.filter(participant=participant)
        .order_by("-created_at", "-pk")
        .prefetch_related(runs)[:limit]
    )


def batch_progress(uploads):
    """(finished, total) for the files of the latest batch among ``uploads``."""
    if not uploads:
        return 0, 0
    batch = [u for u in uploads if u.batch == uploads[0].batch]
    return sum(1 for u in batch if u.is_finished), len(batch)


def _upload_row(upload, participant):
    """One upload as the import page and its status JSON both show it."""
    from django.urls import reverse
    from django.utils.formats import date_format

    from core.units import format_distance

    return {
        "id": upload.pk,
        "name": upload.original_name,
        "state": upload.state,
        "state_label": str(upload.get_state_display()),
        "step": upload_progress_step(upload.state),
        "finished": upload.is_finished,
        "message": upload.message,
        "runs": [
            {
                "url": reverse("programme:run", args=[run.pk]),
                "label": "{} · {}".format(
                    format_distance(run.distance_m, participant.units),
                    date_format(run.started_at.astimezone(participant.tz), "D j M Y, H:i"),
                ),
                "status": run.status,
                "status_label": str(run.get_status_display()),
            }
            for run in upload.runs.all()
        ],
    }


def import_page_for(participant, now):
    from .services import upload_counts

    uploads = recent_uploads_for(participant)
    finished, total = batch_progress(uploads)
    today, all_time = upload_counts(participant=participant, now=now)
    return {
        "participant": participant,
        "uploads": [(upload, _upload_row(upload, participant)) for upload in uploads],
        "batch_finished": finished,
        "batch_total": total,
        "pending": any(not u.is_finished for u in uploads),
        "uploads_today": today,
        "uploads_total": all_time,
        "limits": {
            "files": uploads_module.MAX_FILES_PER_REQUEST,
            "file_mb": uploads_module.MAX_FILE_BYTES // uploads_module.MEGABYTE,
            "request_mb": uploads_module.MAX_REQUEST_BYTES // uploads_module.MEGABYTE,
            "per_day": uploads_module.UPLOADS_PER_DAY,
            "max": uploads_module.UPLOADS_MAX,
            "retention_days": settings.ACTIVITY_FILE_RETENTION_DAYS,
        },
    }


def import_status_for(participant):
    """The JSON the import page polls: its recent uploads' states, the participant's only."""
    uploads = recent_uploads_for(participant)
    finished, total = batch_progress(uploads)
    return {
        "pending": any(not u.is_finished for u in uploads),
        "batch": {"finished": finished, "total": total},
        "uploads": [_upload_row(upload, participant) for upload in uploads],
    }
