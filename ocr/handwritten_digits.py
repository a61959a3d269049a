"""Handwritten digits: a blank of a scanned page (the number after "Số:", the day after
"ngày") cut into glyphs and each glyph classified by a small model.

The model is trained in-process, deterministically, from the handwritten digits that ship
with scikit-learn (``sklearn.datasets.load_digits``: 1,797 digits by 43 writers, 8x8 cells
of 4x4 pixel counts), each also thickened, thinned and slanted, so nothing is downloaded.
Glyphs are prepared the same way as the training digits: cut tight, slant removed (image
moments), fitted into 32x32 pixels and summed into 8x8 cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

import cv2
import numpy as np

from ocr.model import Image

GRID = 32
"""Side of the glyph bitmap the 8x8 cells are summed from (as in the training set)."""

MIN_MAIN_HEIGHT = 0.45
"""A stroke at least this many blank heights tall is a digit's body; shorter ink is a
digit's part (the bar of a 5 or 7) when it lies over a body, else noise (dots, specks)."""

MAX_DIGIT_ASPECT = 1.15
"""A glyph wider than this many times its height holds touching digits."""

TOUCHING_ASPECT = 0.9
"""A glyph wider than this many times its height may be two touching digits: its reading
is not trusted alone."""

SPLIT_ASPECT = 0.72
"""The width of one digit, in glyph heights, when touching digits are split."""


@dataclass(frozen=True)
class Glyph:
    """One handwritten digit's ink (1 on 0), cut tight, and where it is in the crop."""

    ink: np.ndarray
    left: int
    right: int


@dataclass(frozen=True)
class DigitReading:
    """A blank read glyph by glyph: for each glyph, the ten digits from the most to the
    least likely ("1749...")."""

    ranked: tuple[str, ...]
    aspects: tuple[float, ...] = ()  # each glyph's width over its height

    @property
    def touching(self) -> bool:
        """Whether a glyph is as wide as two digits that touch (read as one, wrongly)."""
        return any(aspect > TOUCHING_ASPECT for aspect in self.aspects)

    @property
    def text(self) -> str:
        """The most likely digit of each glyph."""
        return "".join(choices[0] for choices in self.ranked)

    def allows(self, text: str, depth: int = 2) -> bool:
        """Whether ``text`` has a digit per glyph, each among that glyph's ``depth`` most
        likely (another reading that the glyphs do not contradict)."""
        return len(text) == len(self.ranked) and all(
            digit in choices[:depth] for digit, choices in zip(text, self.ranked, strict=True))


def binarise(gray: Image) -> np.ndarray:
    """Dark ink as 1 on 0: Otsu's threshold, never lighter than mid-grey paper marks."""
    threshold, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return (gray <= min(float(threshold), 170.0)).astype(np.uint8)


def segment(gray: Image, height: float) -> list[Glyph]:
    """The digits written in ``gray`` (a blank's crop, ``height`` pixels being the printed
    line's height), left to right. Rules, dots and specks are left out; strokes overlapping
    side by side are one glyph; a glyph much wider than tall is cut where its ink is
    thinnest into as many digits as its width holds."""
    ink = binarise(gray)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    crop_width = ink.shape[1]
    main, parts = [], []
    for index in range(1, count):
        x, _, w, h, area = (int(value) for value in stats[index])
        if w > 3 * h or area < max(4, 0.004 * height * height):
            continue  # a rule under the line, a speck
        if h >= MIN_MAIN_HEIGHT * height:
            if x + w >= crop_width - 1 and w < 0.3 * h:
                continue  # a sliver of the printed "/" or letter after the blank
            main.append(index)
        elif h >= 0.12 * height and w >= 0.12 * height:
            parts.append(index)
    if not main:
        return []
    groups: list[list[int]] = []
    for index in sorted(main, key=lambda item: int(stats[item, 0])):
        x, w = int(stats[index, 0]), int(stats[index, 2])
        if groups:
            gx0 = min(int(stats[item, 0]) for item in groups[-1])
            gx1 = max(int(stats[item, 0] + stats[item, 2]) for item in groups[-1])
            overlap = min(gx1, x + w) - max(gx0, x)
            if overlap >= 0.5 * min(w, gx1 - gx0):
                groups[-1].append(index)
                continue
        groups.append([index])
    for index in parts:  # a bar over a body: the part of the group it overlaps most
        x, w = int(stats[index, 0]), int(stats[index, 2])
        best, best_overlap = None, 0.5 * w
        for group in groups:
            gx0 = min(int(stats[item, 0]) for item in group)
            gx1 = max(int(stats[item, 0] + stats[item, 2]) for item in group)
            overlap = min(gx1, x + w) - max(gx0, x)
            if overlap > best_overlap:
                best, best_overlap = group, overlap
        if best is not None:
            best.append(index)
    glyphs: list[Glyph] = []
    for group in groups:
        mask = np.isin(labels, group).astype(np.uint8)
        glyphs.extend(_split(mask))
    return glyphs


