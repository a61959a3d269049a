"""The OCR ideas a benchmark can switch on or off (``--on a,b`` / ``--off c``), by name.

Each idea is a module-level switch in ``ocr/``; the benchmarks set it in their own process
before any page is read. OCR run in worker processes starts from the module's default, so a
benchmark that switches an idea reads with ``--jobs 1`` (pages in this process).
"""

from __future__ import annotations

from types import ModuleType

from ocr import preprocess, recognise, uncovered

IDEAS: dict[str, tuple[ModuleType, str]] = {
    "smooth": (preprocess, "SMOOTH_BILEVEL"),
    "reread": (recognise, "REREAD_DOUBTFUL_LINES"),
    "choices": (recognise, "SYLLABLE_CHOICES"),
    "seal": (preprocess, "LIFT_RED_SEAL"),
    "grayseal": (preprocess, "LIFT_GRAY_SEAL"),
    "unread": (uncovered, "READ_UNREAD"),
    "grayedges": (preprocess, "GRAY_EDGES"),
}


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
    for name in parse(off):
        module, attribute = IDEAS[name]
        setattr(module, attribute, False)
    for name in parse(on):
        module, attribute = IDEAS[name]
        setattr(module, attribute, True)
    return f"OCR ideas off: {off or 'nothing'}; on: {on or 'nothing'}"
