"""Staff pages: the programme and its levels, participants, run review, participation figures.

Nothing here changes activity or its maintained numbers directly: reviews go through
``services.run_review`` and participants' own settings through ``services.participant_update``,
so tallies, completions and tickets stay right.
"""

from .participants import ParticipantAdmin
from .programmes import LevelAdmin, ProgrammeAdmin
from .runs import RunAdmin

__all__ = ["LevelAdmin", "ParticipantAdmin", "ProgrammeAdmin", "RunAdmin"]
