"""Reading the register pages' forms into the registers' values, with an error per field
(shown beside it) instead of an exception."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from signing.registers.assignment import Handler
from signing.registers.entries import IncomingFields
from signing.registers.numbering import ArrivalNumber
from storage.records.vocabulary import Confidentiality, Urgency


@dataclass
class IncomingForm:
    """The incoming entry form as typed (strings), and what is wrong with it."""

    sender: str = ""
    issuing_agency: str = ""
    symbol: str = ""
    doc_type: str = ""
    summary: str = ""
    signer: str = ""
    issued_on: str = ""
    confidentiality: str = Confidentiality.thuong.value
    urgency: str = Urgency.thuong.value
    due_date: str = ""
    sheets: str = ""
    copies: str = ""
    paper_copy: bool = False
    sub_of: str = ""
    arrival_number: str = ""
    arrived_on: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    error_args: dict[str, dict[str, object]] = field(default_factory=dict)

    @classmethod
    def of(cls, values: IncomingFields) -> IncomingForm:
        """The form showing ``values``."""
        return cls(sender=values.sender, issuing_agency=values.issuing_agency,
                   symbol=values.symbol, doc_type=values.doc_type, summary=values.summary,
                   signer=values.signer,
                   issued_on=values.issued_on.isoformat() if values.issued_on else "",
                   confidentiality=values.confidentiality.value, urgency=values.urgency.value,
                   due_date=values.due_date.isoformat() if values.due_date else "",
                   sheets="" if values.sheets is None else str(values.sheets),
                   copies="" if values.copies is None else str(values.copies),
                   paper_copy=values.paper_copy)

    def _day(self, name: str) -> date | None:
        text = getattr(self, name).strip()
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.errors[name] = "registers.error_date"
            return None

    def _count(self, name: str) -> int | None:
        text = getattr(self, name).strip()
        if not text:
            return None
        if not text.isdigit() or len(text) > 6:
            self.errors[name] = "registers.error_count"
            return None
        return int(text)

    def arrival(self) -> tuple[int | None, date | None]:
        """The arrival number and day typed (or proposed from the stamp); (None, None):
        the next number of today."""
        return self._count("arrival_number"), self._day("arrived_on")

    def propose(self, arrival: ArrivalNumber | None) -> IncomingForm:
        """The form with ``arrival`` (the stamp's number and day) filled in, if any."""
        if arrival is not None:
            self.arrival_number, self.arrived_on = str(arrival.number), arrival.day.isoformat()
        return self

    def sub_number_of(self) -> int | None:
        """The arrival number this document takes a sub-number of (None: a new number)."""
        return self._count("sub_of")

    def parsed(self) -> IncomingFields | None:
        """The fields, or None with :attr:`errors` (catalogue keys) filled."""
        if self.confidentiality not in Confidentiality.__members__.values():
            self.errors["confidentiality"] = "registers.error_choice"
        if self.urgency not in Urgency.__members__.values():
            self.errors["urgency"] = "registers.error_choice"
        if not self.summary.strip():
            self.errors["summary"] = "registers.error_summary"
        values = IncomingFields(
            sender=self.sender, issuing_agency=self.issuing_agency, symbol=self.symbol,
            doc_type=self.doc_type, summary=self.summary, signer=self.signer,
            issued_on=self._day("issued_on"), due_date=self._day("due_date"),
            sheets=self._count("sheets"), copies=self._count("copies"),
            paper_copy=self.paper_copy,
            confidentiality=Confidentiality(self.confidentiality)
            if "confidentiality" not in self.errors else Confidentiality.thuong,
            urgency=Urgency(self.urgency) if "urgency" not in self.errors else Urgency.thuong)
        return None if self.errors else values


def handlers_from_form(handlers: list[str], parts: list[str],
                       deadlines: list[str]) -> tuple[Handler | None, tuple[Handler, ...], str]:
    """The lead and support handlers of the assignment form (one row per user: its
    username, its part ``""``/``lead``/``support`` and a deadline), or an error key."""
    lead: list[Handler] = []
    support: list[Handler] = []
    for username, part, deadline in zip(handlers, parts, deadlines, strict=False):
        if part not in ("lead", "support"):
            continue
        try:
            day = date.fromisoformat(deadline) if deadline.strip() else None
        except ValueError:
            return None, (), "registers.error_date"
        (lead if part == "lead" else support).append(Handler(username, day))
    if len(lead) != 1:
        return None, (), "registers.error_one_lead"
    return lead[0], tuple(support), ""
