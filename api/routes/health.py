"""``GET /health``: every dependency checked, 503 naming the ones that are down."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import RuntimeDep
from ocr.tesseract import tesseract_info
from storage.errors import SohoaError

router = APIRouter(prefix="/health", tags=["health"])


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


@router.get("", summary="Status of every dependency")
def health(runtime: RuntimeDep) -> JSONResponse:
    """Reports database, queue, object store and Tesseract; 503 when any is down."""
    checks = {
        "database": _check(runtime.db.check),
        "queue": _check(runtime.queue.check),
        "object_store": _check(runtime.store.check),
        "tesseract": _check(lambda: _tesseract(runtime.settings.tesseract_cmd)),
    }
    down = [name for name, result in checks.items() if not result["ok"]]
    body = {"status": "down" if down else "ok", "down": down, "checks": checks}
    return JSONResponse(body, status_code=503 if down else 200)
