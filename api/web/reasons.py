"""Why a file was refused or its reading failed, in the reader's language.

The domain packages explain a bad file in English ("damaged PNG image: page 1 cannot be
decoded (truncated or corrupt)"): the same text goes to the logs, the CLI and the JSON API's
problem details. The pages show it in the reader's language: ``reason_texts/<lang>.json``
holds, per language, an ordered list of ``[English pattern, replacement]`` pairs (Python
regular expressions; ``\\1`` in a replacement is the pattern's first group), applied in
turn. A phrase no pair knows stays as it was (file names, technical details in brackets),
so a new message is never lost, only left untranslated; ``tests/api/web/test_reasons.py``
checks that every message the intake and OCR checks give for the bad-input corpus is covered.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

REASONS_DIR = Path(__file__).resolve().parent / "reason_texts"


class ReasonCatalogueError(ValueError):
    """A reasons file that cannot be used (bad JSON, not a list of pairs, a bad pattern)."""


@cache
def _rules(language: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    path = REASONS_DIR / f"{language}.json"
    if not path.is_file():
        return ()
    try:
        pairs = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ReasonCatalogueError(f"{path.name}: not JSON ({error})") from error
    if not isinstance(pairs, list):
        raise ReasonCatalogueError(f"{path.name}: not a list of [pattern, text] pairs")
    rules: list[tuple[re.Pattern[str], str]] = []
    for number, pair in enumerate(pairs, 1):
        if not (isinstance(pair, list) and len(pair) == 2
                and all(isinstance(part, str) for part in pair)):
            raise ReasonCatalogueError(f"{path.name}: entry {number} is not [pattern, text]")
        try:
            pattern = re.compile(pair[0])
        except re.error as error:
            raise ReasonCatalogueError(f"{path.name}: entry {number}: {error}") from error
        rules.append((pattern, unicodedata.normalize("NFC", pair[1])))
    return tuple(rules)


def say_reason(reason: str, language: str) -> str:
    """``reason`` (an English explanation from a domain package) in ``language``; unchanged
    for English or a language without a reasons file."""
    for pattern, replacement in _rules(language):
        reason = pattern.sub(replacement, reason)
    return reason
