"""Configured extra days off and make-up working days in the due dates the CLI computes
(Vietnam's public holidays need no setting), and a bad setting named in one line."""

from __future__ import annotations

import json
from datetime import date, timedelta

from ingest.calendar import VIETNAM_CALENDAR, WorkingCalendar
from tests.support.cli import run


def test_configured_holidays_push_the_due_date(env: dict[str, str]) -> None:
    assert run(["unit", "add", "HN", "Hà Nội"], env).returncode == 0
    plain = run(["dossier", "new", "--procedure", "P", "--applicant", "Lê A", "--days", "3",
                 "--json"], env)
    base = date.fromisoformat(json.loads(plain.stdout)["due_date"])
    days = [VIETNAM_CALENDAR.add_working_days(date.today(), n) for n in (1, 2)]
    holidays = ",".join(day.isoformat() for day in days)
    later = run(["dossier", "new", "--procedure", "P", "--applicant", "Lê A", "--days", "3",
                 "--json"], {**env, "SOHOA_HOLIDAYS": holidays})
    assert later.returncode == 0, later.stderr
    due = date.fromisoformat(json.loads(later.stdout)["due_date"])
    assert due == VIETNAM_CALENDAR.add_working_days(base, 2)  # two days off, two days later
    extra = WorkingCalendar(extra_holidays=frozenset(days))
    assert due == extra.add_working_days(date.today(), 3)


def test_a_make_up_saturday_counts(env: dict[str, str]) -> None:
    assert run(["unit", "add", "HN", "Hà Nội"], env).returncode == 0
    today = date.today()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    saturday += timedelta(days=7) if (saturday - today).days < 2 else timedelta()
    days = 10
    plain = VIETNAM_CALENDAR.add_working_days(today, days)
    worked = WorkingCalendar(workdays=frozenset({saturday}))
    expected = worked.add_working_days(today, days)
    done = run(["dossier", "new", "--procedure", "P", "--applicant", "Lê A", "--days",
                str(days), "--json"], {**env, "SOHOA_WORKDAYS": saturday.isoformat()})
    assert done.returncode == 0, done.stderr
    due = date.fromisoformat(json.loads(done.stdout)["due_date"])
    assert due == expected
    assert due < plain  # one working day more before the due date: it comes sooner


def test_bad_setting_is_named_in_one_line(env: dict[str, str]) -> None:
    done = run(["stats"], {**env, "SOHOA_HOLIDAYS": "2026-02-30"})
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "SOHOA_HOLIDAYS" in lines[0]
    workdays = run(["stats"], {**env, "SOHOA_WORKDAYS": "2027-13-01"})
    assert workdays.returncode == 2
    assert "SOHOA_WORKDAYS" in workdays.stderr
