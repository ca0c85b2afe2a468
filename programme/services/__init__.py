"""Everything that changes programme state, by concern. Views and tasks call these."""

from .activity import activity_change, activity_week
from .levels import level_save, levels_progress_refresh, programme_levels_ensure
from .participants import WELCOME_NOTICE_KEY, participant_join, participant_update
from .progress import level_progress_refresh, participant_lock, participant_totals_refresh
from .reminders import closing_reminders_write, level_closing_notice_key
from .runs import (
    run_delete,
    run_log,
    run_review,
    run_review_notice_key,
    run_too_short_reason,
    run_update,
)
from .unlocks import level_unlock_notice_key, levels_announce_due

__all__ = [
    "WELCOME_NOTICE_KEY",
    "closing_reminders_write",
    "level_closing_notice_key",
    "activity_change",
    "activity_week",
    "level_progress_refresh",
    "level_save",
    "level_unlock_notice_key",
    "levels_announce_due",
    "levels_progress_refresh",
    "participant_join",
    "participant_lock",
    "participant_totals_refresh",
    "participant_update",
    "programme_levels_ensure",
    "run_delete",
    "run_log",
    "run_review",
    "run_review_notice_key",
    "run_too_short_reason",
    "run_update",
]
