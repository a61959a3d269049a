"""Types shared by the object store tests and their fixtures."""

from __future__ import annotations

from collections.abc import Callable

RawNames = Callable[[str], list[str]]
"""Lists the names physically stored under a prefix (the ``raw_names`` fixture of
``tests/storage/objects/conftest.py``)."""
