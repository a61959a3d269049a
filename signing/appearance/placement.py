"""Where each Decree 30 appearance goes on the page: pure geometry in PDF user space."""

from __future__ import annotations

from collections.abc import Sequence

from signing.appearance.blocks import SignerBlock
from signing.appearance.fonts import line_leading, text_width
from signing.appearance.geometry import MM, Box
from signing.errors import SigningInputError

LEADER_MARGIN = 1.5 * MM
"""Room kept between the signature image and the position and name lines."""
LEADER_MAX_WIDTH = 55 * MM
SEAL_DIAMETER_MM = 38.0
SEAL_OVERLAP = 1 / 3
"""The share of the leader image's width that the seal covers, on its left side."""
STAMP_RIGHT = 10 * MM
STAMP_TOP = 8 * MM
"""Distances of an attachment or copy stamp from the right and top edges of the page (a
three-line stamp then ends above a Decree 30 header, which starts 20 mm from the top)."""
STAMP_PADDING = 1
"""Points between the stamp's text and the edges of its box."""


def leader_box(block: SignerBlock, image_width_px: int, image_height_px: int) -> Box:
    """The leader's signature image scaled (aspect kept) to fit the signature space of
    ``block`` less a small margin, at most :data:`LEADER_MAX_WIDTH` wide, centred on the
    block's column and vertically between the position line and the name line.

    Raises :class:`~signing.errors.SigningInputError` for an empty image or a space too
    small to hold anything.
    """
    if image_width_px <= 0 or image_height_px <= 0:
        raise SigningInputError(f"the signature image is empty ({image_width_px} x "
                                f"{image_height_px} px)")
    gap = block.gap
    room = gap.height - 2 * LEADER_MARGIN
    if room <= 0:
        raise SigningInputError(f"the signature space on page {block.page_index + 1} is "
                                f"only {gap.height / MM:.1f} mm tall")
    scale = min(room / image_height_px, LEADER_MAX_WIDTH / image_width_px)
    return Box.around(block.centre_x, gap.centre[1], image_width_px * scale,
                      image_height_px * scale)


def seal_box(leader: Box, diameter_mm: float = SEAL_DIAMETER_MM, *,
             page: Box | None = None) -> Box:
    """The agency's seal at real size (``diameter_mm`` square), vertically centred on the
    leader's signature image, covering the left third of it (its right edge at
    ``leader.x0 + leader.width / 3``); shifted inside ``page`` when it would leave it."""
    size = diameter_mm * MM
    right = leader.x0 + leader.width * SEAL_OVERLAP
    box = Box(right - size, leader.centre[1] - size / 2, right, leader.centre[1] + size / 2)
    return box if page is None else box.moved_inside(page)


def seal_box_on_gap(block: SignerBlock, diameter_mm: float = SEAL_DIAMETER_MM) -> Box:
    """The seal centred on the signature space of ``block`` (no leader signature to lean
    on), kept inside the page."""
    size = diameter_mm * MM
    return Box.around(block.centre_x, block.gap.centre[1], size, size).moved_inside(block.page)


def stamp_box(page_width: float, page_height: float, lines: Sequence[str],
              font_size: float = 10, *, page_origin: tuple[float, float] = (0.0, 0.0)
              ) -> Box:
    """The box of an attachment or copy stamp: ``lines`` of Liberation Serif at
    ``font_size`` (line pitch :func:`~signing.appearance.fonts.line_leading`) plus padding,
    its top right corner :data:`STAMP_RIGHT` from the right edge and :data:`STAMP_TOP` from
    the top edge of the page."""
    if not lines:
        raise SigningInputError("a text stamp needs at least one line")
    width = max(text_width(line, font_size) for line in lines) + 2 * STAMP_PADDING + 2
    height = len(lines) * line_leading(font_size) + 2 * STAMP_PADDING
    x1 = page_origin[0] + page_width - STAMP_RIGHT
    y1 = page_origin[1] + page_height - STAMP_TOP
    return Box(x1 - width, y1 - height, x1, y1)
