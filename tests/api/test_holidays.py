"""Configured public holidays in due dates, and a bad setting named in one line."""

from __future__ import annotations

import json
from datetime import date

from ingest.calendar import add_working_days
from tests.support.cli import run


def test_configured_holidays_push_the_due_date(env: dict[str, str]) -> None:
    assert run(["unit", "add", "HN", "Hà Nội"], env).returncode == 0
    plain = run(["dossier", "new", "--procedure", "P", "--applicant", "Lê A", "--days", "3",
                 "--json"], env)
    base = date.fromisoformat(json.loads(plain.stdout)["due_date"])
    days = [add_working_days(date.today(), n) for n in (1, 2)]
    holidays = ",".join(day.isoformat() for day in days)
    later = run(["dossier", "new", "--procedure", "P", "--applicant", "Lê A", "--days", "3",
                 "--json"], {**env, "SOHOA_HOLIDAYS": holidays})
    assert later.returncode == 0, later.stderr
    due = date.fromisoformat(json.loads(later.stdout)["due_date"])
    assert due == add_working_days(base, 2)  # two working days off, two days later
    assert due == add_working_days(date.today(), 3, frozenset(days))


def test_bad_setting_is_named_in_one_line(env: dict[str, str]) -> None:
    done = run(["stats"], {**env, "SOHOA_HOLIDAYS": "2026-02-30"})
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "SOHOA_HOLIDAYS" in lines[0]
