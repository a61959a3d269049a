"""Pages and text made on the fly for the OCR input/output tests."""

from __future__ import annotations

import cv2
import numpy as np

VIETNAMESE_LINE = "Ủy ban nhân dân thành phố Hà Nội quyết định"


def page_with_boxes(height: int = 400, width: int = 600) -> np.ndarray:
    """A white BGR page with three black rectangles, to recognise pages after a round trip."""
    image = np.full((height, width, 3), 255, np.uint8)
    cv2.rectangle(image, (20, 30), (200, 90), (0, 0, 0), -1)
    cv2.rectangle(image, (300, 200), (560, 260), (0, 0, 200), -1)
    return image
