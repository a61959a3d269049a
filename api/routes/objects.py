"""Time-limited download URLs of the local object store, checked by HMAC (no login).

Every download is an attachment named after its document (sanitised), with ``nosniff`` and
a sandboxing CSP, so a stored file is never rendered as a page of this site.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import select

from api.deps import RuntimeDep, SessionDep, session_is_live
from api.schemas import MAX_ID
from api.transactions import CommitOnReturn
from storage.errors import NotFoundError
from storage.objects import CHUNK_SIZE, LocalStoreConfig
from storage.objects.signed_urls import verify_download
from storage.records import Document, DocumentFile, FileRole

router = APIRouter(route_class=CommitOnReturn, prefix="/objects", tags=["objects"])

DOWNLOAD_CSP = "default-src 'none'; sandbox"
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;%]+')


def safe_filename(name: str, fallback: str = "download") -> str:
    """``name`` without directories, control characters, quotes or separators (NFC, at most
    150 characters, never starting with a dot); ``fallback`` if nothing is left."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip(" ._")
    if len(cleaned) > 150:
        suffix = PurePosixPath(cleaned).suffix[:16]
        cleaned = cleaned[:150 - len(suffix)] + suffix
    return cleaned or fallback


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII ``filename`` and the exact UTF-8 ``filename*``."""
    ascii_name = (unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
                  or "download")
    ascii_name = _UNSAFE.sub("_", ascii_name).replace(" ", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def download_name(session: SessionDep, key: str) -> str:
    """The name a stored object is saved as: its document's file name (for derived files,
    the name's stem with the file's role and the object's suffix)."""
    row = session.execute(
        select(Document.filename, DocumentFile.role).join(
            DocumentFile, DocumentFile.document_id == Document.id)
        .where(DocumentFile.object_key == key).order_by(DocumentFile.id).limit(1)).first()
    suffix = PurePosixPath(key).suffix[:16]
    if row is None:
        return safe_filename(PurePosixPath(key).name)
    filename, role = row
    name = safe_filename(filename or "document")
    if role == FileRole.original:
        return name
    return safe_filename(f"{PurePosixPath(name).stem}-{role}{suffix}")


@router.get("/{key:path}", summary="Download by a signed URL")
def download(key: str, expires: Annotated[int, Query(ge=0, le=MAX_ID)],
             signature: Annotated[str, Query(max_length=128)], runtime: RuntimeDep,
             session: SessionDep,
             bound: Annotated[str, Query(alias="session", max_length=100)] = ""
             ) -> StreamingResponse:
    """Stream an object if the URL's signature is valid and not expired, and the login
    session it was made for has not ended."""
    config = runtime.settings.store_config()
    if not isinstance(config, LocalStoreConfig) or not verify_download(
        key, expires, signature, config.url_secret
    ) or not session_is_live(session, bound, signature, config.url_secret):
        raise NotFoundError("the download link is invalid or has expired (links last ten "
                            "minutes and end at logout)", subject=key)
    info = runtime.store.stat(key)
    store = runtime.store
    name = download_name(session, key)

    def chunks() -> Iterator[bytes]:
        with store.open(key) as stream:
            while chunk := stream.read(CHUNK_SIZE):
                yield chunk

    return StreamingResponse(chunks(), media_type=info.content_type, headers={
        "Content-Length": str(info.size),
        "Content-Disposition": content_disposition(name),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": DOWNLOAD_CSP,
        "Cache-Control": "private, no-store",
    })
