"""Names no other test or run uses."""

from __future__ import annotations

import secrets


def unique_name(prefix: str) -> str:
    """A name no other test or run uses (buckets, queues, units)."""
    return f"{prefix}-{secrets.token_hex(5)}"
