"""Sending and receiving edXML messages between units (issue 15): the transports, the
outbox (durable, delivered by jobs with back-off), the inbox (verified on arrival,
idempotent) and the status trail each sent document gathers."""
