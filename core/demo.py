"""The demo programme that ``seed_demo`` creates: realistic data, safe to run again."""

import datetime as dt
import os

from django.conf import settings

from exercises.catalogue import LEVELS as FOOT_STRENGTH_WEEKS
from programme.models import Programme
from programme.services import programme_levels_ensure

DEMO_SLUG = "demo"
STAFF_EMAIL = "staff@example.com"

DEMO_RULES = """\
Who can enter: anyone aged 18 or over who lives in an eligible country and confirms it when joining. Staff of the organiser cannot win prizes.

How to take part: each week a new level opens. Log runs by hand or upload them from your watch, and log your foot-strength sessions. Meet a level's goals within its week to complete it.

Tickets: each completed level earns the draw tickets shown below. More tickets mean a better chance, never a certainty.

Prizes: drawn openly after the programme. Winners must claim within the claim window stated for each draw, or the prize passes to the next alternate.

Fair play: runs that look implausible are held for review; staff may reject activity that breaks these rules.
"""

DEMO_LEVELS = {
    1: {
        "title": "Wake up your feet",
        "focus": "Easy runs and foot basics",
        "goal_runs": 2,
        "goal_distance_m": 8_000,
        "goal_sessions": 2,
        "tickets": 1,
    },
    2: {
        "title": "Find your rhythm",
        "focus": "Consistency",
        "goal_runs": 3,
        "goal_distance_m": 12_000,
        "goal_sessions": 2,
        "tickets": 1,
    },
    3: {
        "title": "Build the base",
        "focus": "A little further",
        "goal_runs": 3,
        "goal_distance_m": 15_000,
        "goal_sessions": 3,
        "tickets": 1,
    },
    4: {
        "title": "Stronger arches",
        "focus": "Toe control and balance",
        "goal_runs": 3,
        "goal_distance_m": 18_000,
        "goal_sessions": 3,
        "tickets": 2,
    },
    5: {
        "title": "Carry the load",
        "focus": "Loaded toe walks",
        "goal_runs": 4,
        "goal_distance_m": 20_000,
        "goal_sessions": 3,
        "tickets": 2,
    },
    6: {
        "title": "Run free",
        "focus": "Put it all together",
        "goal_runs": 4,
        "goal_distance_m": 25_000,
        "goal_sessions": 3,
        "tickets": 3,
    },
}


def staff_password():
    return os.environ.get("DEMO_STAFF_PASSWORD", "virtualrun-demo")


def _first_day(programme_tz, unlock_time, now):
    """The start date that makes week 1 open at ``now``: today, or yesterday before the unlock hour."""
    local = now.astimezone(programme_tz)
    return local.date() if local.time() >= unlock_time else local.date() - dt.timedelta(days=1)


def ensure_programme(*, now):
    programme = Programme.objects.filter(slug=DEMO_SLUG).first()
    if programme is None:
        programme = Programme(
            slug=DEMO_SLUG,
            name=settings.BRAND["name"],
            tagline="Six weeks. Stronger feet. Better runs.",
            description=(
                "A six-week programme for runners of every level: one new level each week, "
                "easy runs, and ten minutes of foot-strength work a few times a week. "
                "Complete levels to earn tickets in the prize draws."
            ),
            time_zone="Europe/London",
            unlock_time=dt.time(6, 0),
            rules=DEMO_RULES,
            starts_on=now.date(),
        )
    # Re-date a demo whose week 1 is not open today, so the demo always starts fresh.
    week_two = programme.week_start(2) if programme.pk else None
    if programme.pk is None or not (programme.starts_at <= now < week_two):
        programme.starts_on = _first_day(programme.tz, programme.unlock_time, now)
    if not Programme.objects.active().exclude(pk=programme.pk).exists():
        programme.is_active = True
    programme.save()
    programme_levels_ensure(
        programme=programme,
        levels={
            number: {"description": FOOT_STRENGTH_WEEKS[number]["description"], **fields}
            for number, fields in DEMO_LEVELS.items()
        },
    )
    return programme
