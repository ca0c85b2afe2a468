from core.errors import ServiceError


class ProgrammeError(ServiceError):
    """A rule of the programme refused an action (runs, sessions, joining, weeks)."""
