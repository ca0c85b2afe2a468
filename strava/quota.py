"""Strava's per-application rate limits, read from its responses and respected before asking.

Strava counts requests in 15-minute windows that start on the quarter hour and in UTC days.
The quota row keeps what the last response said; a new window starts from zero.
"""

import datetime as dt

from django.db import transaction

from .models import StravaQuota

#: Requests kept in reserve in each window, for connects and token refreshes made by people.
RESERVE = 5


def window_start(moment):
    return moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)


def next_window(moment):
    return window_start(moment) + dt.timedelta(minutes=15)


def next_day(moment):
    return (moment + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


def quota_current():
    quota, _ = StravaQuota.objects.get_or_create(pk=1)
    return quota


def _usage(quota, now):
    """(15-minute, daily) usage as of ``now``: zero in windows the last reading is not from."""
    seen = quota.observed_at
    if seen is None:
        return 0, 0
    short = quota.short_usage if window_start(seen) == window_start(now) else 0
    daily = quota.daily_usage if seen.date() == now.date() else 0
    return short, daily


def requests_available(now):
    """How many requests may be sent now without running into a 429."""
    quota = quota_current()
    if quota.paused_until and quota.paused_until > now:
        return 0
    short, daily = _usage(quota, now)
    return max(0, min(quota.short_limit - short, quota.daily_limit - daily) - RESERVE)


def next_opening(now):
    """When requests may be sent again, once none are available now."""
    quota = quota_current()
    if quota.paused_until and quota.paused_until > now:
        return quota.paused_until
    _, daily = _usage(quota, now)
    if daily >= quota.daily_limit - RESERVE:
        return next_day(now)
    return next_window(now)


def quota_record(limits, now):
    """Remember what a response said; ``limits`` may be None (no headers)."""
    if limits is None:
        return
    StravaQuota.objects.update_or_create(
        pk=1,
        defaults={
            "short_limit": limits.short_limit,
            "daily_limit": limits.daily_limit,
            "short_usage": limits.short_usage,
            "daily_usage": limits.daily_usage,
            "observed_at": now,
        },
    )


def quota_exhausted(limits, now):
    """A 429: pause until the window (or the day) that ran out starts again."""
    quota_record(limits, now)
    with transaction.atomic():
        quota = StravaQuota.objects.select_for_update().get(pk=1)
        daily_out = limits is not None and limits.daily_usage >= limits.daily_limit
        quota.paused_until = next_day(now) if daily_out else next_window(now)
        quota.save(update_fields=["paused_until"])
    return quota.paused_until
