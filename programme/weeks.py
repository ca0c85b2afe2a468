"""Which level's week a moment falls in. Pure functions over a programme's levels."""

from bisect import bisect_right
from datetime import timedelta


def level_windows(programme, levels):
    """[(level, starts_at, ends_at)] in order: each week runs to the next unlock; the last to the end."""
    ordered = sorted(levels, key=lambda level: level.unlocks_at)
    windows = []
    for index, level in enumerate(ordered):
        ends_at = ordered[index + 1].unlocks_at if index + 1 < len(ordered) else programme.ends_at
        windows.append((level, level.unlocks_at, ends_at))
    return windows


def window_for(programme, levels, moment):
    """The (level, starts_at, ends_at) containing ``moment``, or None outside the programme."""
    windows = level_windows(programme, levels)
    starts = [start for _, start, _ in windows]
    index = bisect_right(starts, moment) - 1
    if index < 0:
        return None
    window = windows[index]
    return window if moment < window[2] else None


def logging_closes_at(programme, week_ends_at):
    return week_ends_at + timedelta(days=programme.logging_close_days)
