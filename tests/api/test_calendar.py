"""Working days for due dates."""

from datetime import date

import pytest

from ingest.calendar import add_working_days


def test_weekends_are_skipped() -> None:
    friday = date(2026, 11, 20)
    assert add_working_days(friday, 1) == date(2026, 11, 23)
    assert add_working_days(friday, 5) == date(2026, 11, 27)


def test_holidays_are_skipped() -> None:
    national_day = {date(2026, 9, 1), date(2026, 9, 2)}
    assert add_working_days(date(2026, 8, 31), 1, national_day) == date(2026, 9, 3)


def test_received_on_a_weekend_counts_from_monday() -> None:
    assert add_working_days(date(2026, 11, 22), 0) == date(2026, 11, 23)


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 11, 23), -1)
