"""``GET /health``: every dependency checked, the workers alive, 503 when something is wrong.

``status`` is ``ok`` (200), ``down`` (503: a dependency does not answer) or ``degraded``
(503: jobs wait and no worker is alive to run them, or ``sohoa serve`` gave up restarting
a process that kept crashing). Anyone may ask; only an administrator's token also gets the
details (which dependency, its address and version, the workers, the oldest job's wait,
and with ``SOHOA_S3_OUTBOX`` the uploads waiting to be sent to S3: ``outbox``).
"""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from api.deps import RuntimeDep, oauth2_scheme
from api.runtime import Runtime
from api.supervisor import queue_liveness
from api.transactions import CommitOnReturn
from ocr.tesseract import tesseract_info
from storage.accounts import authenticate
from storage.errors import SohoaError
from storage.objects.outbox import outbox_backlog
from storage.records import UserRole

router = APIRouter(route_class=CommitOnReturn, prefix="/health", tags=["health"])


def _check(probe: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        detail = probe()
    except SohoaError as error:
        return {"ok": False, "error": str(error)}
    except Exception as error:  # a dependency's own failure, reported, never raised
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}
    return {"ok": True, "detail": detail, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _tesseract(command: str) -> dict[str, Any]:
    info = tesseract_info(command)
    if info.missing_languages:
        missing = ", ".join(info.missing_languages)
        raise RuntimeError(f"tesseract {info.version} lacks the language data: {missing}")
    return {"version": info.version, "languages": list(info.languages)}


def _is_admin(runtime: Runtime, token: str | None) -> bool:
    """Whether ``token`` is an administrator's; never raises (a database that is down
    makes every caller anonymous)."""
    if not token:
        return False
    try:
        with runtime.db.session() as session:
            return authenticate(session, token).role == UserRole.admin
    except Exception:  # a bad token or a database that is down: no details
        return False


def _workers(runtime: Runtime, request: Request) -> dict[str, Any]:
    liveness = queue_liveness(runtime.redis, runtime.settings.queue_name)
    detail: dict[str, Any] = {
        "alive": len(liveness.workers), "names": liveness.workers,
        "waiting": liveness.waiting, "oldest_wait_seconds": liveness.oldest_wait_seconds,
        "stalled": liveness.stalled,
    }
    supervisor = getattr(request.app.state, "supervisor", None)
    if supervisor is not None:
        detail["supervisor"] = {**supervisor.status(), "given_up": supervisor.given_up,
                                "starting": supervisor.starting_workers}
    return detail


def _outbox(runtime: Runtime) -> dict[str, Any] | None:
    """What waits in the S3 outbox (read from local disk, so shown while S3 is down);
    ``None`` when there is no outbox."""
    result = _check(lambda: outbox_backlog(runtime.settings.store_config()))
    if result["ok"]:
        if result["detail"] is None:
            return None
        result["detail"] = asdict(result["detail"])
    return result


@router.get("", summary="Status of every dependency and of the workers")
def health(runtime: RuntimeDep, request: Request,
           token: Annotated[str | None, Depends(oauth2_scheme)]) -> JSONResponse:
    """``ok``, ``down`` or ``degraded`` (503 for both); details for administrators."""
    checks = {
        "database": _check(runtime.db.check),
        "queue": _check(runtime.queue.check),
        "object_store": _check(runtime.store.check),
        "tesseract": _check(lambda: _tesseract(runtime.settings.tesseract_cmd)),
    }
    down = [name for name, result in checks.items() if not result["ok"]]
    workers = _check(lambda: _workers(runtime, request)) if not down else None
    degraded: list[str] = []
    if workers is not None and workers["ok"]:
        detail = workers["detail"]
        starting = detail.get("supervisor", {}).get("starting", [])
        if detail["stalled"] and not starting:  # a worker still starting is not a dead one
            degraded.append("no worker is alive while jobs wait")
        if detail.get("supervisor", {}).get("given_up"):
            names = ", ".join(detail["supervisor"]["given_up"])
            degraded.append(f"sohoa serve gave up restarting {names}")
    status = "down" if down else "degraded" if degraded else "ok"
    code = 200 if status == "ok" else 503
    if not _is_admin(runtime, token):
        return JSONResponse({"status": status}, status_code=code)
    body: dict[str, Any] = {"status": status, "down": down, "degraded": degraded,
                            "checks": checks}
    if workers is not None:
        body["workers"] = workers
    outbox = _outbox(runtime)
    if outbox is not None:
        body["outbox"] = outbox
    return JSONResponse(body, status_code=code)
