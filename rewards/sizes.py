"""Shoe sizes: each size system has its own range; half sizes are allowed everywhere."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .models import SizeSystem

SIZE_RANGES = {
    SizeSystem.EU: (Decimal("34"), Decimal("52")),
    SizeSystem.UK: (Decimal("2"), Decimal("16")),
    SizeSystem.US_MEN: (Decimal("3"), Decimal("18")),
    SizeSystem.US_WOMEN: (Decimal("4"), Decimal("16")),
}


def shoe_size_problem(system, size):
    """Why ``size`` is not a shoe size in ``system``, or None when it is one."""
    if system not in SIZE_RANGES:
        return _("Choose the size system of your shoe size.")
    if size is None or size == "":
        return _("Enter your shoe size.")
    try:
        size = Decimal(str(size))
    except InvalidOperation:
        return _("Enter your shoe size as a number, e.g. 42 or 9.5.")
    low, high = SIZE_RANGES[system]
    if not size.is_finite() or not low <= size <= high or (size * 2) % 1:
        return _("%(system)s sizes go from %(low)s to %(high)s in half sizes.") % {
            "system": SizeSystem(system).label,
            "low": f"{low:g}",
            "high": f"{high:g}",
        }
    return None


def format_size(size):
    """42 rather than 42.0, 9.5 as 9.5."""
    if size is None:
        return ""
    return str(size.to_integral_value()) if size == size.to_integral_value() else str(size)
