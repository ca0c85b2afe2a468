"""The demo programme that ``seed_demo`` creates: realistic data, safe to run again."""

import datetime as dt
import os

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model

from exercises.catalogue import LEVELS as FOOT_STRENGTH_WEEKS
from programme.models import Participant, Programme
from programme.services import programme_levels_ensure, run_log

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


DEMO_RUNNERS = [
    # email, display name, time zone, units, country, [(hours ago, km, minutes)]
    ("runner@example.com", "Demo Runner", "Europe/London", "km", "GB", [(3, 5.2, 29)]),
    ("amara@example.com", "Amara", "Africa/Lagos", "km", "NG", [(5, 6.0, 33), (2, 4.1, 23)]),
    ("lukas@example.com", "Lukas", "Europe/Berlin", "km", "DE", [(4, 10.0, 52)]),
    ("maria@example.com", "María", "America/Mexico_City", "mi", "MX", [(1, 3.1, 20)]),
]


def ensure_runners(*, programme, now, password):
    """A few participants with runs in week 1, so the dashboard and leaderboard have life."""
    User = get_user_model()
    for email, name, time_zone, units, country, runs in DEMO_RUNNERS:
        user, created = User.objects.get_or_create(email=email, defaults={"name": name})
        if created:
            user.set_password(password)
            user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        participant, _ = Participant.objects.get_or_create(
            user=user,
            programme=programme,
            defaults={
                "display_name": name,
                "time_zone": time_zone,
                "units": units,
                "country": country,
                "confirmed_age_at": now,
                "confirmed_residence_at": now,
                "consented_rules_at": now,
                "leaderboard_opt_in": True,
            },
        )
        if participant.runs.exists():
            continue
        # Within hours of week 1 opening, runs from before it move to its start, each after
        # the one before has ended (overlapping runs are duplicates); any that would then
        # start in the future are left out.
        earliest = programme.starts_at
        for hours_ago, km, minutes in runs:
            started_at = max(now - dt.timedelta(hours=hours_ago), earliest)
            if started_at > now:
                break
            earliest = started_at + dt.timedelta(minutes=minutes)
            run_log(
                participant=participant,
                started_at=started_at,
                distance_m=round(km * 1000),
                duration_s=minutes * 60,
                now=now,
            )
