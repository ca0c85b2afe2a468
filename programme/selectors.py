"""Reads for the programme pages. Each returns plain data for a template, in few queries."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils.formats import date_format
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.units import format_distance, from_metres

from . import weeks
from .activities import activity_kinds, page_parts
from .charts import weekly_chart
from .models import Level, LevelCompletion, Participant, Programme, ReviewStatus, Run, WeeklyTally


def active_programme():
    return Programme.objects.active().first()


def loggable_levels(programme, now):
    """The levels activity can still count toward at ``now``: opened, logging not closed yet.

    Usually one; two in the days after a week ends, while its logging is still open.
    """
    levels = list(Level.objects.filter(programme=programme))
    return [
        level
        for level, starts, ends in weeks.level_windows(programme, levels)
        if starts <= now < weeks.logging_closes_at(programme, ends)
    ]


@dataclass
class LandingWeek:
    level: Level
    starts_at: object
    ends_at: object
    is_open: bool
    is_current: bool


def landing_for(programme, now):
    """What the public landing and rules pages show of a programme (or of none yet).

    ``join_by`` is the last moment a newcomer can still earn draw tickets: the end of the
    last week that gives tickets, since a level is completed by activity inside its week
    (programme.services.progress). A week whose completions a draw has locked
    (``completions_locked_at``, set when a draw closes its entries) no longer counts.
    """
    if programme is None:
        return {"programme": None, "levels": [], "weeks": [], "current_week": None}
    levels = list(Level.objects.filter(programme=programme).order_by("number"))
    landing_weeks = [
        LandingWeek(level, starts, ends, level.is_open(now), starts <= now < ends)
        for level, starts, ends in weeks.level_windows(programme, levels)
    ]
    ticket_weeks = [
        week
        for week in landing_weeks
        if week.level.tickets and week.level.completions_locked_at is None and now < week.ends_at
    ]
    return {
        "programme": programme,
        "levels": levels,
        "weeks": landing_weeks,
        "current_week": next((week for week in landing_weeks if week.is_current), None),
        "has_started": now >= programme.starts_at,
        "has_ended": now >= programme.ends_at,
        "join_by": ticket_weeks[-1].ends_at if ticket_weeks else None,
    }


def participant_for(user, programme=None):
    """The user's participation in ``programme`` (default: the active one), in one query."""
    if not user.is_authenticated:
        return None
    participants = Participant.objects.select_related("programme").filter(user=user)
    if programme is None:
        participant = participants.filter(programme__is_active=True).first()
    else:
        participant = participants.filter(programme=programme).first()
    if participant is not None:
        participant.user = user  # already loaded: no join for it
    return participant


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
    logging_closes_at: object = None
    is_over: bool = False  # the week has ended (its runs may still be logged until closing)
    is_closed: bool = False  # its logging has closed: nothing more can count
    closing_text: str = ""  # what a week that is over says: closed, or how long is left

    @property
    def number(self):
        return self.level.number

    @property
    def can_still_count(self):
        """Open, and activity logged now for this week may still count."""
        return self.is_open and not self.is_closed


def moment_text(moment, participant):
    """A moment as the participant reads it: their own zone, e.g. "24 Mar 2026, 07:00"."""
    return date_format(moment.astimezone(participant.tz), "j M Y, H:i")


def run_describe(run, participant):
    return _("the run of %(distance)s at %(moment)s") % {
        "distance": format_distance(run.distance_m, participant.units),
        "moment": moment_text(run.started_at, participant),
    }


def goal_progress(level, tally, units):
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


def _time_left(moment, now):
    """ "4 days", "5 hours": the largest unit only, as a runner reads a deadline."""
    return timeuntil(moment, now, depth=1)


def _closing_text(state, participant, now):
    """What a week that is over says: how it closed, or how long its runs may still be logged."""
    if not state.is_over:
        return ""
    if state.is_closed:
        if state.completion:
            return ngettext(
                "Closed: completed, %(tickets)s draw ticket earned.",
                "Closed: completed, %(tickets)s draw tickets earned.",
                state.completion.tickets,
            ) % {"tickets": state.completion.tickets}
        goals = goal_progress(state.level, state.tally, participant.units)
        if not goals:
            return _("Closed.")
        return _("Closed: %(met)s of %(count)s goals met.") % {
            "met": sum(1 for goal in goals if goal.met),
            "count": len(goals),
        }
    return _("This week is over: %(left)s left to log its runs (until %(closes)s).") % {
        "left": _time_left(state.logging_closes_at, now),
        "closes": moment_text(state.logging_closes_at, participant),
    }


