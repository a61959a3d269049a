"""The running service's resources, built once from the settings.

``open_runtime`` connects to (or starts) every dependency and fails fast, with one line
naming the setting and the address, when one cannot be reached.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import redis

from api.embedded_redis import EmbeddedRedis
from api.queue import RqQueue, connect_redis
from api.settings import Settings
from storage.errors import ConfigurationError, UnavailableError
from storage.objects import ObjectStore, S3StoreConfig, open_object_store
from storage.records import Database, open_database, upgrade_schema


@dataclass
class Runtime:
    """Connections to the database, object store and queue, shared by one process."""

    settings: Settings
    db: Database
    store: ObjectStore
    redis: redis.Redis
    queue: RqQueue
    """The job queue; it is also the queue port (:class:`storage.jobs.JobQueue`)."""
    redis_url: str
    embedded_redis: EmbeddedRedis | None = None
    pid: int = field(default_factory=os.getpid)

    def after_fork(self) -> None:
        """Make the runtime safe to use in a forked child (a worker's work horse): new
        database connections (the parent's stay the parent's) and a new object-store
        client; the Redis client's pool notices the fork by itself."""
        self.db.engine.dispose(close=False)
        self.store = open_object_store(self.settings.store_config())
        self.pid = os.getpid()

    def close(self) -> None:
        """Release connections and stop an embedded server this process started."""
        self.db.dispose()
        self.redis.close()
        if self.embedded_redis is not None:
            self.embedded_redis.stop()


def open_store(settings: Settings) -> ObjectStore:
    """The configured object store, checked (an unreachable one names its setting)."""
    config = settings.store_config()
    store = open_object_store(config)
    try:
        store.check()
    except UnavailableError as error:
        subject = "SOHOA_S3_ENDPOINT" if isinstance(config, S3StoreConfig) else "SOHOA_DATA_DIR"
        raise ConfigurationError(error.message, subject=subject) from error
    return store


def _open_redis(
    settings: Settings, start_embedded: bool
) -> tuple[redis.Redis, str, EmbeddedRedis | None]:
    if settings.redis_url:
        return connect_redis(settings.redis_url), settings.redis_url, None
    embedded = EmbeddedRedis(settings.data_dir)
    if embedded.is_running():
        return connect_redis(embedded.url), embedded.url, None
    if not start_embedded:
        raise UnavailableError(
            f"no embedded server is running under {embedded.directory}", subject="SOHOA_REDIS_URL"
        )
    url = embedded.ensure_running()
    return connect_redis(url), url, embedded


def open_records(settings: Settings, *, upgrade: bool = True) -> Database:
    """Only the records database (for commands that need nothing else), schema upgraded."""
    settings.ensure_data_dir()
    db = open_database(settings.database_config())
    try:
        db.check()
        if upgrade:
            upgrade_schema(db)
    except BaseException:
        db.dispose()
        raise
    return db


def open_runtime(settings: Settings, *, start_embedded_redis: bool = True,
                 upgrade: bool = True) -> Runtime:
    """Connect to every dependency, upgrade the schema, and return the runtime.

    Raises a :class:`storage.errors.SohoaError` (configuration or unavailable) naming the
    setting and address of the first dependency that fails.
    """
    db = open_records(settings, upgrade=upgrade)
    try:
        store = open_store(settings)
        client, redis_url, embedded = _open_redis(settings, start_embedded_redis)
    except BaseException:
        db.dispose()
        raise
    queue = RqQueue(
        connection=client,
        name=settings.queue_name,
        retries=settings.job_retries,
        timeout_seconds=settings.job_timeout_seconds,
    )
    return Runtime(settings=settings, db=db, store=store, redis=client, queue=queue,
                   redis_url=redis_url, embedded_redis=embedded)
