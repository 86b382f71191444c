"""Domain errors. Services raise these; each interface turns them into a message or one JSON shape."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError


class ApplicationError(Exception):
    """A rule of the platform refused the request. The message is for people (translated)."""

    code = "application-error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        self.field = field
        self.extra = extra or {}

    def as_dict(self) -> dict:
        error = {"code": self.code, "message": self.message}
        if self.field:
            error["field"] = self.field
        if self.extra:
            error["details"] = self.extra
        return error


class ValidationError(ApplicationError):
    code = "invalid"


class NotFound(ApplicationError):
    """Does not exist, or is out of the actor's reach: both look the same from outside."""

    code = "not-found"
    status = 404


class PermissionDenied(ApplicationError):
    """The actor is known to see the object but may not do this action on it."""

    code = "forbidden"
    status = 403


class Conflict(ApplicationError):
    code = "conflict"
    status = 409


def full_clean_or_raise(obj, *, exclude=None, validate_unique: bool = True) -> None:
    """Run the model's validation; its first error becomes a ValidationError on that field (all errors in extra)."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=validate_unique)
    except DjangoValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ValidationError(
            messages[0], field=None if field == "__all__" else field, extra=error.message_dict
        ) from None
