class ServiceError(Exception):
    """A rule refused an action; ``message`` is for the person, ``field`` where it belongs."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.message = message
        self.field = field

    def add_to(self, form):
        """Show the refusal on ``form``: at its field when the form has one, else on top."""
        form.add_error(self.field if self.field in form.fields else None, self.message)
