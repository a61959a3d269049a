"""``POST /verify``: anyone may check a signed PDF; nothing is kept.

Handlers are plain ``def`` (FastAPI's thread pool reads the upload); the verification
itself runs in the app's :class:`~signing.verify.pool.VerificationPool`, one worker process
per core, made at start (``api.app``). Without one (``SOHOA_VERIFY_IN_PROCESSES=false``) it
runs in the handler's thread, as before.
"""

from __future__ import annotations

import io
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response

from api.deps import RuntimeDep
from api.transactions import CommitOnReturn
from ingest.intake import spool_limited
from signing.incoming import check_pdf
from signing.verify import VerificationReport
from signing.verify.pool import VerificationPool

router = APIRouter(route_class=CommitOnReturn, prefix="/verify", tags=["verification"])
Format = Literal["json", "html", "pdf"]


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
    setup = runtime.settings.verify_setup()
    pool: VerificationPool | None = getattr(request.app.state, "verify_pool", None)
    if pool is None:
        report = check_pdf(buffer.getvalue(), name, setup)
    else:
        report = pool.check(buffer.getvalue(), name, trust_roots=setup.services.trust_roots,
                            online=setup.online)
    return render(report, format, lang)
