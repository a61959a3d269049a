"""The interface's words: one message catalogue per language, Vietnamese first.

Each language is a directory ``api/web/messages/<lang>/`` of JSON files, one per area of
the interface (``common.json``, ``intake.json``...), merged into one catalogue; a key
appears in exactly one file. Every key of Vietnamese exists in English and the other way
round (``tests/api/web/test_i18n.py``). Texts may hold ``{name}`` placeholders, filled by
:meth:`Catalogue.text`; they are plain text, escaped by the templates like any value.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

MESSAGES_DIR = Path(__file__).resolve().parent / "messages"
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"


class CatalogueError(ValueError):
    """A catalogue file that cannot be used (bad JSON, a key twice, a non-text value)."""


@dataclass(frozen=True)
class Catalogue:
    """The texts of one language, by key."""

    language: str
    texts: dict[str, str]

    def text(self, key: str, /, **values: object) -> str:
        """The text of ``key`` with its placeholders filled; the key itself when missing
        (a test makes sure none is)."""
        template = self.texts.get(key)
        if template is None:
            return key
        return template.format(**values) if values else template


def load_catalogue(language: str, directory: Path = MESSAGES_DIR) -> Catalogue:
    """Read and merge ``directory/<language>/*.json`` (NFC texts)."""
    texts: dict[str, str] = {}
    for path in sorted((directory / language).glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CatalogueError(f"{path}: {error}") from error
        if not isinstance(data, dict):
            raise CatalogueError(f"{path}: not a JSON object")
        for key, value in data.items():
            if not isinstance(value, str):
                raise CatalogueError(f"{path}: {key!r} is not a text")
            if key in texts:
                raise CatalogueError(f"{path}: {key!r} is also in another file")
            texts[key] = unicodedata.normalize("NFC", value)
    return Catalogue(language, texts)


@functools.cache
def catalogue(language: str) -> Catalogue:
    """The catalogue of ``language`` (read once per process); Vietnamese when unknown."""
    return load_catalogue(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def pick_language(requested: str | None) -> str:
    """``requested`` when it is a language of the interface, else Vietnamese."""
    return requested if requested in LANGUAGES else DEFAULT_LANGUAGE
