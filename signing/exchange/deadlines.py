"""How soon the first answers about an exchanged document are due, and whether they are
overdue: ``01`` (arrived) and ``03`` (registered), each within a time allowed per priority
(edXML ``Priority``: 0 normal, 1 urgent, 2 very urgent, 3 express, 4 timed express).

Decree 30/2020 (Art. 20): an incoming document is registered the day it arrives, at the
latest the next working day, and one marked urgent (khẩn, thượng khẩn, hỏa tốc) at once.
An allowance is written as ``30m`` or ``4h`` (clock time, nights and days off included:
express documents are handled at any hour) or ``0d`` / ``1d`` (by the end, 23:59:59
Vietnam time, of the working day it arrived on, or of the next one; a document arriving
on a day off counts from the next working day). The defaults:

=========  ==================  ===================
priority   01 arrived          03 registered
=========  ==================  ===================
0 normal   ``0d`` same day     ``0d`` same day
1 urgent   ``2h``              ``4h``
2 very     ``1h``              ``2h``
3 express  ``30m``             ``1h``
4 timed    ``30m``             ``1h``
=========  ==================  ===================

The receiver's clock starts when the message arrived (its inbox row), the sender's when
it was sent (its outbox row, per recipient). An answer is due until the trail reaches it:
``02`` (refused) answers both, any status after ``01`` answers ``03``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from ingest.calendar import VIETNAM_CALENDAR, WorkingCalendar
from ingest.figures import VIETNAM
from storage.errors import BadInputError, SohoaError
from storage.objects import ObjectStore
from storage.records.models import ExchangeInboxMessage, ExchangeOutboxMessage

PRIORITIES = 5
"""edXML priorities 0..4."""
DEFAULT_ARRIVED = "0d,2h,1h,30m,30m"
"""Time allowed for ``01`` per priority 0..4 (``SOHOA_EXCHANGE_SLA_ARRIVED``)."""
DEFAULT_REGISTERED = "0d,4h,2h,1h,1h"
"""Time allowed for ``03`` per priority 0..4 (``SOHOA_EXCHANGE_SLA_REGISTERED``)."""
CODES = ("01", "03")
_ALLOWANCE = re.compile(r"(\d{1,5})([mhd])")
_END_OF_DAY = time(23, 59, 59)
_HEADER_CHUNK = 16_384
_HEADER_LIMIT = 1_048_576


@dataclass(frozen=True)
class Allowance:
    """The time allowed for one answer: ``minutes`` of clock time, or until the end of
    the ``working_days``-th working day after the start (0: the same one)."""

    minutes: int = 0
    working_days: int | None = None

    @classmethod
    def parse(cls, text: str) -> Allowance:
        """``30m``, ``4h``, ``0d``, ``1d``; :class:`BadInputError` otherwise."""
        found = _ALLOWANCE.fullmatch(text.strip().lower())
        if found is None:
            raise BadInputError("not a time allowed (e.g. 30m, 4h, 0d for the same working "
                                "day, 1d for the next)", subject=text.strip() or "(empty)")
        amount, unit = int(found.group(1)), found.group(2)
        if unit == "d":
            return cls(working_days=amount)
        return cls(minutes=amount * 60 if unit == "h" else amount)

    def __str__(self) -> str:
        if self.working_days is not None:
            return f"{self.working_days}d"
        return f"{self.minutes // 60}h" if self.minutes % 60 == 0 else f"{self.minutes}m"

    def due(self, start: datetime, calendar: WorkingCalendar) -> datetime:
        """When an answer to something that started at ``start`` (aware) is due (UTC)."""
        if self.working_days is None:
            return (start + timedelta(minutes=self.minutes)).astimezone(UTC)
        local = start.astimezone(VIETNAM)
        day = calendar.add_working_days(local.date(), self.working_days)
        return datetime.combine(day, _END_OF_DAY, tzinfo=VIETNAM).astimezone(UTC)


def parse_allowances(text: str, setting: str) -> tuple[Allowance, ...]:
    """One allowance per priority 0..4 from ``text`` (comma-separated);
    :class:`BadInputError` naming ``setting`` or the malformed part."""
    parts = [part for part in (item.strip() for item in text.split(",")) if part]
    if len(parts) != PRIORITIES:
        raise BadInputError(f"{PRIORITIES} times allowed are needed, one per priority 0..4, "
                            f"separated by commas (e.g. {DEFAULT_ARRIVED})", subject=setting)
    return tuple(Allowance.parse(part) for part in parts)


@dataclass(frozen=True)
class ExchangeDeadlines:
    """The times allowed for ``01`` and ``03`` per priority, and the working calendar."""

    arrived: tuple[Allowance, ...]
    registered: tuple[Allowance, ...]
    calendar: WorkingCalendar = VIETNAM_CALENDAR

    @classmethod
    def parse(cls, arrived: str = DEFAULT_ARRIVED, registered: str = DEFAULT_REGISTERED,
              calendar: WorkingCalendar = VIETNAM_CALENDAR) -> ExchangeDeadlines:
        """From the settings' text (5 comma-separated allowances each);
        :class:`BadInputError` naming the setting when one is malformed."""
        return cls(parse_allowances(arrived, "SOHOA_EXCHANGE_SLA_ARRIVED"),
                   parse_allowances(registered, "SOHOA_EXCHANGE_SLA_REGISTERED"), calendar)

    def allowance(self, code: str, priority: int) -> Allowance:
        """The time allowed for ``code`` (``01`` or ``03``) at ``priority`` (out of range:
        normal)."""
        table = self.arrived if code == "01" else self.registered
        return table[priority if 0 <= priority < PRIORITIES else 0]

    def due(self, code: str, priority: int, start: datetime) -> datetime:
        """When ``code`` is due for a message that arrived (or was sent) at ``start``."""
        return self.allowance(code, priority).due(start, self.calendar)


def answers(current: str | None, code: str) -> bool:
    """Whether a trail whose newest status is ``current`` has answered ``code``: any
    status answers ``01``; any but ``01`` answers ``03`` (``02`` refused answers both)."""
    if current is None or current == "":
        return False
    return code == "01" or current != "01"


@dataclass(frozen=True)
class Deadline:
    """One answer's deadline and whether it is overdue now."""

    code: str
    due: datetime
    answered: bool
    overdue: bool


