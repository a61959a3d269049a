"""Time-limited download URLs: presigned on S3, HMAC-signed for the local directory."""

from __future__ import annotations

import hashlib
import io
import random
import time
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from storage.errors import BadInputError
from storage.objects import LocalStoreConfig, ObjectStore, StoreConfig
from storage.objects.factory import sign_download, verify_download
from storage.objects.s3 import S3ObjectStore
from storage.objects.signed_urls import signed_download_url


def split_local_url(url: str, url_base: str) -> tuple[str, str, str]:
    """(key, expires, signature) from a local download URL, as the API route would see them."""
    assert url.startswith(url_base + "/")
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    key = unquote(url[len(url_base) + 1 :].split("?", 1)[0])
    return key, query["expires"][0], query["signature"][0]


def test_download_url_gives_the_bytes(
    store: ObjectStore, store_config: StoreConfig, prefix: str
) -> None:
    data = random.Random(21).randbytes(300_000)
    info = store.put(prefix, io.BytesIO(data), suffix=".pdf", content_type="application/pdf")

    url = store.download_url(info.key, timedelta(minutes=5))

    if isinstance(store_config, LocalStoreConfig):
        key, expires, signature = split_local_url(url, store_config.url_base)
        secret = store_config.url_secret
        assert key == info.key
        assert 290 <= int(expires) - time.time() <= 301
        assert verify_download(key, expires, signature, secret)
        with store.open(key) as stream:  # what the API route does next
            assert hashlib.sha256(stream.read()).hexdigest() == info.sha256
    else:
        assert url.startswith("http://")
        with urllib.request.urlopen(url, timeout=30) as response:
            body = response.read()
            assert response.headers["Content-Type"] == "application/pdf"
        assert hashlib.sha256(body).hexdigest() == info.sha256
        assert body == data


def test_s3_presigned_url_refuses_tampering(s3_store: S3ObjectStore, prefix: str) -> None:
    store = s3_store
    first = store.put(prefix, io.BytesIO(b"first"))
    second = store.put(prefix, io.BytesIO(b"second"))
    url = store.download_url(first.key, timedelta(minutes=5))

    tampered = url.replace(first.sha256, second.sha256)

    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(tampered, timeout=30)
    assert excinfo.value.code == 403


@pytest.mark.parametrize("lifetime", [timedelta(0), timedelta(seconds=-5), timedelta(days=8)])
def test_download_url_lifetime_is_bounded(
    store: ObjectStore, prefix: str, lifetime: timedelta
) -> None:
    info = store.put(prefix, io.BytesIO(b"x"))

    with pytest.raises(BadInputError):
        store.download_url(info.key, lifetime)


SECRET = b"s3cr3t-for-tests"
KEY = "dossiers/1/documents/2/" + "ab" * 32 + ".pdf"


def test_verify_download_accepts_a_fresh_signature() -> None:
    expires = int(time.time()) + 60
    signature = sign_download(KEY, expires, SECRET)

    assert len(signature) == 64
    assert verify_download(KEY, expires, signature, SECRET)
    assert verify_download(KEY, str(expires), signature.upper(), SECRET)


def test_verify_download_rejects_tampering_and_expiry() -> None:
    expires = int(time.time()) + 60
    signature = sign_download(KEY, expires, SECRET)
    other_key = KEY.replace("documents/2", "documents/3")
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]

    assert not verify_download(other_key, expires, signature, SECRET)
    assert not verify_download(KEY, expires + 3600, signature, SECRET)
    assert not verify_download(KEY, expires, flipped, SECRET)
    assert not verify_download(KEY, expires, signature, b"another secret")
    assert not verify_download(KEY, expires, "", SECRET)
    assert not verify_download(KEY, "soon", signature, SECRET)
    # Expired: same signature, checked after the deadline.
    assert not verify_download(KEY, expires, signature, SECRET, now=expires + 1)
    past = int(time.time()) - 1
    assert not verify_download(KEY, past, sign_download(KEY, past, SECRET), SECRET)


def test_local_url_shape() -> None:
    url = signed_download_url("http://host/objects/", KEY, 1_900_000_000, SECRET)

    key, expires, signature = split_local_url(url, "http://host/objects")
    assert (key, expires) == (KEY, "1900000000")
    assert signature == sign_download(KEY, 1_900_000_000, SECRET)