def _split(mask: np.ndarray) -> list[Glyph]:
    """The glyph(s) of one group's ink: cut at the thinnest columns when it is wide."""
    ys, xs = np.nonzero(mask)
    x0, x1, y0, y1 = int(xs.min()), int(xs.max()) + 1, int(ys.min()), int(ys.max()) + 1
    width, height = x1 - x0, y1 - y0
    if width <= MAX_DIGIT_ASPECT * height:
        return [Glyph(mask[y0:y1, x0:x1], x0, x1)]
    pieces = max(2, round(width / (SPLIT_ASPECT * height)))
    columns = mask[y0:y1, x0:x1].sum(axis=0).astype(float)
    cuts = [0]
    for piece in range(1, pieces):
        centre = round(piece * width / pieces)
        window = max(2, round(0.2 * width / pieces))
        low, high = max(cuts[-1] + 1, centre - window), min(width - 1, centre + window)
        cuts.append(low + int(np.argmin(columns[low:high + 1])) if high >= low else centre)
    cuts.append(width)
    out = []
    for start, end in pairwise(cuts):
        part = mask[y0:y1, x0 + start: x0 + end]
        rows = np.nonzero(part.any(axis=1))[0]
        if rows.size:
            out.append(Glyph(part[rows[0]: rows[-1] + 1], x0 + start, x0 + end))
    return out


def _deslant(bitmap: np.ndarray) -> np.ndarray:
    """``bitmap`` (float, GRID x GRID) sheared upright by its second moments."""
    moments = cv2.moments(bitmap)
    if abs(moments["mu02"]) < 1e-2:
        return bitmap
    skew = moments["mu11"] / moments["mu02"]
    shear = np.array([[1, skew, -0.5 * GRID * skew], [0, 1, 0]], dtype=np.float32)
    return np.asarray(cv2.warpAffine(bitmap, shear, (GRID, GRID),
                                     flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP),
                      dtype=np.float32)


def _bitmap(ink: np.ndarray) -> np.ndarray | None:
    """A glyph's ink cut tight, fitted by its height (or width) into 32x32 pixels, centred,
    its slant removed; None when it has no ink."""
    ys, xs = np.nonzero(ink)
    if ys.size == 0:
        return None
    tight = ink[ys.min(): ys.max() + 1, xs.min(): xs.max() + 1].astype(np.float32)
    height, width = tight.shape
    scale = (GRID - 4) / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = cv2.resize(tight, size, interpolation=cv2.INTER_AREA)
    bitmap = np.zeros((GRID, GRID), dtype=np.float32)
    top, left = (GRID - size[1]) // 2, (GRID - size[0]) // 2
    bitmap[top: top + size[1], left: left + size[0]] = small
    return _deslant(bitmap)


def _orientations(bitmap: np.ndarray) -> np.ndarray:
    """Histograms of stroke directions (9 bins, weighted by gradient) in 4x4 cells of the
    smoothed bitmap, scaled to unit length: the shape the coarse cells blur away."""
    smooth = cv2.GaussianBlur(bitmap, (5, 5), 1.5)
    dx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3)
    dy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3)
    magnitude = np.hypot(dx, dy)
    bins = np.minimum(((np.arctan2(dy, dx) % np.pi) / np.pi * 9).astype(int), 8)
    cell = GRID // 4
    histogram = np.stack([(magnitude * (bins == k)).reshape(4, cell, 4, cell).sum(axis=(1, 3))
                          for k in range(9)], axis=-1).reshape(-1)
    return np.asarray(histogram / (np.linalg.norm(histogram) + 1e-6), dtype=np.float32)


