"""``sohoa serve`` and ``sohoa worker``: the API with its workers, and a worker alone."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from types import FrameType
from typing import TYPE_CHECKING

from api.cli.common import Commands

if TYPE_CHECKING:
    from api.runtime import Runtime


def register(commands: Commands) -> None:
    """Add ``serve`` and ``worker``."""
    serve = commands.add_parser("serve", help="API, web UI and a background worker")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1,
                       help="background worker processes to start (0: none)")
    serve.add_argument("--watch", default=None, metavar="DIR",
                       help="also ingest what scanners drop into DIR (see sohoa watch)")
    serve.set_defaults(run=cmd_serve)
    worker = commands.add_parser("worker", help="an RQ worker for the same configuration")
    worker.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    worker.add_argument("--name", default=None, help="worker name (default: random)")
    worker.set_defaults(run=cmd_worker)


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def _seal_plain_key_files(runtime: Runtime) -> None:
    """Key files an older installation stored plain are sealed before anyone signs."""
    from signing.key_sealing import seal_plain_key_files

    with runtime.db.session() as session:
        sealed = seal_plain_key_files(session, runtime.store,
                                      runtime.settings.key_file_sealer(), actor="sohoa serve")
    if sealed:
        print(f"sealed {len(sealed)} plain key file(s) under the server key", file=sys.stderr)


def cmd_serve(args: argparse.Namespace) -> int:
    """API + background workers on the configured (or embedded) services.

    The workers, the scanner-folder process and the embedded Valkey server are supervised
    (restarted when they die, :mod:`api.supervisor`) and die with this process."""
    import uvicorn

    from api.app import create_app
    from api.embedded_redis import EmbeddedRedis
    from api.runtime import open_runtime
    from api.settings import load_settings
    from api.supervisor import Supervisor

    settings = load_settings()
    if "public_url" not in settings.model_fields_set:
        host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host  # noqa: S104
        settings.public_url = f"http://{host}:{args.port}"
    runtime = open_runtime(settings)
    _seal_plain_key_files(runtime)
    env = {**os.environ, "SOHOA_REDIS_URL": runtime.redis_url,
           "SOHOA_DATA_DIR": str(settings.data_dir.resolve())}
    supervisor = Supervisor(max_restarts=settings.worker_max_restarts,
                            window_seconds=settings.worker_restart_window_seconds)
    for number in range(1, max(args.workers, 0) + 1):
        supervisor.add(f"worker-{number}", [sys.executable, "-m", "api", "worker"], env)
    if args.watch:  # the scanner folder, watched by its own process like the workers
        supervisor.add("watch", [sys.executable, "-m", "api", "watch", args.watch], env)
    if settings.uses_embedded_redis:
        supervisor.watch_embedded_redis(runtime.embedded_redis
                                        or EmbeddedRedis(settings.data_dir))
    if settings.exchange_sweep_seconds > 0:  # statuses left pending, sent in the background
        from api.exchange_sweep import pending_status_sweep, sweep_pending_statuses

        sweep = pending_status_sweep(runtime)
        supervisor.every("exchange-statuses", settings.exchange_sweep_seconds,
                         lambda: sweep_pending_statuses(sweep))
    app = create_app(settings, runtime)
    app.state.supervisor = supervisor  # /health reports what it gave up on
    # uvicorn re-raises SIGTERM after its graceful shutdown; make that a normal exit so
    # the workers and the embedded Valkey server below are stopped too.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        supervisor.start()
        print(f"sohoa: serving on http://{args.host}:{args.port} (data: {settings.data_dir}, "
              f"{len(supervisor.children)} worker(s))", file=sys.stderr)
        uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    finally:
        supervisor.stop()  # the workers, then the Valkey server
        runtime.close()
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Process jobs from the queue until stopped (or, with --burst, until it is empty).

    The runtime is built once here; each job runs in a forked work horse that reuses it
    with fresh connection pools, with the job modules and the newest classifier loaded
    already (:func:`api.worker.runtime.preload`)."""
    from api.runtime import open_runtime
    from api.settings import load_settings
    from api.speedups import apply_speedups
    from api.worker.queue import run_worker
    from api.worker.runtime import preload, set_worker_runtime

    settings = load_settings()
    apply_speedups(settings)
    runtime = open_runtime(settings)
    set_worker_runtime(runtime)
    try:
        preload()
        run_worker(runtime.redis, settings.queue_name, burst=args.burst, name=args.name)
    finally:
        runtime.close()
    return 0