def level_states(participant, now):
    """Every level with its window, open/current/over/closed flags, the participant's tally
    and completion."""
    programme = participant.programme
    levels = list(programme.levels.all())
    tallies = {t.level_id: t for t in WeeklyTally.objects.filter(participant=participant)}
    completions = {c.level_id: c for c in LevelCompletion.objects.filter(participant=participant)}
    states = []
    for level, starts, ends in weeks.level_windows(programme, levels):
        closes = weeks.logging_closes_at(programme, ends)
        state = LevelState(
            level=level,
            starts_at=starts,
            ends_at=ends,
            is_open=level.is_open(now),
            is_current=starts <= now < ends,
            tally=tallies.get(level.pk),
            completion=completions.get(level.pk),
            logging_closes_at=closes,
            is_over=ends <= now,
            is_closed=closes <= now,
        )
        state.closing_text = _closing_text(state, participant, now)
        states.append(state)
    return states


def week_left_text(state, participant, now):
    """One sentence on what is left of ``state``'s week to earn its tickets, or "".

    E.g. "1 more session and 4 days left to earn 2 tickets".
    """
    level = state.level
    if not level.has_goals or state.is_over:
        return ""
    if state.completion:
        return ngettext(
            "Week complete: %(tickets)s draw ticket earned.",
            "Week complete: %(tickets)s draw tickets earned.",
            state.completion.tickets,
        ) % {"tickets": state.completion.tickets}
    tally = state.tally
    runs = tally.run_count if tally else 0
    distance = tally.distance_m if tally else 0
    sessions = tally.session_count if tally else 0
    missing = []
    if level.goal_runs and runs < level.goal_runs:
        count = level.goal_runs - runs
        missing.append(
            ngettext("%(count)s more run", "%(count)s more runs", count) % {"count": count}
        )
    if level.goal_distance_m and distance < level.goal_distance_m:
        missing.append(
            _("%(distance)s more")
            % {"distance": format_distance(level.goal_distance_m - distance, participant.units, 1)}
        )
    if level.goal_sessions and sessions < level.goal_sessions:
        count = level.goal_sessions - sessions
        missing.append(
            ngettext("%(count)s more session", "%(count)s more sessions", count) % {"count": count}
        )
    return ngettext(
        "%(missing)s and %(left)s left to earn %(tickets)s ticket",
        "%(missing)s and %(left)s left to earn %(tickets)s tickets",
        level.tickets,
    ) % {
        "missing": ", ".join(missing),
        "left": _time_left(state.ends_at, now),
        "tickets": level.tickets,
    }


def run_saved_text(run, participant, *, counted_before_m=0, tally=None):
    """What saving ``run`` changed in its week, e.g. "4.1 km added: 19.9 of 15.0 km, distance
    goal met", or "" when it changed nothing that counts (held for review, say).

    ``counted_before_m``: the distance this run already counted in the same week before an
    edit (0 for a new run). ``tally``: the week's tally as the save left it (the services
    hand it back); without it, one query reads it.
    """
    if run.status != ReviewStatus.COUNTED or run.level is None:
        return ""
    units = participant.units
    change = run.distance_m - counted_before_m
    if tally is None:
        tally = WeeklyTally.objects.filter(participant=participant, level=run.level).first()
    distance = tally.distance_m if tally else 0
    level = run.level
    if change > 0:
        said = _("%(distance)s added") % {"distance": format_distance(change, units, 1)}
    elif change < 0:
        said = _("%(distance)s taken off") % {"distance": format_distance(-change, units, 1)}
    else:
        said = _("Run saved")
    if level.goal_distance_m:
        standing = _("%(done)s of %(goal)s") % {
            "done": f"{from_metres(distance, units):.1f}",  # the goal after it names the unit
            "goal": format_distance(level.goal_distance_m, units, 1),
        }
        if distance >= level.goal_distance_m:
            standing += ", " + _("distance goal met")
        else:
            standing += ", " + _("%(left)s to go") % {
                "left": format_distance(level.goal_distance_m - distance, units, 1)
            }
    else:
        standing = _("%(done)s this week") % {"done": format_distance(distance, units, 1)}
    return _("%(said)s: %(standing)s.") % {"said": said, "standing": standing}


def session_saved_text(level, participant):
    """What a saved foot-strength session changed in its week, e.g. "Session saved: it counts
    towards week 2 (2 of 2 sessions, sessions goal met)." One query, for the week's tally."""
    tally = WeeklyTally.objects.filter(participant=participant, level=level).first()
    done = tally.session_count if tally else 0
    said = _("Session saved: it counts towards week %(number)s") % {"number": level.number}
    if not level.goal_sessions:
        return f"{said}."
    standing = _("%(done)s of %(goal)s sessions") % {"done": done, "goal": level.goal_sessions}
    if done >= level.goal_sessions:
        standing += ", " + _("sessions goal met")
    return _("%(said)s (%(standing)s).") % {"said": said, "standing": standing}


