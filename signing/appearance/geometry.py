"""Rectangles in PDF user space: points (1/72 inch), origin at the bottom left of the page,
y growing upwards, as pyHanko's ``SigFieldSpec.box`` and a widget's ``/Rect`` have them."""

from __future__ import annotations

from dataclasses import dataclass

MM = 72 / 25.4
"""Points per millimetre."""


@dataclass(frozen=True)
class Box:
    """An upright rectangle in PDF user space (``x0 < x1``, ``y0 < y1``; y grows upwards)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        """Width in points."""
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        """Height in points."""
        return self.y1 - self.y0

    @property
    def centre(self) -> tuple[float, float]:
        """The centre point (x, y)."""
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2

    def as_tuple(self) -> tuple[float, float, float, float]:
        """``(x0, y0, x1, y1)`` rounded to 1/100 pt: what ``SigFieldSpec(box=...)`` takes."""
        return (round(self.x0, 2), round(self.y0, 2), round(self.x1, 2), round(self.y1, 2))

    @classmethod
    def around(cls, x: float, y: float, width: float, height: float) -> Box:
        """The ``width`` x ``height`` box centred on ``(x, y)``."""
        return cls(x - width / 2, y - height / 2, x + width / 2, y + height / 2)

    def moved_inside(self, page: Box) -> Box:
        """This box shifted (never resized) as little as possible to lie inside ``page``;
        a box larger than the page is aligned on the page's left/bottom edge."""
        dx = max(page.x0 - self.x0, min(0.0, page.x1 - self.x1))
        dy = max(page.y0 - self.y0, min(0.0, page.y1 - self.y1))
        return Box(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)
