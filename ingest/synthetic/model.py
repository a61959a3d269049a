"""The data model of a synthetic document: typed blocks of printed lines and its ground truth."""

from __future__ import annotations

from dataclasses import dataclass, field

DOC_TYPES: tuple[str, ...] = (
    "quyet_dinh", "cong_van", "to_trinh", "bao_cao", "thong_bao", "ke_hoach", "bien_ban",
    "giay_moi", "nghi_quyet", "huong_dan", "hop_dong",
    "don_de_nghi", "to_khai", "giay_chung_nhan", "giay_to_tuy_than", "other",
)

ADMINISTRATIVE_TYPES: tuple[str, ...] = DOC_TYPES[:11]

BLOCK_KINDS: frozenset[str] = frozenset({
    "header_left", "header_right", "title", "summary", "body", "signer_left", "signer_right",
    "form_field", "plain",
})
ALIGNS: frozenset[str] = frozenset({"left", "centre", "justify", "right"})


@dataclass(frozen=True)
class Block:
    """A run of printed lines of one kind, already wrapped to the page width.

    Consecutive ``header_left``/``header_right`` blocks form the two header columns;
    ``signer_left``/``signer_right`` the two signature columns. A ``body`` block is one
    paragraph (justified when ``align`` is "justify", its last line left-aligned).
    """

    kind: str
    lines: tuple[str, ...]
    align: str = "left"
    bold: bool = False
    size: float = 13.0
    page_break_before: bool = False

    def __post_init__(self) -> None:
        """Reject unknown kinds and alignments early (a typo would silently mis-render)."""
        if self.kind not in BLOCK_KINDS:
            raise ValueError(f"unknown block kind {self.kind!r}")
        if self.align not in ALIGNS:
            raise ValueError(f"unknown alignment {self.align!r}")


@dataclass(frozen=True)
class SyntheticDocument:
    """A generated document: its type, ground-truth fields and printed blocks in reading order."""

    doc_id: str
    doc_type: str
    fields: dict[str, str] = field(hash=False)
    blocks: tuple[Block, ...]

    def text(self) -> str:
        """Every printed line in reading order, one per line (header left column first)."""
        return "\n".join(line for block in self.blocks for line in block.lines)

