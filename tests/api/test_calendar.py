"""Working days for due dates: weekends, Vietnam's public holidays (lunar Tết included)
without configuration, extra days off and make-up working days."""

from datetime import UTC, date, datetime

import pytest

from api.settings import Settings
from ingest.calendar import VIETNAM_CALENDAR, WorkingCalendar, add_working_days
from ingest.dossiers import due_date
from ingest.errors import IntakeInputError


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
    with pytest.raises(ValueError, match="negative"):
        VIETNAM_CALENDAR.add_working_days(date(2026, 11, 23), -1)


def test_tet_2027_is_skipped_without_configuration() -> None:
    # Tết Đinh Mùi: 6 February 2027; days off Thu 4 to Wed 10 February
    assert not VIETNAM_CALENDAR.is_working_day(date(2027, 2, 4))
    assert not VIETNAM_CALENDAR.is_working_day(date(2027, 2, 10))
    assert VIETNAM_CALENDAR.is_working_day(date(2027, 2, 11))
    # received Mon 1 Feb: Tue 2, Wed 3, then Thu 11, Fri 12, Mon 15
    assert VIETNAM_CALENDAR.add_working_days(date(2027, 2, 1), 5) == date(2027, 2, 15)
    assert WorkingCalendar(country=None).add_working_days(date(2027, 2, 1), 5) \
        == date(2027, 2, 8)


def test_national_day_and_the_lunar_hung_kings_day_are_skipped() -> None:
    # Fri 28 Aug 2026, then Mon 31 Aug (bridge day), Tue 1 and Wed 2 Sep are off
    assert VIETNAM_CALENDAR.add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)
    hung_kings_2027 = date(2027, 4, 16)  # 10th of the third lunar month
    assert not VIETNAM_CALENDAR.is_working_day(hung_kings_2027)


def test_extra_days_off_and_a_make_up_saturday() -> None:
    saturday = date(2027, 1, 9)
    calendar = WorkingCalendar(extra_holidays=frozenset({date(2027, 1, 5)}),
                               workdays=frozenset({saturday}))
    assert calendar.is_working_day(saturday)
    assert not calendar.is_working_day(date(2027, 1, 5))
    # from Mon 4 Jan: Wed 6, Thu 7, Fri 8, Sat 9 (worked), Mon 11
    assert calendar.add_working_days(date(2027, 1, 4), 5) == date(2027, 1, 11)
    assert VIETNAM_CALENDAR.add_working_days(date(2027, 1, 4), 5) == date(2027, 1, 11)
    day_off_only = WorkingCalendar(extra_holidays=frozenset({date(2027, 1, 5)}))
    assert day_off_only.add_working_days(date(2027, 1, 4), 5) == date(2027, 1, 12)


def test_the_settings_build_the_calendar() -> None:
    settings = Settings(_env_file=None, holidays="2027-01-05",  # type: ignore[call-arg]
                        workdays="2027-01-09, 2027-01-16")
    calendar = settings.working_calendar()
    assert calendar.extra_holidays == frozenset({date(2027, 1, 5)})
    assert calendar.workdays == frozenset({date(2027, 1, 9), date(2027, 1, 16)})
    assert calendar.country == "VN"


def test_a_dossier_received_before_tet_is_due_after_it() -> None:
    received = datetime(2027, 2, 2, 3, 0, tzinfo=UTC)  # Tue 2 Feb, 10:00 in Hà Nội
    assert due_date(VIETNAM_CALENDAR, received, 3) == date(2027, 2, 12)
    late_evening = datetime(2027, 2, 2, 18, 0, tzinfo=UTC)  # already Wed 3 Feb in Vietnam
    assert due_date(VIETNAM_CALENDAR, late_evening, 1) == date(2027, 2, 11)
    with pytest.raises(IntakeInputError):
        due_date(VIETNAM_CALENDAR, received, 366)
