"""Normalising the sport names that devices and apps write into activity files."""

from __future__ import annotations

import re

__all__ = ["RUNNING", "UNKNOWN", "WALKING", "describe_sport", "is_transition", "normalise_sport"]

RUNNING = "running"
WALKING = "walking"
UNKNOWN = ""

_SPORTS: dict[str, str] = {}


def _add(sport: str, *labels: str) -> None:
    for label in labels:
        _SPORTS[label] = sport


# FIT ``sport`` enum names, TCX ``Sport`` attribute values, GPX ``<type>`` values written by
# Garmin Connect, Strava, Polar, Suunto, Runkeeper, OsmAnd... (compared lower-cased, with spaces,
# dashes and underscores removed). Strava's GPX export writes a number: 9 is Run, 1 Ride,
# 10 Walk, 4 Hike, 16 Swim (its other codes are other sports).
_add(
    "running",
    "running",
    "run",
    "runs",
    "jogging",
    "jog",
    "trailrunning",
    "trailrun",
    "treadmillrunning",
    "treadmill",
    "indoorrunning",
    "streetrunning",
    "trackrunning",
    "roadrunning",
    "ultrarun",
    "ultrarunning",
    "virtualrun",
    "virtualrunning",
    "9",
)
_add(
    "cycling",
    "cycling",
    "biking",
    "bike",
    "ride",
    "ebikeride",
    "ebiking",
    "mountainbiking",
    "mountainbike",
    "roadbiking",
    "roadcycling",
    "gravelcycling",
    "indoorcycling",
    "virtualride",
    "1",
    "17",
    "18",
)
_add("walking", "walking", "walk", "hiking", "hike", "nordicwalking", "10", "4")
_add("swimming", "swimming", "swim", "openwater", "openwaterswimming", "lapswimming", "16")

# Labels that say nothing about the sport (FIT "generic", "all", no label at all).
_UNKNOWN_LABELS = frozenset({"", "generic", "all", "unknown", "none", "null"})

_SQUASH = re.compile(r"[\s_\-/.]+")


def _key(label: str | int | None) -> str:
    if label is None:
        return ""
    return _SQUASH.sub("", str(label).strip().lower())


def normalise_sport(label: str | int | None) -> str:
    """``"running"``, ``"cycling"``, ``"walking"``, ``"swimming"``, ``"other"`` or ``""`` (unknown)."""
    key = _key(label)
    if key in _UNKNOWN_LABELS:
        return UNKNOWN
    return _SPORTS.get(key, "other")


def is_transition(label: str | int | None) -> bool:
    """A multisport transition (T1/T2), which is neither a run nor an activity of its own."""
    return _key(label) == "transition"


def describe_sport(label: str | int | None) -> str:
    """A short lower-case name for messages: the normalised sport, or the file's own label."""
    sport = normalise_sport(label)
    if sport not in ("other", UNKNOWN):
        return sport
    text = re.sub(r"[_\s]+", " ", str(label or "").strip().lower())
    text = "".join(ch for ch in text if ch.isprintable())[:40]
    if not text or text.isdigit():
        return "other"
    return text
