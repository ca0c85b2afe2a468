"""The one lifecycle every activity change follows: runs here, sessions in exercises.

Lock the participant, find the week the activity falls in (refusing closed weeks), let the
caller write, then re-check every level the change touched, all in one transaction.
"""

from contextlib import contextmanager

from django.db import transaction
from django.utils.translation import gettext as _

from .. import weeks
from ..errors import ProgrammeError
from ..selectors import moment_text
from .progress import level_progress_refresh, participant_lock


def activity_week(*, participant, moment, now, field="started_at", level=None):
    """The level whose week ``moment`` falls in, or a ProgrammeError saying why there is none.

    Not in the future, not before the programme starts, not after it ends, not after the
    week's logging closed. ``field`` names the form field a refusal belongs to.

    ``level`` is the week the participant asked it to count toward (a session logged from
    week N's routine page): that week, when the activity was done after it opened and its
    logging is still open, even if the activity was done in the days after it ended.
    """
    programme = participant.programme
    if moment > now:
        raise ProgrammeError(_("That time is in the future."), field=field)
    levels = list(programme.levels.all())
    if level is not None:
        return _chosen_week(participant, levels, level, moment=moment, now=now, field=field)
    window = weeks.window_for(programme, levels, moment)
    if window is None:
        if levels and moment < min(level.unlocks_at for level in levels):
            raise ProgrammeError(
                _("The programme starts on %(start)s; activity before then does not count.")
                % {"start": moment_text(programme.starts_at, participant)},
                field=field,
            )
        raise ProgrammeError(
            _("The programme ended on %(end)s.")
            % {"end": moment_text(programme.ends_at, participant)},
            field=field,
        )
    level, _starts, ends = window
    closes = weeks.logging_closes_at(programme, ends)
    if now >= closes:
        raise ProgrammeError(
            _("Logging for week %(number)s closed on %(closed)s.")
            % {"number": level.number, "closed": moment_text(closes, participant)},
            field=field,
        )
    return level


def _chosen_week(participant, levels, level, *, moment, now, field):
    programme = participant.programme
    windows = {window[0].pk: window for window in weeks.level_windows(programme, levels)}
    if level.pk not in windows:
        raise ProgrammeError(_("That week is not part of your programme."), field=field)
    _level, starts, ends = windows[level.pk]
    if moment < starts:
        raise ProgrammeError(
            _("Week %(number)s opened on %(opened)s; activity before then cannot count toward it.")
            % {"number": level.number, "opened": moment_text(starts, participant)},
            field=field,
        )
    closes = weeks.logging_closes_at(programme, ends)
    if now >= closes:
        raise ProgrammeError(
            _("Logging for week %(number)s closed on %(closed)s.")
            % {"number": level.number, "closed": moment_text(closes, participant)},
            field=field,
        )
    return level


class ActivityChange:
    """What one change to a participant's activity has locked, checked and touched."""

    def __init__(self, participant, now):
        self.participant = participant
        self.now = now
        self.levels = {}
        self.tallies = {}  # level id: its WeeklyTally once re-checked, on leaving

    def submitted_before(self, model, submission_token):
        """The row a form with this one-time token already made, or None.

        Runs look their token up in the query of their duplicate check instead
        (``runs._runs_near``): one statement less on the busiest form.
        """
        if not submission_token:
            return None
        return model.objects.filter(
            participant=self.participant, submission_token=submission_token
        ).first()

    def week_of(self, moment, *, field, level=None):
        """The level ``moment`` counts toward (see ``activity_week``); it is re-checked."""
        level = activity_week(
            participant=self.participant, moment=moment, now=self.now, field=field, level=level
        )
        self.levels[level.pk] = level
        return level

    def lock(self, activity, *, moment_field, refuse=None):
        """``activity`` re-read under its row lock; refused once its week's logging closed.

        ``refuse`` may raise first for reasons of its own (a rejected run).
        """
        activity = type(activity).objects.select_for_update().get(pk=activity.pk)
        if refuse is not None:
            refuse(activity)
        if activity.level_id is not None:
            activity_week(
                participant=self.participant,
                moment=getattr(activity, moment_field),
                now=self.now,
                field=moment_field,
            )
            self.levels[activity.level_id] = activity.level
        return activity


@contextmanager
def activity_change(participant, *, now):
    """Yield an ``ActivityChange``; on leaving, every level it touched is re-checked."""
    with transaction.atomic():
        change = ActivityChange(participant_lock(participant), now)
        yield change
        for level in change.levels.values():
            change.tallies[level.pk] = level_progress_refresh(
                participant=change.participant, level=level, now=now
            )
