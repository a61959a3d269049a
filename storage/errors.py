"""The root of sohoa's typed errors and the storage package's own errors.

Every package raises subclasses of :class:`SohoaError`, grouped by *kind*. The edges
(HTTP in ``api.problems``, CLI exit codes in ``api.cli``) map kinds to status codes in one
place each; domain code never raises HTTP or library errors.

This module lives in ``storage`` because ``storage`` sits at the bottom of the dependency
graph; it imports nothing but the standard library, so every package may import it.
"""

from __future__ import annotations

from typing import ClassVar


class SohoaError(Exception):
    """Base of every error sohoa raises on purpose.

    ``kind`` tells the edges how to report it; ``subject`` names the file, key, setting or
    record the error is about, so messages say *what* is wrong with *which* thing.
    """

    kind: ClassVar[str] = "internal"
    title: ClassVar[str] = "Internal error"

    def __init__(self, message: str, *, subject: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.subject = subject

    def __reduce__(self) -> tuple[object, ...]:
        """Keep ``subject`` when the error crosses a process boundary (OCR page workers)."""
        return (self.__class__, (self.message,), {"subject": self.subject})

    def __str__(self) -> str:
        if self.subject:
            return f"{self.subject}: {self.message}"
        return self.message


class BadInputError(SohoaError):
    """The caller gave something unusable: a bad file, value or request."""

    kind = "bad_input"
    title = "Bad input"


class TooLargeError(BadInputError):
    """The caller sent more bytes than the configured limit allows."""

    kind = "too_large"
    title = "Too large"


class NotFoundError(SohoaError):
    """The thing asked for does not exist (or the caller may not see it)."""

    kind = "not_found"
    title = "Not found"


class ConflictError(SohoaError):
    """The request conflicts with the current state (duplicate, wrong status, ...)."""

    kind = "conflict"
    title = "Conflict"


class AuthenticationError(SohoaError):
    """No valid credentials were presented."""

    kind = "unauthenticated"
    title = "Authentication required"


class PermissionDeniedError(SohoaError):
    """The user is known but their role does not allow this."""

    kind = "forbidden"
    title = "Forbidden"


class TooManyAttemptsError(SohoaError):
    """Too many wrong guesses at a secret (a password, a PIN): refused without checking
    it until ``retry_after`` seconds have passed."""

    kind = "too_many_attempts"
    title = "Too many attempts"

    def __init__(self, message: str, *, subject: str | None = None,
                 retry_after: int = 1) -> None:
        super().__init__(message, subject=subject)
        self.retry_after = max(1, int(retry_after))

    def __reduce__(self) -> tuple[object, ...]:
        """Keep ``subject`` and ``retry_after`` across a process boundary."""
        return (self.__class__, (self.message,),
                {"subject": self.subject, "retry_after": self.retry_after})


class UnavailableError(SohoaError):
    """A dependency (database, queue, object store, tool) cannot be reached."""

    kind = "unavailable"
    title = "Service unavailable"


class ConfigurationError(SohoaError):
    """A setting is missing or wrong; ``subject`` names the setting."""

    kind = "configuration"
    title = "Configuration error"


# --- object storage -------------------------------------------------------------------


class StorageError(SohoaError):
    """Base of the object store's internal failures."""


class ObjectNotFoundError(NotFoundError):
    """No object is stored under the given key."""


class HashMismatchError(BadInputError):
    """The bytes written do not have the SHA-256 the caller declared."""


class InvalidKeyError(BadInputError):
    """An object key is malformed (path tricks, wrong shape)."""


class StorageUnavailableError(UnavailableError):
    """The object store cannot be reached or refused the operation."""
