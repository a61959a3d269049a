"""Registers (Decree 30/2020): each unit's book of incoming documents (sổ văn bản đến) and
of outgoing ones (sổ văn bản đi), numbered per book and year from 1 on 1 January (Vietnam
time), numbers taken atomically; entries filled from a scan's fields (confirmed by the
clerk) or from an exchange message (never edited); assignment to handlers; the skipped
numbers; the book as PDF and CSV.

They sit with signing and exchange: an incoming entry links the verification report made
on arrival, an outgoing one numbers a signed document before the agency seal.
"""
