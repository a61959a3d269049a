"""Turn a scanned page upright, deskew it and clean it for Tesseract.

Every step is a small pure function on numpy images; :func:`prepare_page` chains them:

1. a small binary *analysis* image (red seal suppressed, background flattened, Otsu);
2. orientation (0/90/180/270) and skew (±15°) from it: :func:`find_orientation` here
   (Tesseract's OSD asked when the up/down signal is weak);
3. ``display``: the scan as it came (colour kept), turned upright and deskewed;
4. ``ocr_image``: ``display`` without red ink, with a flat white background, light
   denoising, without a gray seal (:func:`lift_gray_seal`) or, on a black-and-white
   scan, a black seal's rings (:func:`ocr.black_seal.lift_black_seal`), without horizontal rules
   (:func:`remove_rules`), upscaled to ``OcrLimits.target_dpi`` when scanned coarser,
   then binarised (or, :data:`GRAY_EDGES`, with the gray of the print's edges kept:
   :func:`gray_edges`); a black-and-white
   scan is instead upscaled to 400 dpi and smoothed into gray (:func:`smooth_bilevel`).
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr import black_seal, tesseract
from ocr.model import Image, OcrLimits, PageImage, PreparedPage

ANALYSIS_DPI = 150.0
"""Resolution of the image orientation and skew are measured on."""

WHITE = 255


def _u8(array: object) -> Image:
    return np.asarray(array, dtype=np.uint8)


def resize_image(image: Image, scale: float, *, sharp: bool = False) -> Image:
    """Scale an image by ``scale`` (area averaging down, cubic or linear up)."""
    if abs(scale - 1.0) < 1e-3:
        return image
    method = cv2.INTER_AREA if scale < 1.0 else cv2.INTER_CUBIC if sharp else cv2.INTER_LINEAR
    return _u8(cv2.resize(image, None, fx=scale, fy=scale, interpolation=method))


LIFT_RED_SEAL = True
"""Red ink is lifted by colour before OCR (off: plain gray conversion, for the ablation)."""


def remove_red_seal(image: Image) -> Image:
    """Gray image in which red ink (a seal) turns as light as its red channel.

    Black text under a translucent seal is dark in every channel and survives; yellowed
    paper (red ≈ green) is not touched. Gray input is returned unchanged. (Where an opaque
    seal stroke covers a letter, the letter is lost either way; closing those gaps by a
    gray opening was tried and read no better.)
    """
    if image.ndim == 2:
        return image
    if not LIFT_RED_SEAL:
        return _u8(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))
    # uint8 saturating arithmetic and float32 in place: a 300 dpi page is 8.7 Mpx, and
    # int16/float64 temporaries made this step alone take ~300 MB.
    blue, green, red = cv2.split(image)
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    redness = cv2.subtract(red, cv2.max(green, blue))
    weight = cv2.subtract(redness, np.full_like(redness, 25)).astype(np.float32)
    weight *= 1.0 / 35.0
    np.minimum(weight, 1.0, out=weight)
    lift = cv2.subtract(cv2.max(red, gray), gray).astype(np.float32)
    lift *= weight
    del weight
    lift += gray
    return _u8(np.clip(lift, 0, 255, out=lift))


LIFT_GRAY_SEAL = True
"""A seal printed gray (a red seal on a gray scan) is lifted by shape and tone (see
:func:`lift_gray_seal`; ``--off grayseal`` in the benchmarks for the ablation). It cut the
mean CER of the 48 unseen generated scans by 0.41 points (the 8 with a gray seal: sum of
CER 24.6% -> 5.0%); no corpus page has a gray seal. On the real set only 157/QĐ-UB of 1999
has one: its faded print no longer goes with it (its letters stay whole,
:data:`GRAY_SEAL_FADED`), and its fields are those read without lifting (chức vụ "PHÓ CHỦ
TỊCH" kept)."""

GRAY_SEAL_DARK = 0.4
"""Ink darker than this share of the way from black (the darkest 5% of the ink) to the
paper is print; lighter ink not touching it is a gray seal's when it makes large pieces."""

GRAY_SEAL_INCHES = (0.35, 2.5)
"""A piece of lighter ink is a seal's when its box is at least the first and at most the
second this many inches wide and tall (a seal's ring: its arcs stay large where print cuts
them; a letter is smaller, a page's gray picture larger)."""

GRAY_SEAL_RING_INCHES = 0.8
"""A seal's pieces, joined, make a box at least this many inches wide and tall (a round
seal is 30 to 45 mm across) ..."""

GRAY_SEAL_ASPECT = 1.5
"""... and at most this many times as wide as tall or as tall as wide (a seal is round;
lines of small gray print, an e-signature stamp's 6-point lines, make a wide block)."""


def _round_seal(box: tuple[float, float, float, float], ring: float, margin: float) -> bool:
    """Whether the joined box of a seal's pieces (grown by ``margin`` on each side) is as
    large and as round as a seal (:data:`GRAY_SEAL_RING_INCHES`, :data:`GRAY_SEAL_ASPECT`)."""
    width, height = box[2] - box[0] - 2 * margin, box[3] - box[1] - 2 * margin
    return ring <= min(width, height) and max(width, height) <= GRAY_SEAL_ASPECT * min(
        width, height)

GRAY_SEAL_MARGIN = 0.3
"""Around a seal's pieces, this many inches of lighter ink go too (its star, its ring's
letters and its inner rings are smaller pieces)."""


def lift_gray_seal(gray: Image, dpi: float) -> Image:
    """``gray`` (flat white paper) with a gray seal whitened and the black print under it
    kept. A red seal on a gray scan is mid-gray: the page's Otsu threshold took it as ink,
    and Tesseract read its ring, star and the signature inside as letters or dropped the
    signer's lines under it as a picture. Its pieces are found as lighter ink away from
    black print (:data:`GRAY_SEAL_DARK`), making boxes of :data:`GRAY_SEAL_INCHES` or more
    (:func:`find_gray_seals`); in the box around them every pixel lighter than print turns
    white, unless it is at a black stroke's edge or in a letter of faded print
    (:func:`print_pieces`). A page without such pieces comes back as it is."""
    levels = _ink_levels(gray)
    if levels is None:
        return gray
    dark_level, ceiling = levels
    boxes = find_gray_seals(gray, dpi, dark_level, ceiling)
    if not boxes:
        return gray
    cleaned = gray.copy()
    edge = max(1, round(dpi / 150))
    kernel = np.ones((2 * edge + 1, 2 * edge + 1), np.uint8)
    reach = max(edge + 1, round(GRAY_SEAL_GRAIN_INCHES * dpi))
    grain = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 1, 2 * reach + 1))
    for x0, y0, x1, y1 in boxes:
        area = gray[y0:y1, x0:x1]
        near_print = cv2.dilate(_u8(area <= dark_level), kernel) > 0
        letters = print_pieces(area, dark_level, ceiling, dpi)
        if not letters.any() or (area[letters] > dark_level).mean() < GRAY_SEAL_FADED:
            letters &= cv2.dilate(_u8(area <= dark_level), grain) > 0
        keep = near_print | letters
        cleaned[y0:y1, x0:x1][(area > dark_level) & ~keep] = WHITE
    return cleaned


