"""Time-limited download URLs of the local object store, checked by HMAC (no login)."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from api.deps import RuntimeDep
from storage.errors import NotFoundError
from storage.objects import CHUNK_SIZE, LocalStoreConfig
from storage.objects.signed_urls import verify_download

router = APIRouter(prefix="/objects", tags=["objects"])


@router.get("/{key:path}", summary="Download by a signed URL")
def download(key: str, expires: int, signature: str, runtime: RuntimeDep) -> StreamingResponse:
    """Stream an object if the URL's signature is valid and not expired."""
    config = runtime.settings.store_config()
    if not isinstance(config, LocalStoreConfig) or not verify_download(
        key, expires, signature, config.url_secret
    ):
        raise NotFoundError("the download link is invalid or has expired", subject=key)
    info = runtime.store.stat(key)
    store = runtime.store

    def chunks() -> Iterator[bytes]:
        with store.open(key) as stream:
            while chunk := stream.read(CHUNK_SIZE):
                yield chunk

    return StreamingResponse(chunks(), media_type=info.content_type,
                             headers={"Content-Length": str(info.size)})
