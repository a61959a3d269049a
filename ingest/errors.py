"""Errors of the intake package."""

from storage.errors import BadInputError


class IntakeInputError(BadInputError):
    """A submitted file or value cannot be accepted; ``subject`` names it."""
