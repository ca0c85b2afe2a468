"""The demo programme's foot-strength side: the catalogue and each week's routine."""

from . import catalogue
from .services import catalogue_load, routine_replace


def demo_routines_ensure(*, programme):
    """Make sure the catalogue exists and each demo level has the catalogue's routine for its
    week. Safe to run again: a routine that already matches is left untouched."""
    catalogue_load()
    changed = 0
    for level in programme.levels.filter(number__in=catalogue.ROUTINES):
        changed += routine_replace(level=level, items=catalogue.ROUTINES[level.number])
    return changed
