"""The one settings object, read from ``SOHOA_*`` variables and an optional ``.env``.

Built once at the edge (CLI, app factory, worker) and turned into the plain config objects
the domain packages take; nothing below ``api`` reads the environment.
"""

from __future__ import annotations

import os
import secrets
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.errors import ConfigurationError, SohoaError
from storage.objects import LocalStoreConfig, S3StoreConfig, StoreConfig
from storage.records import DatabaseConfig

if TYPE_CHECKING:
    from ingest.calendar import WorkingCalendar
    from ingest.digitise import DigitiseOptions
    from ingest.uploads import Uploader
    from ocr.model import OcrLimits
    from signing.exchange.deadlines import ExchangeDeadlines
    from signing.exchange.request_auth import RequestAuthPolicy
    from signing.incoming import VerifySetup
    from signing.keystore import KeyFileSealer
    from signing.pades import TrustServices
    from signing.pki import DemoPki
    from signing.requests import SigningSetup
    from storage.accounts import LoginPolicy
    from storage.attempts import AttemptLimits


class Settings(BaseSettings):
    """Every setting of sohoa. With none set, everything runs embedded under ``data_dir``."""

    model_config = SettingsConfigDict(
        env_prefix="SOHOA_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(default=Path("sohoa-data"), description="Embedded data directory")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite")
    redis_url: str | None = Field(default=None, description="Redis URL; default embedded Valkey")
    s3_endpoint: str | None = Field(default=None, description="host:port of an S3 server")
    s3_access_key: str = ""
    s3_secret_key: SecretStr = SecretStr("")
    s3_bucket: str = "sohoa"
    s3_secure: bool = False
    s3_region: str | None = None
    s3_outbox: bool = Field(
        default=False,
        description="Accept an upload once it is fsynced in data_dir/s3-outbox and send it to "
                    "S3 in the background (read from there until sent) instead of waiting "
                    "for its PUT")
    s3_spool_dir: Path | None = Field(
        default=None,
        description="Where uploads bound for S3 are written while they arrive and are hashed "
                    "(default: the system temp dir); it needs room for the largest upload")
    queue_name: str = "sohoa"
    secret_key: SecretStr | None = Field(
        default=None, description="Signs download URLs; default a random key kept in data_dir"
    )
    public_url: str = Field(default="http://127.0.0.1:8000", description="Base URL of the API")
    token_hours: int = Field(default=12, ge=1, le=24 * 30)
    tesseract_cmd: str = "tesseract"
    ocr_lang: str = Field(default="vie", description="Tesseract languages")
    ocr_jobs: int = Field(default=0, ge=0, description="OCR processes per job; 0: all cores")
    job_retries: int = Field(default=3, ge=0, le=20)
    max_upload_mb: int = Field(default=200, ge=1, le=100_000,
                               description="largest file accepted by an upload, in MB")
    job_timeout_seconds: int = Field(default=3600, ge=10)
    holidays: str = Field(default="", description="extra days off skipped in due dates "
                          "(Vietnam's public holidays are known already): YYYY-MM-DD dates "
                          "separated by commas")
    workdays: str = Field(default="", description="make-up working days (a Saturday worked "
                          "in exchange for a bridge day) counted in due dates: YYYY-MM-DD "
                          "dates separated by commas")
    pki_dir: Path | None = Field(default=None, description="a demo PKI directory (sohoa pki "
                                 "init) whose time stamps, OCSP and CRL the API serves")
    pki_password: SecretStr = Field(default=SecretStr("1234"),
                                    description="the password of the demo PKI's keys")
    tsa_url: str | None = Field(default=None, description="RFC 3161 time-stamping service for "
                                "B-T and higher signatures")
    trust_roots: str = Field(default="", description="trust anchors (PEM files) for signing "
                             "and verification, separated by commas")
    signature_image: Path | None = Field(default=None, description="leader signature image "
                                         "(PNG) when a user has none of their own")
    seal_image: Path | None = Field(default=None, description="the agency's seal (PNG)")
    verify_online: bool = Field(default=False, description="fetch OCSP/CRL when verifying "
                                "(otherwise only the document's own validation data)")
    verify_in_processes: bool = Field(default=True, description="POST /verify verifies in "
                                      "worker processes, one per core (off: in the API's "
                                      "threads, one core's worth)")
    edxml_max_bytes: int = Field(default=100_000_000, ge=1_000, le=10_000_000_000,
                                 description="largest edXML exchange message read, in bytes "
                                 "(checked before parsing)")
    exchange_signed_requests: bool = Field(default=True, description="refuse (401) an "
                                           "exchange message POSTed without the sending "
                                           "unit's request signature (Sohoa-Signature)")
    exchange_request_window_seconds: int = Field(
        default=300, ge=10, le=3600, description="how far a signed exchange request's or "
        "answer's date may be from this clock; nonces are remembered twice as long")
    exchange_request_max_failures: int = Field(
        default=20, ge=1, le=100_000, description="exchange requests failing their "
        "signature check from one client address before it is locked for a while")
    max_pages: int = Field(default=2000, ge=1, le=100_000,
                           description="pages one uploaded file may have")
    ocr_document_seconds: float = Field(default=1800.0, ge=1.0, description="the time the "
                                        "OCR of one file may take, all its pages together")
    speedups: bool = Field(default=True, description="use sohoa's faster equivalents of three "
                           "pyHanko/asn1crypto parsers (checked for parity in the tests)")
    login_max_failures: int = Field(default=5, ge=1, le=1000, description="wrong passwords "
                                    "for one account before it is locked for a while")
    login_address_max_failures: int = Field(default=20, ge=1, le=100_000, description="wrong "
                                            "passwords from one client address before it is "
                                            "locked for a while")
    pin_max_failures: int = Field(default=5, ge=1, le=1000, description="wrong signing PINs "
                                  "for one user or key file before it is locked for a while")
    lockout_seconds: float = Field(default=30.0, gt=0, le=86_400, description="the first "
                                   "lockout after too many wrong guesses; each further wrong "
                                   "guess doubles it")
    lockout_max_seconds: float = Field(default=3600.0, gt=0, le=7 * 86_400,
                                       description="the longest lockout")
    password_hash_slots: int = Field(default=2, ge=1, le=64, description="password hashes "
                                     "(64 MiB of memory each) computed at once per process")
    worker_max_restarts: int = Field(default=5, ge=0, description="sohoa serve restarts a "
                                     "worker that exited at most this often within "
                                     "worker_restart_window_seconds, then gives up on it")
    worker_restart_window_seconds: float = Field(default=60.0, gt=0, description="the window "
                                                 "of worker_max_restarts")
    exchange_sla_arrived: str = Field(default="0d,2h,1h,30m,30m", description="time "
                                      "allowed for status 01 (arrived) per edXML priority "
                                      "0..4: 30m, 4h, or 0d (by the end of the same working "
                                      "day), 1d (of the next); see signing/exchange/deadlines")
    exchange_sla_registered: str = Field(default="0d,4h,2h,1h,1h", description="time "
                                         "allowed for status 03 (registered) per edXML "
                                         "priority 0..4, written like exchange_sla_arrived")
    exchange_sweep_seconds: float = Field(default=60.0, ge=0, le=86_400, description="how "
                                          "often sohoa serve sends the exchange statuses "
                                          "left pending (0 never)")
    exchange_sweep_max_seconds: float = Field(default=3600.0, gt=0, le=7 * 86_400,
                                              description="the longest wait before trying "
                                              "again a unit whose statuses could not be sent")

    @field_validator("holidays", "workdays")
    @classmethod
    def _check_holidays(cls, value: str) -> str:
        for text in filter(None, (part.strip() for part in value.split(","))):
            date.fromisoformat(text)  # a ValueError names the setting at start
        return value

    @field_validator("exchange_sla_arrived", "exchange_sla_registered")
    @classmethod
    def _check_sla(cls, value: str, info: ValidationInfo) -> str:
        from signing.exchange.deadlines import parse_allowances

        try:
            parse_allowances(value, f"SOHOA_{(info.field_name or '').upper()}")
        except SohoaError as error:  # named at start, not at the first page view
            named = (error.subject or "").startswith("SOHOA_")  # the setting is named anyway
            raise ValueError(error.message if named else str(error)) from error
        return value

    @model_validator(mode="after")
    def _data_dir_pki(self) -> Settings:
        """With no ``SOHOA_PKI_DIR``, the data directory's own demo PKI (``data_dir/pki``,
        made by ``sohoa demo``) is used when there is one."""
        if self.pki_dir is None and (self.data_dir / "pki" / "pki.json").is_file():
            self.pki_dir = self.data_dir / "pki"
        return self

    def holiday_dates(self) -> frozenset[date]:
        """The configured public holidays."""
        return frozenset(date.fromisoformat(part.strip()) for part in self.holidays.split(",")
                         if part.strip())

    def working_calendar(self) -> WorkingCalendar:
        """Plain config for due dates: Vietnam's public holidays, the configured extra
        days off (``SOHOA_HOLIDAYS``) and make-up working days (``SOHOA_WORKDAYS``)."""
        from ingest.calendar import WorkingCalendar

        workdays = frozenset(date.fromisoformat(part.strip())
                             for part in self.workdays.split(",") if part.strip())
        return WorkingCalendar(extra_holidays=self.holiday_dates(), workdays=workdays)

    def exchange_deadlines(self) -> ExchangeDeadlines:
        """The times allowed for the exchange's first answers (01, 03) per priority."""
        from signing.exchange.deadlines import ExchangeDeadlines

        return ExchangeDeadlines.parse(self.exchange_sla_arrived,
                                       self.exchange_sla_registered, self.working_calendar())

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to SQLite in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'sohoa.db').resolve()}"

    @property
    def uses_embedded_redis(self) -> bool:
        """Whether ``sohoa`` must start its own Redis-compatible server."""
        return not self.redis_url

    def database_config(self) -> DatabaseConfig:
        """Plain config for :mod:`storage.records`."""
        return DatabaseConfig(url=self.resolved_database_url)

    def store_config(self) -> StoreConfig:
        """Plain config for :mod:`storage.objects`: S3 when an endpoint is set, else local."""
        if self.s3_endpoint:
            return S3StoreConfig(
                endpoint=self.s3_endpoint,
                access_key=self.s3_access_key,
                secret_key=self.s3_secret_key.get_secret_value(),
                bucket=self.s3_bucket,
                secure=self.s3_secure,
                region=self.s3_region,
                outbox=(self.data_dir / "s3-outbox").resolve() if self.s3_outbox else None,
                spool=self.s3_spool_dir.resolve() if self.s3_spool_dir else None,
            )
        return LocalStoreConfig(
            root=(self.data_dir / "objects").resolve(),
            url_secret=self.url_secret(),
            url_base=f"{self.public_url.rstrip('/')}/objects",
        )

    def ocr_limits(self) -> OcrLimits:
        """The pages one file may have and the time its OCR may take."""
        from ocr.model import OcrLimits

        return OcrLimits(max_pages=self.max_pages,
                         document_timeout_seconds=self.ocr_document_seconds)

    def uploader(self, actor: str, user_id: int | None) -> Uploader:
        """Plain config for :mod:`ingest.uploads`: who uploads, and the limits on a file."""
        from ingest.uploads import Uploader

        return Uploader(actor=actor, user_id=user_id, max_bytes=self.max_upload_bytes,
                        limits=self.ocr_limits())

    @property
    def max_upload_bytes(self) -> int:
        """The upload size limit in bytes."""
        return self.max_upload_mb * 1_000_000

    def digitise_options(self) -> DigitiseOptions:
        """Plain config for :mod:`ingest.digitise`."""
        from ingest.digitise import DigitiseOptions

        return DigitiseOptions(lang=self.ocr_lang, jobs=self.ocr_jobs or None,
                               limits=self.ocr_limits())

    def trust_services(self) -> TrustServices:
        """The time-stamping service and trust anchors the settings name."""
        from signing.trust import trust_services

        return trust_services(self.tsa_url, [item for item in self.trust_roots.split(",")
                                             if item], self.pki_dir)

    def attempt_limits(self, max_failures: int) -> AttemptLimits:
        """Plain config for :mod:`storage.attempts`: ``max_failures`` and the lockouts."""
        from storage.attempts import AttemptLimits

        return AttemptLimits(max_failures=max_failures, lockout_seconds=self.lockout_seconds,
                             max_lockout_seconds=max(self.lockout_max_seconds,
                                                     self.lockout_seconds))

    def login_policy(self) -> LoginPolicy:
        """Plain config for :func:`storage.accounts.login`."""
        from storage.accounts import LoginPolicy

        return LoginPolicy(account=self.attempt_limits(self.login_max_failures),
                           address=self.attempt_limits(self.login_address_max_failures),
                           hashing_slots=self.password_hash_slots)

    def exchange_request_policy(self) -> RequestAuthPolicy:
        """Plain config for :mod:`signing.exchange.request_auth` (the receiving side)."""
        from signing.exchange.request_auth import RequestAuthPolicy

        return RequestAuthPolicy(required=self.exchange_signed_requests,
                                 window_seconds=float(self.exchange_request_window_seconds),
                                 limits=self.attempt_limits(self.exchange_request_max_failures))

    def pin_limits(self) -> AttemptLimits:
        """Plain config for the PIN guard of :func:`signing.requests.sign_batch`."""
        return self.attempt_limits(self.pin_max_failures)

    def signing_setup(self) -> SigningSetup:
        """Plain config for :mod:`signing.requests`: trust services, the sealer of stored
        key files, and the images of the leader's signature and the agency's seal (the demo
        PKI's when none is set)."""
        from signing.requests import SigningSetup

        def image(configured: Path | None, name: str) -> Path | None:
            if configured is not None:
                return Path(configured)
            if self.pki_dir is not None and (Path(self.pki_dir) / name).is_file():
                return Path(self.pki_dir) / name
            return None

        return SigningSetup(services=self.trust_services(), key_files=self.key_file_sealer(),
                            signature_image=image(self.signature_image, "leader-signature.png"),
                            seal_image=image(self.seal_image, "agency-seal.png"))

    def verify_setup(self) -> VerifySetup:
        """Plain config for :mod:`signing.incoming`."""
        from signing.incoming import VerifySetup

        return VerifySetup(services=self.trust_services(), online=self.verify_online)

    def demo_pki(self) -> DemoPki | None:
        """The demo PKI named by ``SOHOA_PKI_DIR`` (opened with ``SOHOA_PKI_PASSWORD``),
        whose time stamps, OCSP and CRL the app serves; None when none is configured."""
        if self.pki_dir is None:
            return None
        from signing.pki import load_pki

        return load_pki(self.pki_dir, self.pki_password.get_secret_value())

    def key_file_sealer(self) -> KeyFileSealer:
        """The sealer of stored key files: a key derived (HKDF, its own label) from
        ``SOHOA_SECRET_KEY`` or the data directory's ``secret.key``, which live outside the
        database and the object store; changing that secret makes stored key files
        unreadable (users upload them again)."""
        from signing.keystore import KeyFileSealer, derive_server_key

        return KeyFileSealer(derive_server_key(self.url_secret()))

    def ensure_data_dir(self) -> Path:
        """The data directory, created for the owner alone (0700); one that exists keeps
        its owner but loses group and world access, as the database and keys are in it."""
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        mode = self.data_dir.stat().st_mode & 0o777
        if mode & 0o077:
            self.data_dir.chmod(mode & 0o700)
        return self.data_dir

    def url_secret(self) -> bytes:
        """The HMAC key for download URLs: the configured one, or one kept in ``data_dir``."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        path = self.data_dir / "secret.key"
        if not path.exists():
            self.ensure_data_dir()
            try:  # created readable by the owner alone from its first byte
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another process made it first: use theirs
            else:
                with os.fdopen(descriptor, "w") as file:
                    file.write(secrets.token_hex(32))
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
        return path.read_text().strip().encode()


def load_settings(**overrides: object) -> Settings:
    """Build the settings from the environment, ``.env`` and explicit overrides; a bad value
    is a :class:`ConfigurationError` naming its ``SOHOA_*`` variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        name = "SOHOA_" + "_".join(str(part) for part in first.get("loc", ())).upper()
        raise ConfigurationError(str(first.get("msg", "invalid value")), subject=name) from None
