"""The one exception the activity-file parser lets escape."""

from __future__ import annotations

__all__ = ["ActivityFileError"]


class ActivityFileError(Exception):
    """An uploaded file cannot be accepted as a run.

    ``message`` is a plain English sentence meant for the person who uploaded the file (the Django
    side translates it). ``code`` is a short stable identifier for programs and tests, e.g.
    ``"too_large"``, ``"not_a_run"``, ``"damaged"``.
    """

    def __init__(self, message: str, code: str = "invalid", skipped: tuple = ()) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        # The activities left out, each with its reason (``SkippedActivity``), when the
        # file was refused because none of them counts.
        self.skipped = tuple(skipped)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"ActivityFileError({self.message!r}, code={self.code!r})"


# Codes whose activity may be skipped when the same file holds other, usable activities
# (a GPX with an empty first <trk>, a TCX with a lap-less stub activity...).
SKIPPABLE_CODES = frozenset({"no_points", "single_point", "no_timestamps", "no_duration"})
