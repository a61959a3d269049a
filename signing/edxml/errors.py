"""Errors of reading and writing edXML messages."""

from __future__ import annotations

from storage.errors import BadInputError, TooLargeError


class EdxmlError(BadInputError):
    """The file is not an edXML message sohoa can read, or a message cannot be written
    from what was given; ``subject`` names the file (or the document)."""


class HostileXmlError(EdxmlError):
    """The XML carries a DOCTYPE, an entity declaration or other constructs a message
    never needs (external entities, entity expansion): refused without resolving them."""


class EdxmlTooLargeError(TooLargeError):
    """The message is larger than the configured limit (checked before parsing)."""
