"""Working-day arithmetic for legal processing times (weekends and public holidays skipped)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta


def add_working_days(start: date, days: int, holidays: Collection[date] = ()) -> date:
    """The date ``days`` working days after ``start``.

    Saturdays, Sundays and the given holidays are not working days. With ``days == 0`` the
    result is ``start`` itself if it is a working day, else the next working day.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    while current.weekday() >= 5 or current in holidays:
        current += timedelta(days=1)
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            remaining -= 1
    return current