@dataclass(frozen=True)
class Timeliness:
    """The deadlines of ``01`` and ``03`` for one message (per recipient for the sender)."""

    priority: int
    deadlines: tuple[Deadline, ...]

    @property
    def overdue(self) -> bool:
        """Whether an answer is overdue now."""
        return any(item.overdue for item in self.deadlines)

    @property
    def overdue_codes(self) -> list[str]:
        """The statuses overdue now."""
        return [item.code for item in self.deadlines if item.overdue]

    def to_json(self) -> dict[str, Any]:
        """``priority``, ``deadlines`` {code: ISO time}, ``overdue``, ``overdue_codes``."""
        return {"priority": self.priority,
                "deadlines": {item.code: item.due.isoformat() for item in self.deadlines},
                "overdue": self.overdue, "overdue_codes": self.overdue_codes}


def timeliness(rules: ExchangeDeadlines, priority: int, start: datetime,
               current: str | None, *, now: datetime, waiting: bool = True) -> Timeliness:
    """The deadlines of a message with ``priority`` started at ``start`` whose trail's
    newest status is ``current``; none is overdue unless ``waiting`` (an answer can
    still come)."""
    items = []
    for code in CODES:
        due = rules.due(code, priority, start)
        answered = answers(current, code)
        items.append(Deadline(code, due, answered, waiting and not answered and now > due))
    return Timeliness(priority, tuple(items))


def message_priority(store: ObjectStore, key: str) -> int | None:
    """The ``Priority`` of the stored edXML message ``key``, read from its header only
    (the attachments after it are not read); None when it has none or cannot be read."""
    parser = etree.XMLPullParser(events=("start", "end"), resolve_entities=False,
                                 no_network=True, load_dtd=False, huge_tree=False)
    read = 0
    try:
        with store.open(key) as stream:
            while read < _HEADER_LIMIT:
                chunk = stream.read(_HEADER_CHUNK)
                if not chunk:
                    return None
                if read == 0:
                    chunk = chunk[max(chunk.find(b"<"), 0):]  # a stray byte before <?xml
                read += len(chunk)
                parser.feed(chunk)
                for event, element in parser.read_events():
                    name = etree.QName(element).localname
                    if event == "start" and name in ("edXMLBody", "AttachmentEncoded"):
                        return None
                    if event == "end" and name == "Priority":
                        text = (element.text or "").strip()
                        return int(text) if text.isdigit() else None
    except (SohoaError, etree.XMLSyntaxError, OSError):
        return None
    return None


def inbox_timeliness(store: ObjectStore, rules: ExchangeDeadlines,
                     row: ExchangeInboxMessage, *, now: datetime) -> Timeliness:
    """Receiver side: the deadlines of ``01`` and ``03`` from the message's arrival."""
    priority = message_priority(store, row.object_key) or 0
    return timeliness(rules, priority, row.received_at, row.status_code, now=now)


def outbox_timeliness(store: ObjectStore, rules: ExchangeDeadlines,
                      row: ExchangeOutboxMessage, *, now: datetime) -> Timeliness:
    """Sender side, per recipient: the deadlines of ``01`` and ``03`` from the sending;
    a message refused for good by the transport waits for no answer."""
    priority = message_priority(store, row.object_key) or 0
    return timeliness(rules, priority, row.created_at, row.status_code, now=now,
                      waiting=row.state != "failed")

