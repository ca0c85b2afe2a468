"""Units and formatting: pure helpers, tested without a database.

Everything is stored in metres and seconds; people read kilometres or miles.
"""

from decimal import ROUND_HALF_UP, Decimal

METRES_PER_KM = 1000
METRES_PER_MILE = 1609.344

UNIT_METRES = {"km": METRES_PER_KM, "mi": METRES_PER_MILE}
UNIT_LABELS = {"km": "km", "mi": "mi"}


def to_metres(amount, units):
    """A distance typed in ``units`` as whole metres (rounded half up)."""
    metres = Decimal(str(amount)) * Decimal(str(UNIT_METRES[units]))
    return int(metres.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_metres(metres, units):
    return metres / UNIT_METRES[units]


def format_distance(metres, units="km", places=2):
    return f"{from_metres(metres or 0, units):.{places}f} {UNIT_LABELS[units]}"


def format_duration(seconds):
    """``h:mm:ss`` or ``m:ss``."""
    seconds = int(round(seconds or 0))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def pace_seconds(duration_s, distance_m, units="km"):
    """Seconds per kilometre or per mile."""
    if not distance_m:
        return None
    return duration_s * UNIT_METRES[units] / distance_m


def format_pace(duration_s, distance_m, units="km"):
    pace = pace_seconds(duration_s, distance_m, units)
    if pace is None:
        return "–"
    return f"{format_duration(pace)} /{UNIT_LABELS[units]}"


def parse_duration(text):
    """``h:mm:ss``, ``mm:ss`` or plain minutes into seconds; ValueError when unreadable."""
    parts = text.strip().split(":")
    if not 1 <= len(parts) <= 3 or not all(p.strip().isdigit() for p in parts):
        raise ValueError(text)
    numbers = [int(p) for p in parts]
    if len(numbers) == 1:
        return numbers[0] * 60
    if any(n >= 60 for n in numbers[1:]):
        raise ValueError(text)
    if len(numbers) == 2:
        return numbers[0] * 60 + numbers[1]
    return numbers[0] * 3600 + numbers[1] * 60 + numbers[2]
