"""Working-day arithmetic for legal processing times.

Saturdays, Sundays and Vietnam's public holidays (Tết and the other lunar ones included,
as the ``holidays`` package knows them) are not working days; an office adds its own extra
days off (``SOHOA_HOLIDAYS``) and make-up working days, such as a Saturday worked in
exchange for a bridge day (``SOHOA_WORKDAYS``). The settings build one
:class:`WorkingCalendar` at the edge; every due date is computed through it.

    calendar = WorkingCalendar(extra_holidays=frozenset({date(2027, 2, 11)}))
    due = calendar.add_working_days(date(2027, 2, 1), 5)
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta

import holidays as holiday_tables

COUNTRY = "VN"
MAX_DAYS = 3660  # no legal processing time is ten years long: a guard against loops


@functools.lru_cache(maxsize=64)
def public_holidays(year: int, country: str = COUNTRY) -> frozenset[date]:
    """The public holidays of ``country`` in ``year`` (observed days included)."""
    return frozenset(holiday_tables.country_holidays(country, years=year))


def add_working_days(start: date, days: int, holidays: Collection[date] = (),
                     workdays: Collection[date] = ()) -> date:
    """The date ``days`` working days after ``start``.

    Saturdays, Sundays and ``holidays`` are not working days, except the make-up working
    days in ``workdays``. With ``days == 0`` the result is ``start`` itself if it is a
    working day, else the next working day.
    """
    if days < 0:
        raise ValueError("days must not be negative")

    def working(day: date) -> bool:
        return day in workdays or (day.weekday() < 5 and day not in holidays)

    current = start
    while not working(current):
        current += timedelta(days=1)
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if working(current):
            remaining -= 1
    return current


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days an office works: Monday to Friday, less the country's public holidays
    (``country``; None for none) and ``extra_holidays``, plus the make-up ``workdays``."""

    extra_holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)
    country: str | None = COUNTRY

    def holidays_of(self, year: int) -> frozenset[date]:
        """Every day off that is not a weekend in ``year``: public and extra holidays."""
        public = public_holidays(year, self.country) if self.country else frozenset()
        return public | {day for day in self.extra_holidays if day.year == year}

    def is_working_day(self, day: date) -> bool:
        """Whether the office works on ``day``."""
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays_of(day.year)

    def add_working_days(self, start: date, days: int) -> date:
        """The date ``days`` working days after ``start`` (``start`` itself, or the next
        working day, for ``days == 0``); :class:`ValueError` for a negative or absurd
        ``days``."""
        if days < 0:
            raise ValueError("days must not be negative")
        if days > MAX_DAYS:
            raise ValueError(f"days must be at most {MAX_DAYS}")
        horizon = range(start.year, start.year + days // 200 + 3)
        off: set[date] = set()
        for year in horizon:
            off |= self.holidays_of(year)
        return add_working_days(start, days, off, self.workdays)


VIETNAM_CALENDAR = WorkingCalendar()
"""Vietnam's public holidays and weekends, nothing more."""
