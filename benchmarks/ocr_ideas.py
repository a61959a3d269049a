"""The OCR ideas a benchmark can switch on or off (``--on a,b`` / ``--off c``), by name.

Each idea is a module-level switch in ``ocr/``; the benchmarks set it in their own process
before any page is read. OCR run in worker processes starts from the module's default, so a
benchmark that switches an idea reads with ``--jobs 1`` (pages in this process).
"""

from __future__ import annotations

import importlib

IDEAS: dict[str, tuple[str, str]] = {
    "smooth": ("ocr.preprocess", "SMOOTH_BILEVEL"),
    "reread": ("ocr.recognise", "REREAD_DOUBTFUL_LINES"),
    "choices": ("ocr.recognise", "SYLLABLE_CHOICES"),
    "seal": ("ocr.preprocess", "LIFT_RED_SEAL"),
    "grayseal": ("ocr.preprocess", "LIFT_GRAY_SEAL"),
    "unread": ("ocr.uncovered", "READ_UNREAD"),
    "grayedges": ("ocr.preprocess", "GRAY_EDGES"),
    "blackseal": ("ocr.black_seal", "LIFT_BLACK_SEAL"),
    "compound": ("ocr.recognise", "COMPOUND_PAIRS"),
    "tones": ("ocr.syllables", "RESTORE_TONES"),
    "marks": ("ocr.recognise", "MEND_MARKS"),
}
"""Each idea's module and switch, by name. The modules are imported only when an idea is
switched: importing this file must not import ``ocr`` before the benchmark has put its own
checkout first on ``sys.path`` (an ``--against`` run would otherwise read with this
checkout's code)."""


def parse(names: str) -> list[str]:
    """The idea names in a comma-separated option; ValueError names an unknown one."""
    wanted = [name.strip() for name in names.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in IDEAS]
    if unknown:
        raise ValueError(f"unknown OCR idea(s) {', '.join(unknown)}; "
                         f"known: {', '.join(IDEAS)}")
    return wanted


def switch(on: str = "", off: str = "") -> str:
    """Turn the named ideas on and off in this process; return a line saying which."""
    for names, value in ((parse(off), False), (parse(on), True)):
        for name in names:
            module, attribute = IDEAS[name]
            setattr(importlib.import_module(module), attribute, value)
    return f"OCR ideas off: {off or 'nothing'}; on: {on or 'nothing'}"
