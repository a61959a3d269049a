"""One S3 PUT straight from a staged file whose SHA-256 is already known.

minio's ``put_object`` reads the whole part into memory and, over plain HTTP, hashes it
again to sign it (``x-amz-content-sha256``). A staged upload was hashed as it arrived, so
here that SHA-256 is signed as the payload hash and the body is sent from a read-only memory
map of the file: no copy into a fresh buffer and no second hash. A server that checks the
payload hash (AWS, MinIO) so also refuses a body that is not what was received; SeaweedFS
does not check it. Errors are minio's and urllib3's, for the caller to translate.
"""

from __future__ import annotations

import mmap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlunsplit

import urllib3
from minio import Minio
from minio.credentials.credentials import Credentials
from minio.error import S3Error, ServerError
from minio.helpers import BaseURL
from minio.signer import sign_v4_s3
from minio.time import to_amz_date, utcnow


@contextmanager
def _mapped(path: Path, size: int) -> Iterator[bytes | mmap.mmap]:
    """The file's ``size`` bytes as a read-only memory map (an empty file as ``b""``)."""
    if size == 0:
        yield b""
        return
    with path.open("rb") as file, mmap.mmap(file.fileno(), size,
                                            access=mmap.ACCESS_READ) as mapped:
        yield mapped


def put_staged_file(client: Minio, http: urllib3.PoolManager, base_url: BaseURL,
                    credentials: Credentials, *, bucket: str, key: str, path: Path,
                    size: int, sha256: str, content_type: str) -> None:
    """PUT the ``size`` bytes of ``path`` as ``bucket/key`` in one request (its SHA-256,
    hex, is the signed payload hash and the ``x-amz-meta-sha256`` metadata); raises
    :class:`S3Error` (or :class:`ServerError`) for an answer other than 200."""
    region = client._get_region(bucket)  # cached per bucket by minio
    url = base_url.build(method="PUT", region=region, bucket_name=bucket, object_name=key)
    date = utcnow()
    headers = sign_v4_s3(
        method="PUT", url=url, region=region, credentials=credentials,
        content_sha256=sha256, date=date,
        headers={"Host": url.netloc, "Content-Type": content_type,
                 "Content-Length": str(size), "x-amz-meta-sha256": sha256,
                 "x-amz-content-sha256": sha256, "x-amz-date": to_amz_date(date)})
    with _mapped(path, size) as body:
        response = http.urlopen("PUT", urlunsplit(url), body=body, headers=headers,
                                preload_content=True)
    if response.status == 200:
        return
    if response.data and "xml" in response.headers.get("content-type", ""):
        raise S3Error.fromxml(response)
    raise ServerError(f"server failed with HTTP status code {response.status}",
                      response.status)
