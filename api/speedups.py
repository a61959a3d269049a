"""Installing the pyHanko/asn1crypto speedups at the start of each edge (app, CLI, worker),
unless ``SOHOA_SPEEDUPS=false``."""

from __future__ import annotations

from api.settings import Settings


def apply_speedups(settings: Settings) -> None:
    """Install :mod:`signing.speedups` when the settings allow it (idempotent)."""
    if settings.speedups:
        from signing.speedups import install

        install()
