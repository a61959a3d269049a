"""``POST /verify``: anyone may check a signed PDF; nothing is kept.

Handlers are plain ``def`` (FastAPI's thread pool reads the upload); the verification
itself runs in the app's :class:`~signing.verify.pool.VerificationPool`, one worker process
per core, made at start (``api.app``). Without one (``SOHOA_VERIFY_IN_PROCESSES=false``) it
runs in the handler's thread, as before.
"""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response

from api.deps import RuntimeDep
from api.settings import Settings
from api.transactions import CommitOnReturn
from ingest.intake import spool_limited
from signing.incoming import VerifySetup, check_pdf
from signing.verify import VerificationReport
from signing.verify.pool import VerificationPool

router = APIRouter(route_class=CommitOnReturn, prefix="/verify", tags=["verification"])
Format = Literal["json", "html", "pdf"]


_SETUPS: dict[tuple[object, ...], VerifySetup] = {}
_SETUPS_LOCK = threading.Lock()


def verify_setup(settings: Settings) -> VerifySetup:
    """``settings.verify_setup()``, read again only when its anchor files change (their
    path, size, modification time and inode are part of the key): reading and parsing
    the PEM files on every request cost the API's process ~0.5 ms per verification."""
    files = [item for item in settings.trust_roots.split(",") if item]
    if settings.pki_dir is not None:
        files.append(str(Path(settings.pki_dir) / "root-ca.pem"))
    try:
        stats = tuple((name, found.st_size, found.st_mtime_ns, found.st_ino)
                      for name in files for found in (os.stat(name),))
    except OSError:
        return settings.verify_setup()  # says which file is missing, as before
    key = (settings.trust_roots, str(settings.pki_dir), settings.verify_online, stats)
    with _SETUPS_LOCK:
        setup = _SETUPS.get(key)
    if setup is None:
        setup = settings.verify_setup()
        with _SETUPS_LOCK:
            if len(_SETUPS) > 8:
                _SETUPS.clear()
            _SETUPS[key] = setup
    return setup


def render(report: VerificationReport, form: Format, lang: Literal["vi", "en"]) -> Response:
    """The report as JSON, HTML or PDF."""
    if form == "html":
        from signing.verify.render import report_html

        return HTMLResponse(report_html(report, lang=lang))
    if form == "pdf":
        from signing.verify.render import report_pdf

        return Response(report_pdf(report, lang=lang), media_type="application/pdf",
                        headers={"Content-Disposition": 'inline; filename="bao-cao-xac-minh.pdf"'})
    return JSONResponse(report.to_json())


@router.post("", summary="Verify a signed PDF (no login; nothing is kept)",
             responses={200: {"content": {"application/json": {}, "text/html": {},
                                          "application/pdf": {}}}})
def verify(request: Request, file: UploadFile, runtime: RuntimeDep,
           format: Annotated[Format, Query()] = "json",
           lang: Annotated[Literal["vi", "en"], Query()] = "vi") -> Response:
    """Every signature checked: intact, valid, trusted, revocation, time stamp, level, what
    it covers and what changed after it. The verdict is ``valid``."""
    name = file.filename or "upload.pdf"
    buffer = io.BytesIO()
    spool_limited(file.file, buffer, name, runtime.settings.max_upload_bytes)
    setup = verify_setup(runtime.settings)
    pool: VerificationPool | None = getattr(request.app.state, "verify_pool", None)
    if pool is None:
        report = check_pdf(buffer.getvalue(), name, setup)
    else:
        report = pool.check(buffer.getvalue(), name, trust_roots=setup.services.trust_roots,
                            online=setup.online)
    return render(report, format, lang)