def _ink_levels(gray: Image) -> tuple[float, float] | None:
    """The gray level print is darker than (:data:`GRAY_SEAL_DARK`) and the one all ink
    is darker than (Otsu's), or None when the page has too little ink or contrast."""
    otsu, _ = cv2.threshold(gray, 0, WHITE, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    ink = gray[gray < otsu]
    if ink.size < 100:
        return None
    ink_level = float(np.percentile(ink, 5))
    if WHITE - ink_level < 80:
        return None  # no contrast to tell print from a seal
    dark_level = ink_level + GRAY_SEAL_DARK * (WHITE - ink_level)
    return dark_level, max(float(otsu), dark_level + 1)


def find_gray_seals(gray: Image, dpi: float, dark_level: float, ceiling: float
                    ) -> list[tuple[int, int, int, int]]:
    """The boxes (left, top, right, bottom; pixels of ``gray``) of the gray seals on a
    page: ink between ``dark_level`` and ``ceiling`` away from darker print, in pieces of
    :data:`GRAY_SEAL_INCHES` joined into a box as large and round as a seal
    (:func:`_round_seal`), grown by :data:`GRAY_SEAL_MARGIN`."""
    # found at about 100 dpi: the pieces are large, and the page is 8 Mpx at 300 dpi
    factor = min(1.0, 100.0 / dpi)
    small = resize_image(gray, factor)
    dark = _u8(small <= dark_level) * WHITE
    halo = cv2.dilate(dark, np.ones((3, 3), np.uint8))
    light = _u8((small < ceiling) & (halo == 0)) * WHITE
    # the arcs a seal's ring is cut into by the print over it (and the halo kept around
    # the print) are joined again
    light = _u8(cv2.dilate(light, np.ones((5, 5), np.uint8)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(light, connectivity=8)
    least, most = (inches * dpi * factor for inches in GRAY_SEAL_INCHES)
    large = [i for i in range(1, count)
             if least <= stats[i, cv2.CC_STAT_WIDTH] <= most
             and least <= stats[i, cv2.CC_STAT_HEIGHT] <= most]
    if not large:
        return []
    margin = GRAY_SEAL_MARGIN * dpi * factor
    boxes = [_grown(stats, index, margin) for index in large]
    # the seal's other arcs (cut off by the lines printed across it) join its box
    pieces = [_grown(stats, index, 0.0) for index in range(1, count)]
    grew = True
    while grew:
        grew = False
        for number, box in enumerate(boxes):
            joined = [p for p in pieces if p[0] < box[2] and p[2] > box[0]
                      and p[1] < box[3] and p[3] > box[1]]
            union = (min(p[0] for p in joined) - margin, min(p[1] for p in joined) - margin,
                     max(p[2] for p in joined) + margin, max(p[3] for p in joined) + margin)
            union = (min(union[0], box[0]), min(union[1], box[1]), max(union[2], box[2]),
                     max(union[3], box[3]))
            if union != box and max(union[2] - union[0], union[3] - union[1]) <= most:
                boxes[number], grew = union, True
    ring = GRAY_SEAL_RING_INCHES * dpi * factor
    height, width = gray.shape[:2]
    return [(max(int(left / factor), 0), max(int(top / factor), 0),
             min(int(right / factor) + 1, width), min(int(bottom / factor) + 1, height))
            for left, top, right, bottom in boxes if _round_seal((left, top, right, bottom),
                                                                ring, margin)]


GRAY_SEAL_PRINT_SHARE = 0.1
"""A piece of ink under a seal with at least this share of its pixels as dark as print
(:data:`GRAY_SEAL_DARK`) is a letter of print (faded or not) ..."""

GRAY_SEAL_LETTER_INCHES = 0.3
"""... when it is at most this many inches wide and tall (the seal's ring, with the
letters it crosses, is larger and goes)."""

GRAY_SEAL_WORD_GAP_INCHES = 0.07
"""... and a lighter piece of letter size at most this far beside such a letter, on its
line, is a stroke of it or of a letter next to it."""

GRAY_SEAL_FADED = 0.35
"""The print under a seal is faded when at least this share of its letters' ink
(:func:`print_pieces`) is lighter than print: their pieces stay whole. (Under the seals of
the 48 generated scans 15 to 28% is; under 157/QĐ-UB's, 40 to 62%.)"""

GRAY_SEAL_GRAIN_INCHES = 0.025
"""Under a seal on crisp print, only the lighter ink of a letter's piece at most this far
from a print-dark pixel stays: a seal's arc or stroke touching the letter goes beyond it."""


def print_pieces(area: Image, dark_level: float, ceiling: float, dpi: float) -> np.ndarray:
    """Where ``area`` (a seal's box) has letters of faded print: pieces of ink (darker than
    ``ceiling``) no larger than a letter (:data:`GRAY_SEAL_LETTER_INCHES`) with a share of
    print-dark pixels (:data:`GRAY_SEAL_PRINT_SHARE`). A faded copy's strokes are mottled,
    dark grains in lighter ink as light as the seal (157/QĐ-UB of 1999): whitening all but
    the grains' edges broke "KT. CHỦ TỊCH" under the seal into dots; a seal's ring, star
    and letters are light all through."""
    ink = area < ceiling
    # a faded stroke breaks into grains: pieces a pixel or two apart are one letter's
    gap = max(1, round(dpi / 300))
    joined = cv2.dilate(_u8(ink), np.ones((2 * gap + 1, 2 * gap + 1), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    dark = np.bincount(labels[area <= dark_level], minlength=count)
    inked = np.bincount(labels[ink], minlength=count)
    letter = GRAY_SEAL_LETTER_INCHES * dpi + 2 * gap
    small = (stats[:, cv2.CC_STAT_WIDTH] <= letter) & (stats[:, cv2.CC_STAT_HEIGHT] <= letter)
    small[0] = False  # the paper
    faded = small & (dark >= GRAY_SEAL_PRINT_SHARE * inked)
    letters = faded[labels]
    # a letter's stroke lighter all through (an H's stem) lies beside its other strokes
    reach = max(1, round(GRAY_SEAL_WORD_GAP_INCHES * dpi))
    beside = cv2.dilate(_u8(letters), np.ones((1, 2 * reach + 1), np.uint8)) > 0
    within = np.bincount(labels[beside & ink], minlength=count)
    faded |= small & (2 * within >= inked)
    return np.asarray(faded[labels], dtype=bool) & ink


def _grown(stats: np.ndarray, index: int, margin: float
           ) -> tuple[float, float, float, float]:
    """The box (left, top, right, bottom) of connected piece ``index``, ``margin`` wider."""
    x, y, w, h = (float(v) for v in stats[index, :4])
    return x - margin, y - margin, x + w + margin, y + h + margin


def normalise_background(gray: Image, dpi: float) -> Image:
    """Divide by the page's background (a morphological close at low resolution), so
    uneven light and tinted paper become flat white and text keeps its contrast."""
    factor = min(1.0, 50.0 / dpi)
    small = resize_image(gray, factor)
    size = max(3, round(small.shape[1] / 80) | 1)  # wider than any stroke, ~ 1 char
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    background = cv2.medianBlur(background, 5)
    background = cv2.resize(
        background, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR
    )
    return _u8(cv2.divide(gray, cv2.max(background, np.ones_like(background)), scale=255.0))


def denoise(gray: Image) -> Image:
    """Remove salt-and-pepper and sensor noise (3x3 median)."""
    return _u8(cv2.medianBlur(gray, 3))


def binarise(gray: Image) -> Image:
    """Otsu's global threshold: text 0, paper 255 (the background is already flat)."""
    _, bilevel = cv2.threshold(gray, 0, WHITE, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return _u8(bilevel)


def clean_for_ocr(image: Image, dpi: float) -> Image:
    """Gray, seal-free, flat-background version of a colour or gray page."""
    return normalise_background(remove_red_seal(image), dpi)


LARGEST_GLYPH = 0.08
"""A connected piece of ink longer than this share of the page's shorter side is no
glyph (a frame, a rule, a table's grid, a seal's ring): it is left out of the analysis."""


def remove_non_text(ink: Image) -> Image:
    """``ink`` (ink 255 on 0) without its connected pieces longer than
    :data:`LARGEST_GLYPH` of the page's shorter side. A certificate's frame is two long
    vertical and two shorter horizontal strokes: left in, its vertical sides outweighed
    the text lines and the upright page was turned a quarter."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    longest = LARGEST_GLYPH * min(ink.shape[:2])
    large = np.flatnonzero(np.maximum(stats[:, cv2.CC_STAT_WIDTH],
                                      stats[:, cv2.CC_STAT_HEIGHT]) > longest)
    large = large[large > 0]  # label 0 is the background
    if not large.size:
        return ink
    keep = np.ones(count, dtype=bool)
    keep[large] = False
    return _u8(np.where(keep[labels], ink, 0))


def analysis_image(image: Image, dpi: float) -> tuple[Image, float]:
    """A binary copy at about :data:`ANALYSIS_DPI` (ink 255 on 0, without frames and
    rules: :func:`remove_non_text`) and its scale."""
    scale = min(1.0, ANALYSIS_DPI / dpi)
    small = resize_image(image, scale)
    clean = clean_for_ocr(small, dpi * scale)
    _, ink = cv2.threshold(clean, 0, WHITE, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return remove_non_text(_u8(ink)), scale


def rotate_upright(image: Image, rotation: int) -> Image:
    """Turn an image ``rotation`` degrees clockwise (0, 90, 180 or 270)."""
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180,
             270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    if rotation % 360 == 0:
        return image
    return _u8(cv2.rotate(image, codes[rotation % 360]))


def deskew(image: Image, skew: float, fill: int = WHITE) -> Image:
    """Turn an image ``skew`` degrees clockwise about its centre, undoing a skew measured
    by :func:`measure_skew`; same size, new corners ``fill`` (white paper by default)."""
    if abs(skew) < 0.02:
        return image
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2.0, height / 2.0), -skew, 1.0)
    border = (fill, fill, fill) if image.ndim == 3 else fill
    return _u8(cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=border))


GRAY_EDGES = False
"""Gray and colour pages go to Tesseract with the gray of their print's edges kept (see
:func:`gray_edges`) instead of binarised. Off: measured with ``benchmarks/ocr_quality.py
--on grayedges`` (issue 16 §3), it read the generated scans better (mean CER 0.75% ->
0.59%, line CER 0.45% -> 0.30%), but Tesseract's own threshold of the gray page came out
bolder: the 5.5-point lines of an e-signature stamp ran into each other (the stamp's time
misread, ``tests/ingest/classify/test_stamps.py``) and one corpus summary lost a tone mark
("nền" read "nên", ``test_corpus.py``). Keeping the gray inside the strokes alone (no
edges) read worse (0.76%)."""


def gray_edges(gray: Image, bilevel: Image) -> Image:
    """``gray`` where ``bilevel`` (Otsu, print 0) has print or touches it, white elsewhere.
    Tesseract finds the page's layout on its own threshold of the image, but its LSTM
    reads the gray: the anti-aliased edges tell a hook above (hỏi) from an acute (sắc)
    that a hard threshold had made alike ("thấm" for "thẩm", "kế" for "kể"), while the
    paper's specks and a lifted seal's traces stay white."""
    near = cv2.dilate(_u8(bilevel == 0), np.ones((3, 3), np.uint8)) > 0
    return _u8(np.where(near, gray, WHITE))


SMOOTH_BILEVEL = True
"""Black-and-white scans are smoothed and upscaled before OCR (see :func:`smooth_bilevel`)."""

BILEVEL_TARGET_DPI = 400
"""The resolution a black-and-white scan is smoothed to."""


BILEVEL_SIGMA = 0.7
"""The smoothing of a black-and-white scan (Gaussian sigma, in pixels of the scan)."""


def smooth_bilevel(gray: Image, dpi: float) -> tuple[Image, float]:
    """A black-and-white (1-bit) scan as Tesseract reads best: upscaled to
    :data:`BILEVEL_TARGET_DPI` and smoothed into gray (:data:`BILEVEL_SIGMA`), so the
    staircase edges of coarse (200 dpi) strokes and the broken dots and hooks of
    diacritics become continuous strokes again. Returns the gray
    image and its scale (never below 1); it is not binarised again (Tesseract's line
    recogniser reads the gray)."""
    scale = max(1.0, BILEVEL_TARGET_DPI / dpi)
    upscaled = resize_image(gray, scale, sharp=True)
    sigma = BILEVEL_SIGMA * scale
    return (_u8(cv2.GaussianBlur(upscaled, (0, 0), sigma)) if sigma >= 0.3 else upscaled), scale


def upscale_for_ocr(gray: Image, dpi: float, target_dpi: int) -> tuple[Image, float]:
    """Upscale a page scanned below ``target_dpi`` to it; never downscale."""
    if dpi >= target_dpi * 0.97:
        return gray, 1.0
    scale = target_dpi / dpi
    return resize_image(gray, scale, sharp=True), scale


REMOVE_RULES = True
"""Printed horizontal rules are whitened before OCR (see :func:`remove_rules`)."""

RULE_LENGTH_INCHES = 0.8
"""An unbroken horizontal run of ink at least this long (20 mm) is a rule, not letters (the
tops of touching capitals, "STTTT", run about 10 mm)."""


RULE_REACH_INCHES = 0.3
"""A rule is whitened only when the ink it touches stays within this height of it (the
letters of one line); a signature's final stroke is part of loops reaching higher, and
cut off, the loops' ends were read as letters."""


def remove_rules(gray: Image, dpi: float) -> Image:
    """``gray`` (upright, deskewed) with its horizontal rules whitened: the short rules
    under the header's agency and motto, table borders. A rule touching the descenders of
    the line above or close to the line below made Tesseract drop both lines ("Số: ...",
    "Độc lập - Tự do - Hạnh phúc"); the letters it crosses keep their other strokes.
    Rules belonging to taller ink (a signature's stroke, :data:`RULE_REACH_INCHES`) stay."""
    _, ink = cv2.threshold(gray, 0, WHITE, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    # runs are found a quarter as wide (a rule stays a run): four times less work
    squeeze = 4
    narrow = _u8(cv2.resize(ink, (max(ink.shape[1] // squeeze, 1), ink.shape[0]),
                            interpolation=cv2.INTER_AREA))
    length = max(4, round(RULE_LENGTH_INCHES * dpi / squeeze))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1))
    found = cv2.morphologyEx(cv2.threshold(narrow, 127, WHITE, cv2.THRESH_BINARY)[1],
                             cv2.MORPH_OPEN, kernel)
    if not found.any():
        return gray
    reach = round(RULE_REACH_INCHES * dpi)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(found, connectivity=8)
    cleaned = gray.copy()
    for label in range(1, count):
        x, y, w, h = (int(v) for v in stats[label, :4])
        left, right = x * squeeze, min((x + w) * squeeze, gray.shape[1])
        rule = np.repeat(labels[y : y + h, x : x + w] == label, squeeze, axis=1)[
            :, : right - left] & (ink[y : y + h, left:right] > 0)
        top, bottom = max(y - reach, 0), min(y + h + reach, gray.shape[0])
        around = _u8(ink[top:bottom, left:right])
        _, pieces, boxes, _ = cv2.connectedComponentsWithStats(around, connectivity=8)
        touched = np.unique(pieces[y - top : y - top + h][rule])
        touched = touched[touched > 0]
        piece_tops = boxes[touched, cv2.CC_STAT_TOP]
        piece_bottoms = piece_tops + boxes[touched, cv2.CC_STAT_HEIGHT]
        if touched.size and (piece_tops.min() == 0 or piece_bottoms.max() == bottom - top):
            continue  # the ink runs beyond the reach above or below: not a printed rule
        mask = np.zeros((bottom - top, right - left), np.uint8)
        mask[y - top : y - top + h][rule] = WHITE
        mask = cv2.dilate(mask, np.ones((3, 1), np.uint8))  # the rule's anti-aliased edges
        cleaned[top:bottom, left:right][mask > 0] = WHITE
    return cleaned


SKEW_LIMIT = 17.0
"""Largest skew searched for, in degrees (±15° promised, with a margin)."""


def _projection_score(rows: np.ndarray, cols: np.ndarray, angle: float) -> float:
    """How sharply ink piles up in rows when projected at ``angle`` degrees."""
    theta = np.deg2rad(angle)
    proj = rows * np.cos(theta) + cols * np.sin(theta)
    bins = np.bincount((proj - proj.min()).astype(np.int64)).astype(np.float64)
    return float(np.dot(bins, bins))


def measure_skew(ink: Image, limit: float = SKEW_LIMIT) -> tuple[float, float]:
    """Skew of the text lines of a binary image (ink non-zero) and the projection score.

    Positive skew = content turned counter-clockwise. A coarse search in 0.5° steps over
    ±``limit``, then 0.05° steps around the best and a parabola through the top three
    scores give about 0.05° accuracy. The score is normalised by the ink count squared so
    horizontal and vertical scores of one image compare.
    """
    rows, cols = np.nonzero(ink)
    if rows.size < 50:
        return 0.0, 0.0
    if rows.size > 250_000:
        pick = np.random.default_rng(0).choice(rows.size, 250_000, replace=False)
        rows, cols = rows[pick], cols[pick]
    rows_f = rows.astype(np.float64)
    cols_f = cols.astype(np.float64) - ink.shape[1] / 2.0
    best = 0.0
    for step, span in ((0.5, limit), (0.05, 0.5)):
        angles = np.arange(best - span, best + span + step / 2, step)
        scores = np.array([_projection_score(rows_f, cols_f, a) for a in angles])
        i = int(np.argmax(scores))
        best = float(angles[i])
    if 0 < i < len(angles) - 1:
        left, mid, right = scores[i - 1], scores[i], scores[i + 1]
        curve = left - 2 * mid + right
        if curve < 0:
            best += 0.5 * step * float(left - right) / float(curve) * -1
    return best, float(scores[i]) / float(rows.size) ** 2


ASCENDER_STRIPS = 3
"""The page is measured for ascenders in this many vertical strips (see
:func:`measure_ascenders`)."""


def _ascenders_and_descenders(ink: Image) -> tuple[float, float]:
    """Ink above and below the x-height band of the text lines of a binary image."""
    profile = ink.sum(axis=1, dtype=np.float64) / 255.0
    if profile.max() <= 0:
        return 0.0, 0.0
    text = profile > 0.03 * np.percentile(profile, 99)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], text.astype(np.int8), [0]))))
    runs = [(a, b) for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a >= 4]
    if not runs:
        return 0.0, 0.0
    typical = float(np.median([b - a for a, b in runs]))
    above = below = 0.0
    for a, b in runs:
        if b - a > 1.8 * typical:
            continue  # two lines touching: no clear x-height band
        line = profile[a:b]
        core = np.flatnonzero(line >= 0.5 * line.max())
        above += float(line[: core[0]].sum())
        below += float(line[core[-1] + 1 :].sum())
    return above, below


def measure_ascenders(ink: Image) -> float:
    """Up/down signal of an upright-or-upside-down binary page, in -1..1.

    In each text line, ink above the x-height band (capitals, ascenders, Vietnamese
    diacritics) outweighs ink below it (descenders, the dot below): positive means
    upright, negative upside down. Lines are found in :data:`ASCENDER_STRIPS` vertical
    strips of the page, each on its own: side-by-side blocks (the header, "Nơi nhận:"
    beside the signer) have their lines at different heights, and one profile across
    the page blurred their x-height bands into each other (a signer page read -0.53).
    """
    above = below = 0.0
    for strip in np.array_split(ink, ASCENDER_STRIPS, axis=1):
        up, down = _ascenders_and_descenders(strip)
        above, below = above + up, below + down
    total = above + below
    return 0.0 if total <= 0 else (above - below) / total


def find_orientation(ink: Image, image: Image | None = None) -> tuple[int, float]:
    """Clockwise rotation (0/90/180/270) making the page upright, and its skew after it.

    Text lines decide horizontal vs vertical (the projection score is far higher across
    the lines); ascenders vs descenders decide up vs down. When that signal is weak and
    ``image`` is given, Tesseract's OSD is asked, and believed if it agrees on the axis.
    """
    skew_h, score_h = measure_skew(ink)
    turned = rotate_upright(ink, 90)
    skew_v, score_v = measure_skew(turned)
    base, skew, level = (90, skew_v, turned) if score_v > score_h else (0, skew_h, ink)
    straight = deskew(level, skew, fill=0)
    signal = measure_ascenders(straight)
    rotation = base if signal >= 0 else base + 180
    if image is not None and abs(signal) < ORIENTATION_DOUBT:
        osd_rotation, confidence = tesseract.detect_orientation(image)
        if confidence >= 1.5 and osd_rotation % 180 == base % 180:
            rotation = osd_rotation
    return rotation, skew


ORIENTATION_DOUBT = 0.15
"""|ascender signal| below this is a doubtful up/down decision."""


def prepare_page(page: PageImage, limits: OcrLimits, osd: bool = True,
                 turn: tuple[int, float] | None = None) -> PreparedPage:
    """Orientation, deskew and cleaning of one page (see the module docstring).

    ``osd``: also ask Tesseract's orientation detection when the page's own geometry
    leaves the orientation in doubt. ``turn``: (rotation, skew) decided already.
    """
    image = page.image
    if image.ndim == 3 and image.shape[2] == 4:
        image = _u8(cv2.cvtColor(image, cv2.COLOR_BGRA2BGR))
    if turn is None:
        ink, _ = analysis_image(image, page.dpi)
        rotation, skew = find_orientation(ink, image if osd else None)
    else:
        rotation, skew = turn
    display = deskew(rotate_upright(image, rotation), skew)
    clean = clean_for_ocr(display, page.dpi)
    if not page.bilevel:
        clean = denoise(clean)
        if LIFT_GRAY_SEAL:
            clean = lift_gray_seal(clean, page.dpi)
    elif black_seal.LIFT_BLACK_SEAL:
        clean = black_seal.lift_black_seal(clean, page.dpi)
    if REMOVE_RULES:
        clean = remove_rules(clean, page.dpi)
    if page.bilevel and SMOOTH_BILEVEL:
        ocr_image, ocr_scale = smooth_bilevel(clean, page.dpi)
    else:
        upscaled, ocr_scale = upscale_for_ocr(clean, page.dpi, limits.target_dpi)
        ocr_image = binarise(upscaled)
        if GRAY_EDGES:
            ocr_image = gray_edges(upscaled, ocr_image)
    return PreparedPage(
        index=page.index,
        display=display,
        ocr_image=ocr_image,
        dpi=page.dpi,
        ocr_scale=ocr_scale,
        rotation=rotation,
        skew=skew,
        bilevel=page.bilevel,
    )
