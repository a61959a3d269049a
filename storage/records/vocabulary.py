"""Every closed set of names the records use, as StrEnums, in one place.

"Role" means three different things in this domain, so each has its own name here: what a
user may do (:class:`UserRole`), what a stored file of a document is (:class:`FileRole`)
and in which Decree 30 capacity a signature is made (:class:`SigningRole`). The values are
the strings stored in the database and shown in the API, so they never change.
"""

from __future__ import annotations

import enum


class UserRole(enum.StrEnum):
    """What a user may do: receive dossiers, lead a unit, run the records office, administer."""

    intake = "intake"
    leader = "leader"
    clerk = "clerk"
    admin = "admin"


Role = UserRole
"""The name the records schema has always used for :class:`UserRole`."""


class DossierStatus(enum.StrEnum):
    """Where a dossier (hồ sơ) is in its life."""

    received = "received"
    digitising = "digitising"
    digitised = "digitised"
    in_progress = "in_progress"
    result_signed = "result_signed"
    returned = "returned"


class DocumentStatus(enum.StrEnum):
    """Where a document is in digitisation or drafting."""

    received = "received"
    queued = "queued"
    processing = "processing"
    digitised = "digitised"
    failed = "failed"
    draft = "draft"
    signed = "signed"


class JobStatus(enum.StrEnum):
    """State of a background job."""

    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class JobKind(enum.StrEnum):
    """What a background job does."""

    ocr = "ocr"
    fixity = "fixity"
    retrain = "retrain"
    stack = "stack"
    exchange_delivery = "exchange_delivery"


class FileRole(enum.StrEnum):
    """What one stored file of a document version is."""

    original = "original"
    searchable_pdf = "searchable_pdf"
    text = "text"
    words = "words"
    signed = "signed"
    verification = "verification"


class SigningRole(enum.StrEnum):
    """The Decree 30 capacity of a signature (placement and appearance follow from it)."""

    leader = "leader"
    agency = "agency"
    attachment = "attachment"
    copy = "copy"


class SigningRequestStatus(enum.StrEnum):
    """Where a request for a signature stands."""

    pending = "pending"
    signed = "signed"


class TrainingSource(enum.StrEnum):
    """Whether staff changed the classifier's answer or confirmed it."""

    correction = "correction"
    confirmation = "confirmation"


class AuditAction(enum.StrEnum):
    """Every action the audit log records."""

    unit_created = "unit_created"
    user_created = "user_created"
    user_disabled = "user_disabled"
    user_enabled = "user_enabled"
    password_reset = "password_reset"  # noqa: S105  (an audit action, not a secret)
    role_changed = "role_changed"
    login = "login"
    dossier_created = "dossier_created"
    dossier_status = "dossier_status"
    dossier_applicant = "dossier_applicant"
    document_received = "document_received"
    document_assigned = "document_assigned"
    document_ocr = "document_ocr"
    document_ocr_refused = "document_ocr_refused"
    document_corrected = "document_corrected"
    document_confirmed = "document_confirmed"
    document_signed = "document_signed"
    document_verified = "document_verified"
    stack_received = "stack_received"
    stack_split = "stack_split"
    stack_refused = "stack_refused"
    fixity_checked = "fixity_checked"
    classifier_trained = "classifier_trained"
    signature_requested = "signature_requested"
    signing_key_registered = "signing_key_registered"
    signing_key_sealed = "signing_key_sealed"
    certificate_bound = "certificate_bound"
    login_failed = "login_failed"
    pin_failed = "pin_failed"
    locked_out = "locked_out"
    register_entry_created = "register_entry_created"
    exchange_message_sent = "exchange_message_sent"
    exchange_message_received = "exchange_message_received"
    register_entry_edited = "register_entry_edited"
    register_entry_voided = "register_entry_voided"
    register_assigned = "register_assigned"
    register_returned = "register_returned"
    register_done = "register_done"
    exchange_request_received = "exchange_request_received"
    exchange_request_decided = "exchange_request_decided"
    exchange_revocation_sent = "exchange_revocation_sent"


class RegisterKind(enum.StrEnum):
    """The two register books of a unit's records office (Decree 30): documents that
    arrive (sổ văn bản đến) and documents it issues (sổ văn bản đi)."""

    incoming = "incoming"
    outgoing = "outgoing"


class Confidentiality(enum.StrEnum):
    """Độ mật of a document: thường, mật, tối mật, tuyệt mật (the values are the Vietnamese
    names, as Decree 30 and the exchange format call them)."""

    thuong = "thuong"
    mat = "mat"
    toi_mat = "toi_mat"
    tuyet_mat = "tuyet_mat"


class Urgency(enum.StrEnum):
    """Độ khẩn of a document: thường, khẩn, thượng khẩn, hỏa tốc."""

    thuong = "thuong"
    khan = "khan"
    thuong_khan = "thuong_khan"
    hoa_toc = "hoa_toc"


class EntrySource(enum.StrEnum):
    """Where a register entry's fields came from: typed by the clerk, read from a scan (and
    confirmed by the clerk), or taken from an exchange message (then never edited)."""

    manual = "manual"
    scan = "scan"
    exchange = "exchange"


class EntryState(enum.StrEnum):
    """Where a register entry is: awaiting assignment, assigned, done, or voided."""

    awaiting = "awaiting"
    assigned = "assigned"
    done = "done"
    void = "void"
    revoked = "revoked"  # withdrawn by its sender (exchange status 15), kept in the book
    replaced = "replaced"  # replaced or updated by its sender's newer document (15)


class HandlerRole(enum.StrEnum):
    """A handler's part in an assignment: the one lead handler or a support handler."""

    lead = "lead"
    support = "support"


class AssignmentStatus(enum.StrEnum):
    """An assignment is open until its handler returns it (misrouted) or it is replaced."""

    open = "open"
    returned = "returned"
    replaced = "replaced"
    done = "done"


class RegisterEventKind(enum.StrEnum):
    """What happened to a register entry (the trail the exchange status messages follow)."""

    registered = "registered"
    edited = "edited"
    assigned = "assigned"
    returned = "returned"
    done = "done"
    voided = "voided"
    revoked = "revoked"
    replaced = "replaced"
