from core.errors import ServiceError


class RewardsError(ServiceError):
    """A rule of the draws or prizes refused an action."""
