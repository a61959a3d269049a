"""Content-addressed object storage behind one small interface, with two backends.

Pick a backend once with :func:`open_object_store` from a config object; code above this
package only sees :class:`ObjectStore` and the errors of :mod:`storage.errors`.
"""

from storage.objects.base import (
    CHUNK_SIZE,
    LocalStoreConfig,
    ObjectInfo,
    ObjectStore,
    S3StoreConfig,
    StoreConfig,
    object_key,
)
from storage.objects.factory import open_object_store

__all__ = [
    "CHUNK_SIZE",
    "LocalStoreConfig",
    "ObjectInfo",
    "ObjectStore",
    "S3StoreConfig",
    "StoreConfig",
    "object_key",
    "open_object_store",
]
