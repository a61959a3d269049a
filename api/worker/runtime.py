"""The worker process's runtime: built once per worker process, adapted (not rebuilt)
in each forked work horse."""

from __future__ import annotations

import os

from api.runtime import Runtime, open_runtime
from api.settings import load_settings

_runtime: Runtime | None = None


def set_worker_runtime(runtime: Runtime) -> None:
    """Let jobs in this process (and the work horses it forks) use ``runtime``."""
    global _runtime
    _runtime = runtime


def worker_runtime() -> Runtime:
    """The runtime of this worker process: built from the environment on first use; in a
    forked work horse, the parent's with fresh connection pools."""
    global _runtime
    if _runtime is None:
        _runtime = open_runtime(load_settings(), start_embedded_redis=False, upgrade=False)
    elif _runtime.pid != os.getpid():
        _runtime.after_fork()
    return _runtime


def preload() -> None:
    """Import what jobs use and load the newest classifier before work horses are forked,
    so each job starts with them in memory instead of loading them again."""
    import api.worker.jobs  # noqa: F401 - the job functions and the use cases behind them
    import ocr.pipeline  # noqa: F401
    from ingest.classify.registry import MODELS

    runtime = worker_runtime()
    with runtime.db.session() as session:
        MODELS.classifier(session, runtime.store, train_if_missing=False)
