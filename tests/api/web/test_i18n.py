"""The message catalogues: the same keys in Vietnamese and English, NFC texts, every key a
template names exists, and a key lives in one file only."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from api.web.i18n import LANGUAGES, MESSAGES_DIR, CatalogueError, load_catalogue
from api.web.templates import NAVIGATION, TEMPLATES_DIR

KEY_IN_TEMPLATE = re.compile(r"""\bt\(\s*["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""")


def test_both_languages_have_the_same_keys() -> None:
    vi, en = (load_catalogue(language) for language in LANGUAGES)
    assert set(vi.texts) == set(en.texts), (set(vi.texts) ^ set(en.texts))
    assert len(vi.texts) > 50


def test_texts_are_nfc_and_vietnamese_has_its_diacritics() -> None:
    vi = load_catalogue("vi")
    assert all(unicodedata.is_normalized("NFC", text) for text in vi.texts.values())
    assert vi.text("login.title") == "Đăng nhập"
    assert vi.text("home.welcome", user="Nguyễn Văn A") == "Xin chào, Nguyễn Văn A"


def test_every_key_a_template_or_the_navigation_names_exists() -> None:
    known = set(load_catalogue("vi").texts)
    used = {link.key for link in NAVIGATION}
    for template in TEMPLATES_DIR.rglob("*.html"):
        used.update(KEY_IN_TEMPLATE.findall(template.read_text(encoding="utf-8")))
    assert used - known == set()


def test_a_key_in_two_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "vi").mkdir()
    (tmp_path / "vi" / "a.json").write_text(json.dumps({"x.y": "một"}), encoding="utf-8")
    (tmp_path / "vi" / "b.json").write_text(json.dumps({"x.y": "hai"}), encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"x\.y"):
        load_catalogue("vi", tmp_path)


def test_the_catalogues_are_where_the_package_ships_them() -> None:
    assert sorted(path.name for path in MESSAGES_DIR.iterdir()) == sorted(LANGUAGES)


def test_every_document_type_the_classifier_gives_has_a_label() -> None:
    """Pages name types and fields through ``documents.type.<code>`` keys built at render
    time (no literal key in a template): a type the classifier knows must have one."""
    from ingest.classify.vocabulary import DOC_TYPES

    for language in LANGUAGES:
        texts = load_catalogue(language).texts
        missing = {kind for kind in DOC_TYPES if f"documents.type.{kind}" not in texts}
        assert missing == set(), (language, missing)
