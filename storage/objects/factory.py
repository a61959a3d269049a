"""Pick an object store backend from a config object."""

from __future__ import annotations

from storage.errors import ConfigurationError
from storage.objects.base import LocalStoreConfig, ObjectStore, S3StoreConfig, StoreConfig
from storage.objects.signed_urls import sign_download, signed_download_url, verify_download

__all__ = ["open_object_store", "sign_download", "signed_download_url", "verify_download"]


def open_object_store(config: StoreConfig) -> ObjectStore:
    """The backend matching ``config``: a local directory or an S3 bucket.

    No network call is made here; call ``check()`` on the result to probe the store (the S3
    backend creates its bucket there, or on the first write).
    """
    if isinstance(config, LocalStoreConfig):
        from storage.objects.local import LocalObjectStore

        return LocalObjectStore(config)
    if isinstance(config, S3StoreConfig):
        # Imported here so that the local backend never loads the minio client.
        from storage.objects.s3 import S3ObjectStore

        return S3ObjectStore(config)
    raise ConfigurationError(
        f"unknown object store config {type(config).__name__}", subject="object store"
    )
