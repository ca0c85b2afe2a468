"""The extension points through which apps above programme add to its rules.

Runs are programme's own. An app above programme registers here in ``AppConfig.ready``:
exercises its foot-strength sessions, which programme then counts into the weekly tally,
the streak and the staff figures; imports a check that keeps a run with a suspicious track
held for review when its owner edits it; and sections of the run and level pages and of
the dashboard (the route of an imported run, the week's foot-strength routine, prizes
waiting to be claimed).
Programme never imports those apps.
"""

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class ActivityKind:
    """A model whose rows belong to a participant and a level's week, at a moment."""

    model: type[models.Model]  # with ``participant`` and ``level`` foreign keys
    moment_field: str  # when it was done, e.g. "performed_at"
    tally_field: str  # the WeeklyTally column it fills, e.g. "session_count"


_kinds: dict[str, ActivityKind] = {}


def activity_kind_register(kind):
    """Register ``kind`` once; registering the same model again replaces it (reloads)."""
    _kinds[kind.model._meta.label] = kind


def activity_kinds():
    return list(_kinds.values())


_run_hold_checks = {}


def run_hold_check_register(name, check):
    """``check(run)`` returns why the run must stay held for review, or ""."""
    _run_hold_checks[name] = check


def run_hold_checks():
    return list(_run_hold_checks.values())


_page_parts = {"run": {}, "level": {}, "dashboard": {}}


def page_part_register(page, name, part):
    """Add a section to programme's "run" or "level" page, or to the dashboard.

    ``part(subject, participant)`` (subject: the run, the level's ``LevelState``, or for the
    dashboard the current moment; one query at most, whatever the participant's history)
    returns {"template": …, "context": …}, or None to show nothing.
    """
    _page_parts[page][name] = part


def page_parts(page, subject, participant):
    return [found for part in _page_parts[page].values() if (found := part(subject, participant))]