def features(ink: np.ndarray) -> np.ndarray:
    """A glyph's features (any size, ink 1 on 0): the 64 cell sums of the training set's
    kind (8x8 cells of its 32x32 bitmap, over 16) and 144 stroke-direction bins."""
    bitmap = _bitmap(ink)
    if bitmap is None:
        return np.zeros(64 + 144, dtype=np.float32)
    cells = (bitmap >= 0.5).astype(np.float32).reshape(8, 4, 8, 4).sum(axis=(1, 3))
    return np.concatenate([cells.reshape(64) / 16.0, _orientations(bitmap)])


def _european(ink: np.ndarray, label: int) -> np.ndarray | None:
    """The digit as Vietnamese (and most European) hands write it, where that differs from
    the training set's writers: a 1 with its long upstroke, a 7 with its bar."""
    ys, xs = np.nonzero(ink)
    if ys.size == 0 or label not in (1, 7):
        return None
    variant = ink.copy()
    if label == 1:
        top = int(ys.min())
        x = int(xs[ys == top].mean())
        cv2.line(variant, (x, top), (max(0, x - 9), top + 9), 1, 3)
    else:
        middle = (int(ys.min()) + int(ys.max())) // 2
        row = np.nonzero(ink[middle])[0]
        if row.size == 0:
            return None
        centre = int(row.mean())
        cv2.line(variant, (centre - 7, middle), (centre + 7, middle), 1, 3)
    return variant


def _training_glyphs() -> tuple[list[np.ndarray], list[int]]:
    """The scikit-learn digits as ink bitmaps, each also thicker and thinner, and the 1s and
    7s also as Vietnamese hands write them."""
    from sklearn.datasets import load_digits

    digits: Any = load_digits()
    images, labels = [], []
    kernel = np.ones((3, 3), np.uint8)
    for image, label in zip(digits.images, digits.target, strict=True):
        big = cv2.resize(np.asarray(image, np.float32) / 16.0, (GRID, GRID),
                         interpolation=cv2.INTER_LINEAR)
        ink = (big >= 0.45).astype(np.uint8)
        european = _european(ink, int(label))
        for shape in (ink,) if european is None else (ink, european):
            for variant in (shape, cv2.dilate(shape, kernel), cv2.erode(shape, kernel)):
                if variant.any():
                    images.append(variant)
                    labels.append(int(label))
    return images, labels


class DigitModel:
    """A support-vector classifier of single handwritten digits (see the module's note)."""

    def __init__(self) -> None:
        from sklearn.svm import SVC

        images, labels = _training_glyphs()
        self._svc: Any = SVC(C=5.0, gamma="scale")
        self._svc.fit(np.stack([features(image) for image in images]), np.array(labels))

    def rank(self, glyphs: list[np.ndarray]) -> list[str]:
        """Each glyph's digits from the most to the least likely, as a string."""
        if not glyphs:
            return []
        scores = self._svc.decision_function(np.stack([features(ink) for ink in glyphs]))
        classes = self._svc.classes_
        return ["".join(str(int(classes[index])) for index in np.argsort(-row, kind="stable"))
                for row in scores]


@lru_cache(maxsize=1)
def digit_model() -> DigitModel:
    """The process's digit model, trained on first use (deterministic: no randomness)."""
    return DigitModel()


def read_glyphs(gray: Image, height: float) -> DigitReading:
    """The digits written in ``gray`` (a blank's crop, ``height`` the printed line's
    height in pixels), segmented (see :func:`segment`) and read glyph by glyph."""
    glyphs = segment(gray, height)
    ranked = digit_model().rank([glyph.ink for glyph in glyphs])
    return DigitReading(tuple(ranked), tuple(glyph.ink.shape[1] / glyph.ink.shape[0]
                                             for glyph in glyphs))
