"""The records database: schema, sessions, migrations, the audit chain and the unit tree.

Open it once with :func:`open_database`, call :func:`upgrade_schema` at start, then work in
``with db.session() as session:`` blocks. Errors leave as :mod:`storage.errors` types.
"""

from storage.records.audit import (
    APPEND_ONLY_TRIGGERS,
    SYSTEM_ACTOR,
    AuditCheck,
    append_audit,
    entry_hash,
    verify_audit_chain,
)
from storage.records.db import (
    Database,
    DatabaseConfig,
    current_revision,
    head_revision,
    open_database,
    upgrade_schema,
)
from storage.records.models import (
    ApiToken,
    AuditEntry,
    AuditHead,
    Base,
    Document,
    DocumentFile,
    DocumentStatus,
    Dossier,
    DossierStatus,
    Job,
    JobStatus,
    Role,
    Unit,
    User,
    UTCDateTime,
    utcnow,
)
from storage.records.units import is_in_subtree, unit_subtree_ids

__all__ = [
    "APPEND_ONLY_TRIGGERS",
    "SYSTEM_ACTOR",
    "ApiToken",
    "AuditCheck",
    "AuditEntry",
    "AuditHead",
    "Base",
    "Database",
    "DatabaseConfig",
    "Document",
    "DocumentFile",
    "DocumentStatus",
    "Dossier",
    "DossierStatus",
    "Job",
    "JobStatus",
    "Role",
    "UTCDateTime",
    "Unit",
    "User",
    "append_audit",
    "current_revision",
    "entry_hash",
    "head_revision",
    "is_in_subtree",
    "open_database",
    "unit_subtree_ids",
    "upgrade_schema",
    "utcnow",
    "verify_audit_chain",
]
