"""Errors that services raise, each with a message for the user."""


class ServiceError(Exception):
    """A write was refused; ``message`` says why, in the user's language."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(ServiceError):
    """The actor may not do this at all."""

    status = 403


class PhaseClosed(ServiceError):
    """The action is allowed in general but not in the consultation's current phase."""

    status = 400


class InvalidInput(ServiceError):
    """What was sent is not acceptable (too long, outside the area, unknown choice...)."""

    status = 400


class NotOpenNow(ServiceError):
    """What the request is about is not open at this moment (a poll closed, a proposal no longer shown)."""

    status = 409
