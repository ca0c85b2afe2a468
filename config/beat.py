"""Celery beat's heartbeat, and the health check that reads it.

Beat answers no ping (``celery inspect ping`` reaches workers only), so the scheduler
touches ``<schedule file>.heartbeat`` each time it wakes (at least every
CELERY_BEAT_MAX_INTERVAL seconds) and the container's health check asks how old it is:

    python -m config.beat /tmp/celerybeat-schedule     # exit 0 fresh, 1 stale or missing
"""

import sys
import time
from pathlib import Path

from celery.beat import PersistentScheduler

#: Older than this, beat is stuck or gone: three of its longest sleeps (60 s).
MAX_AGE_S = 180


def heartbeat_path(schedule_filename):
    return Path(f"{schedule_filename}.heartbeat")


class HeartbeatScheduler(PersistentScheduler):
    """Celery's default scheduler, leaving a heartbeat after every pass over the schedule."""

    def tick(self, *args, **kwargs):
        delay = super().tick(*args, **kwargs)
        heartbeat_path(self.schedule_filename).touch()
        return delay


def heartbeat_age_s(schedule_filename, *, now=None):
    """Seconds since beat last woke; None when it never has."""
    try:
        touched = heartbeat_path(schedule_filename).stat().st_mtime
    except FileNotFoundError:
        return None
    return (now or time.time()) - touched


def main(argv):
    if len(argv) != 1:
        print("usage: python -m config.beat <schedule file>", file=sys.stderr)
        return 2
    age = heartbeat_age_s(argv[0])
    if age is None:
        print(f"no heartbeat at {heartbeat_path(argv[0])}", file=sys.stderr)
        return 1
    if age > MAX_AGE_S:
        print(f"beat last woke {age:.0f} s ago (limit {MAX_AGE_S} s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
