from programme.errors import ProgrammeError


class RewardsError(ProgrammeError):
    """A rule of the draws or prizes refused an action; ``message`` is for the person."""
