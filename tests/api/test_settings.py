"""The one settings object: environment, .env, and the plain configs it hands down."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from api.settings import Settings
from storage.objects import LocalStoreConfig, S3StoreConfig


def test_defaults_are_embedded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings(data_dir=tmp_path / "d")
    assert settings.resolved_database_url == f"sqlite:///{(tmp_path / 'd' / 'sohoa.db')}"
    assert settings.uses_embedded_redis
    store = settings.store_config()
    assert isinstance(store, LocalStoreConfig)
    assert store.root == (tmp_path / "d" / "objects")
    assert store.url_secret == settings.url_secret()  # kept in the data dir, stable
    assert (tmp_path / "d" / "secret.key").stat().st_mode & 0o077 == 0


def test_environment_and_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("SOHOA_S3_ENDPOINT=minio:9000\nSOHOA_S3_BUCKET=from-dotenv\n")
    monkeypatch.setenv("SOHOA_S3_BUCKET", "from-environment")
    monkeypatch.setenv("SOHOA_S3_ACCESS_KEY", "key")
    monkeypatch.setenv("SOHOA_REDIS_URL", "redis://redis:6379/0")
    settings = Settings()
    store = settings.store_config()
    assert isinstance(store, S3StoreConfig)
    assert store.endpoint == "minio:9000"
    assert store.bucket == "from-environment"
    assert not settings.uses_embedded_redis


def test_bad_value_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOHOA_TOKEN_HOURS", "forever")
    with pytest.raises(ValueError, match="token_hours"):
        Settings()


def test_s3_uploads_are_spooled_where_configured(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """``SOHOA_S3_SPOOL_DIR`` is where an upload bound for S3 is written as it arrives (the
    directory is made when first needed); without it, the system temp dir."""
    from storage.objects.factory import open_object_store

    monkeypatch.setenv("SOHOA_S3_ENDPOINT", "127.0.0.1:1")
    spool = tmp_path / "spool" / "uploads"
    monkeypatch.setenv("SOHOA_S3_SPOOL_DIR", str(spool))
    config = Settings(_env_file=None, data_dir=tmp_path).store_config()
    assert isinstance(config, S3StoreConfig)
    assert config.spool == spool.resolve()
    assert open_object_store(config).staging_dir() == spool.resolve()
    assert spool.is_dir()
    monkeypatch.delenv("SOHOA_S3_SPOOL_DIR")
    config = Settings(_env_file=None, data_dir=tmp_path).store_config()
    assert isinstance(config, S3StoreConfig)
    assert config.spool is None
    assert str(open_object_store(config).staging_dir()) == tempfile.gettempdir()