def streak_days(participant, now):
    """Consecutive days with any activity, ending today or yesterday (participant's zone)."""
    since = now - timedelta(days=60)
    moments = (
        Run.objects.filter(participant=participant, started_at__gte=since)
        .exclude(status=ReviewStatus.REJECTED)
        .values_list("started_at", flat=True)
        .order_by()
    )
    # Every kind's moments in the same query (UNION ALL): one round trip, whatever the kinds.
    # Unordered parts: SQLite refuses an ORDER BY (a model's default) inside a UNION.
    moments = moments.union(
        *(
            kind.model.objects.filter(
                participant=participant, **{f"{kind.moment_field}__gte": since}
            )
            .values_list(kind.moment_field, flat=True)
            .order_by()
            for kind in activity_kinds()
        ),
        all=True,
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
        "week_left": week_left_text(current, participant, now) if current else "",
        "parts": page_parts("dashboard", now, participant),
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
        "now": now,
    }


def level_detail_for(participant, number, now):
    """One level page: None when there is no such level in the programme."""
    states = level_states(participant, now)
    state = next((s for s in states if s.number == number), None)
    if state is None:
        return None
    return {
        "participant": participant,
        "state": state,
        "level": state.level,
        "goals": goal_progress(state.level, state.tally, participant.units),
        "parts": page_parts("level", state, participant),
        "states": states,
        "now": now,
    }


def runs_for(participant):
    return (
        Run.objects.filter(participant=participant).select_related("level").order_by("-started_at")
    )


def run_for(participant, run_id):
    """One of the participant's own runs, or None (another's run is as good as absent)."""
    return Run.objects.filter(participant=participant, pk=run_id).select_related("level").first()


def _count_ahead(farther, tied_before):
    """How many rank above: those farther, plus those as far with a smaller id (one query).

    A UNION ALL of two index range scans. Written as one filter with an OR, PostgreSQL reads
    every opted-in row of the board instead (7 ms rather than 1 ms at 66,000; bench/README.md).
    """
    return farther.values("pk").union(tied_before.values("pk"), all=True).count()


#: What the board shows of each of its 50 people: loading nothing more keeps a render cheap.
BOARD_FIELDS = ("display_name", "tickets")


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
            tallies.select_related("participant")
            .only(*(f"participant__{name}" for name in BOARD_FIELDS), "distance_m")
            .order_by("-distance_m", "participant_id")[:size]
        )
        rows = [(t.participant, t.distance_m) for t in top]
        mine = tallies.filter(participant=participant).first()
        my_distance = mine.distance_m if mine else None
        ahead = (
            _count_ahead(
                tallies.filter(distance_m__gt=my_distance),
                tallies.filter(distance_m=my_distance, participant_id__lt=participant.pk),
            )
            if mine
            else None
        )
    else:
        level = None
        opted_in = Participant.objects.filter(programme=programme, leaderboard_opt_in=True)
        rows = [
            (p, p.total_distance_m)
            for p in opted_in.only(*BOARD_FIELDS, "total_distance_m").order_by(
                "-total_distance_m", "pk"
            )[:size]
        ]
        my_distance = participant.total_distance_m if participant.leaderboard_opt_in else None
        ahead = (
            _count_ahead(
                opted_in.filter(total_distance_m__gt=my_distance),
                opted_in.filter(total_distance_m=my_distance, pk__lt=participant.pk),
            )
            if my_distance is not None
            else None
        )
    me = {"rank": ahead + 1, "distance_m": my_distance} if ahead is not None else None

    # Ranks count every run, but other people's distances are not shown: a run synced from
    # Strava may be shown only to its owner (Strava's API Agreement), so the board shows what
    # the programme derives — goal progress this week, tickets overall.
    def shared_figure(p, distance_m):
        if scope != "week":
            return p.tickets
        goal = level.goal_distance_m
        return min(999, round(100 * distance_m / goal)) if goal else None

    return {
        "scope": scope,
        "level": level,
        "rows": [
            {
                "rank": index + 1,
                "participant": p,
                "shared_figure": shared_figure(p, d),
                "is_me": p.pk == participant.pk,
            }
            for index, (p, d) in enumerate(rows)
        ],
        "me": me,
    }


def staff_overview(*, now):
    """What the admin's home shows staff first: runs waiting for review, the next unlock and
    the programmes with figures. Three queries whatever the numbers."""
    return {
        "held_runs": Run.objects.filter(status=ReviewStatus.HELD).count(),
        "next_level": Level.objects.select_related("programme")
        .filter(unlocks_at__gt=now)
        .order_by("unlocks_at", "pk")
        .first(),
        "programmes": list(Programme.objects.order_by("-is_active", "-starts_on", "pk")[:5]),
    }


def week_before_shortened(level, *, was):
    """When ``level`` now unlocks earlier than ``was``, the week before it ends earlier too:
    that level, how much shorter its week is and how long it now lasts. None otherwise."""
    if was is None or level.unlocks_at >= was:
        return None
    previous = Level.objects.filter(programme_id=level.programme_id, number=level.number - 1)
    previous = previous.first()
    if previous is None:
        return None
    return {
        "previous": previous,
        "shortened_by": was - level.unlocks_at,
        "lasts": level.unlocks_at - previous.unlocks_at,
    }
