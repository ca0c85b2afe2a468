class RewardsError(Exception):
    """A rule of the draws or prizes refused an action; ``message`` is for the person."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.message = message
        self.field = field
