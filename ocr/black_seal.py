"""Remove the rings of a seal printed as black as the text (a black-and-white scan).

A red seal on a black-and-white scan comes out black: its tone cannot tell it from print
(:func:`ocr.preprocess.lift_gray_seal` works on tone), but its shape can. Its outer ring,
30 to 45 mm across, touches the signer's position above and name below; Tesseract's
layout analysis took the whole signer block for a picture and read none of its lines
(generated scan syn777-00029: "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH" and the name lost). Here the
rings are found as circles (:func:`find_rings`), each ring's stroke is followed angle by
angle (:func:`_track`: a scanned seal is not a perfect circle, nor its stroke even) and
whitened, except where a stroke of print crosses it (:func:`lift_black_seal`), so the
lines they touched are apart again. The pieces between the two rings that run along the
radius (the seal's ticks, strokes of its letters) go too (:func:`_drop_ticks`), and so do
the pieces left lying whole where the rings were (:func:`_drop_remains`); its emblem and
the signature stay.
"""

from __future__ import annotations

import itertools

import cv2
import numpy as np

from ocr.model import Image

LIFT_BLACK_SEAL = True
"""A black seal's rings are whitened on black-and-white pages (:func:`lift_black_seal`;
``--off blackseal`` in the benchmarks). Measured with it on against off: the 48 unseen
generated scans (``benchmarks/ocr_quality.py --sets generated --generated 48``) mean CER
0.50% -> 0.41%, documents above 2% 1 -> 0 (syn777-00029 5.99% -> 1.78%, the other three
black-and-white ones as they were); the real set's 6 scans with a black seal on a
black-and-white page (``benchmarks/real_documents/score.py --files`` 07-CT-UBND-2018,
08-CT-UBND-2018, 09-2026-QH16-2026, 2191-CT-CS-2026, 46-VBHN-BQP-2026, 464-TTg-CDS-2026)
21 -> 22 of 36 fields, none lost; the corpus (0.28%) and the real pages' CER unchanged. The
black-and-white công văn of tests/ocr/test_reading_quality.py (seed 999) reads 4.52%
instead of 4.15%: its signer's lines are whole again, but Tesseract now reads the
recipients' small lines beside them as one. (The first version, whitening a perfect
circle, read it 5.8%: the specks of the ticks and the letters the ring cut made junk
lines; the real set lost 2 fields.) Only black-and-white pages: no gray or colour page of
the real set or the corpus has a ring as dark as print (the generated gray scans' seals
are gray, lifted by tone)."""

SEAL_RADIUS_INCHES = (0.55, 0.95)
"""A seal's outer ring has a radius between these many inches (30 to 45 mm across, with
room for a scan's scale); a letter "O" or a circled figure is far smaller."""

FIND_DPI = 40.0
"""Circles are looked for on the ink image at about this resolution (a ring is 22 to 38
pixels in radius there; Hough's accumulator stays cheap on a 300 dpi page)."""

HOUGH_BLUR = 1.0
"""Circles are looked for on the ink image as it is and blurred by this Gaussian sigma
(pixels at :data:`FIND_DPI`) ..."""

HOUGH_VOTES = 14
"""... with this accumulator threshold (OpenCV's ``param2``) ..."""

HOUGH_CANDIDATES = 10
"""... and each one's this many best circles are checked for a ring (cheaply, at
:data:`FIND_DPI` first, where print's circles fall short of :data:`RING_COVERAGE`)."""

RING_COVERAGE = 0.7
"""A circle is a seal's ring when at least this share of its circumference (sampled at
1° steps, best radius and centre within a few pixels) is ink: print crossing a ring
leaves it whole, a round-ish shape of print (a bracket, a curve of a logo, letters set on
an arc of a circle) covers far less."""

INNER_RADII = (0.55, 0.85)
"""An inner ring, when there is one, lies between these shares of the outer radius ..."""

INNER_COVERAGE = 0.6
"""... and is inked on at least this share of its circumference."""

CROSSING_INCHES = 0.01
"""A ring pixel stays when, along its radius, there is ink this far beyond the whitened
band (:data:`RING_MARGIN`) on either side: a stroke of print crosses or touches the ring
there (the ring alone has paper on both sides). Asking for ink on both sides (a stroke
crossing) broke the letters sitting on the ring: syn777-00029 read 6.2% instead of 2.7%."""

INK = 128
"""Gray levels below this are ink (the page is black-and-white, background flattened)."""

WHITE = 255

PAPER = 250
"""Under a ring, every pixel darker than this goes (the gray edge of its stroke too, which
Tesseract, reading the smoothed page, still saw as a ghost ring)."""

STROKE_SHARE = 0.5
"""A ring's stroke runs over the radii whose circles are inked on at least this share of
the circumference its middle is. (A third took a real seal's milled outer edge no better,
and read syn777-00029 worse.)"""

RING_MARGIN = 2.0
"""The pixels whitened run this many pixels beyond each edge of a ring's stroke
(:func:`_track`)."""

TICK_ASPECT = 2.0
"""A piece of ink lying whole between a seal's two rings is one of its ticks or a stroke
of its letters when it runs along the radius at least this many times as far as across."""

STRAIGHT_ACROSS = 2.5
"""A ring's pixel stays too where a stroke of print runs up and down (or side to side)
through the whitened band, with ink where the band ends above and below (left and right)
at most this many stroke widths apart (plus :data:`RING_MARGIN`): the letters of a line
of text the ring crosses aslant (generated documents 0 to 11 of seed 555, scanned black
and white with a seal: mean CER 3.49% -> 3.39%). Where the ring runs along the line the
band is longer."""

TRACK_REACH = 8
"""The ring's stroke is followed, angle by angle, this many pixels inside and outside the
stroke :func:`find_rings` measured on the whole circle (a scanned seal is not a perfect
circle, and its stroke is thicker in places)."""

TRACK_STRAY = 3.0
"""Where the stroke, angle by angle, is more than this many pixels wider than on the whole
circle, print crosses or touches it: its edges are taken from the nearest angles where it
runs alone ..."""

TRACK_SMOOTH = 15
"""... and smoothed by the median of this many neighbouring angles."""


def _coverage(ink: np.ndarray, cx: np.ndarray, cy: np.ndarray, radius: np.ndarray,
              steps: int = 360) -> np.ndarray:
    """Share of ``steps`` points on each circle (centres ``cx``, ``cy``, radii ``radius``,
    same shape) that fall on ink; points off the page count as paper."""
    angles = np.linspace(0, 2 * np.pi, steps, endpoint=False)
    xs = np.rint(cx[..., None] + radius[..., None] * np.cos(angles)).astype(np.int32)
    ys = np.rint(cy[..., None] + radius[..., None] * np.sin(angles)).astype(np.int32)
    height, width = ink.shape
    inside = (xs >= 0) & (xs < width) & (ys >= 0) & (ys < height)
    hits = ink[np.clip(ys, 0, height - 1), np.clip(xs, 0, width - 1)] & inside
    return np.asarray(hits.mean(axis=-1))


def _best_circle(ink: np.ndarray, cx: float, cy: float, radii: np.ndarray, reach: int
                 ) -> tuple[float, float, float, float]:
    """The circle (x, y, radius, coverage) with the most ink on its circumference among
    centres within ``reach`` pixels of (``cx``, ``cy``) and the given ``radii``."""
    offsets = np.arange(-reach, reach + 1, max(1, reach // 6))
    gx, gy, gr = np.meshgrid(cx + offsets, cy + offsets, radii, indexing="ij")
    cover = _coverage(ink, gx, gy, gr, 120)
    best = np.unravel_index(int(np.argmax(cover)), cover.shape)
    x, y, r = float(gx[best]), float(gy[best]), float(gr[best])
    # the coarse centre found, its last pixels
    fine = np.arange(-reach // 6 - 1, reach // 6 + 2)
    fx, fy, fr = np.meshgrid(x + fine, y + fine, r + fine, indexing="ij")
    cover = _coverage(ink, fx, fy, fr)
    # a thick ring is inked all round for several circles: their middle is its centre
    best = cover >= cover.max() - 0.01
    return (float(fx[best].mean()), float(fy[best].mean()), float(fr[best].mean()),
            float(cover.max()))


def _stroke(ink: np.ndarray, cx: float, cy: float, radius: float) -> tuple[float, float]:
    """The inner and outer radius of the ring stroke through ``radius``: the radii next
    to it whose circles are inked on :data:`STROKE_SHARE` as much circumference."""
    radii = radius + np.arange(-12, 13, dtype=np.float64)
    cover = _coverage(ink, np.full_like(radii, cx), np.full_like(radii, cy), radii)
    peak = cover[12]
    low = high = 12
    while low > 0 and cover[low - 1] >= peak * STROKE_SHARE:
        low -= 1
    while high < len(radii) - 1 and cover[high + 1] >= peak * STROKE_SHARE:
        high += 1
    return float(radii[low]), float(radii[high])


def find_rings(gray: Image, dpi: float) -> list[tuple[float, float, float, float]]:
    """The rings of black seals on ``gray`` (pixels of ``gray``): (x, y, inner radius,
    outer radius) of each ring's stroke, the outer ring of a seal and its inner ring."""
    ink = np.asarray(gray < INK)
    factor = min(1.0, FIND_DPI / dpi)
    # a cell a sixth inked is ink: thin strokes stay when the page is shrunk
    size = max(1, round(1 / factor))
    height, width = ink.shape
    small = cv2.resize(ink.astype(np.uint8) * 255, (width // size, height // size),
                       interpolation=cv2.INTER_AREA)
    small = np.asarray((small > 40).astype(np.uint8) * 255)
    least, most = (inches * dpi / size for inches in SEAL_RADIUS_INCHES)
    # Hough's votes for a thin ring scatter: syn777-00029's seal was among its best
    # circles on the unblurred ink only when the page was deskewed, on the blurred ink
    # only when it was not; a page's text blocks make circles too
    found = [cv2.HoughCircles(image, cv2.HOUGH_GRADIENT, dp=1, minDist=least, param1=100,
                              param2=HOUGH_VOTES, minRadius=int(least),
                              maxRadius=int(most) + 1)
             for image in (small, cv2.GaussianBlur(small, (0, 0), HOUGH_BLUR))]
    circles = [circle for candidates in found if candidates is not None
               for circle in candidates[0][:HOUGH_CANDIDATES]]
    rings: list[tuple[float, float, float, float]] = []
    for sx, sy, sr in circles:
        near = np.arange(-1.0, 2.0)
        gx, gy, gr = np.meshgrid(sx + near, sy + near, sr + near, indexing="ij")
        if _coverage(small > 0, gx, gy, gr, 120).max() < RING_COVERAGE:
            continue  # not a ring even at the coarse scale: no need to look closer
        if any(np.hypot(sx * size - ox, sy * size - oy) < sr * size / 2
               for ox, oy, _, _ in rings):
            continue  # the same seal found twice
        radii = np.arange(max(least, sr - 2) * size, min(most, sr + 2) * size + 1, 1.0)
        x, y, radius, cover = _best_circle(ink, sx * size, sy * size, radii, 2 * size)
        if cover < RING_COVERAGE:
            continue
        if any(np.hypot(x - ox, y - oy) < radius / 2 for ox, oy, _, _ in rings):
            continue  # the same seal found twice
        inner_edge, outer_edge = _stroke(ink, x, y, radius)
        rings.append((x, y, inner_edge, outer_edge))
        inner = np.arange(INNER_RADII[0] * radius, INNER_RADII[1] * radius, 1.0)
        cover_inner = _coverage(ink, np.full_like(inner, x), np.full_like(inner, y), inner)
        best = int(np.argmax(cover_inner))
        if cover_inner[best] >= INNER_COVERAGE:
            low, high = _stroke(ink, x, y, float(inner[best]))
            rings.append((x, y, low, high))
    return rings


def _track(ink: np.ndarray, x: float, y: float, low: float, high: float
           ) -> tuple[np.ndarray, np.ndarray]:
    """Per angle (one per pixel of the outer circumference), the inner and outer radius of
    the ring stroke measured as ``low`` to ``high`` on the whole circle."""
    steps = max(360, int(2 * np.pi * high))
    angles = np.linspace(0, 2 * np.pi, steps, endpoint=False)
    radii = np.arange(max(1.0, low - TRACK_REACH), high + TRACK_REACH + 1, 1.0)
    height, width = ink.shape
    xs = np.rint(x + radii[None, :] * np.cos(angles)[:, None]).astype(np.int64)
    ys = np.rint(y + radii[None, :] * np.sin(angles)[:, None]).astype(np.int64)
    inside = (xs >= 0) & (xs < width) & (ys >= 0) & (ys < height)
    profile = ink[np.clip(ys, 0, height - 1), np.clip(xs, 0, width - 1)] & inside
    start = int(np.searchsorted(radii, low))
    stop = int(np.searchsorted(radii, high))
    inner = np.full(steps, low)
    outer = np.full(steps, high)
    found = np.zeros(steps, dtype=bool)
    for index in range(steps):
        row = profile[index]
        hits = np.nonzero(row[start:stop + 1])[0] + start
        if not len(hits):
            continue
        a, b = int(hits[0]), int(hits[-1])
        while a > 0 and row[a - 1]:
            a -= 1
        while b < len(row) - 1 and row[b + 1]:
            b += 1
        inner[index], outer[index] = radii[a], radii[b]
        found[index] = True
    # where the ring is missing, or print crosses or touches it (the stroke is wider than
    # the whole circle's), the edges are those of the nearest angles where it runs alone
    alone = found & (outer - inner <= high - low + TRACK_STRAY)
    if alone.sum() < steps / 4:
        return np.full(steps, low), np.full(steps, high)
    turns = np.arange(steps)
    half = TRACK_SMOOTH // 2
    wrap = np.r_[-half:steps + half] % steps
    for edge in (inner, outer):
        edge[:] = np.interp(turns, turns[alone], edge[alone], period=steps)
        windows = np.lib.stride_tricks.sliding_window_view(edge[wrap], TRACK_SMOOTH)
        edge[:] = np.median(windows, axis=1)
    return inner, outer


def lift_black_seal(gray: Image, dpi: float) -> Image:
    """``gray`` with the rings of a black seal (:func:`find_rings`) whitened along their
    stroke as it runs (:func:`_track`), except where a stroke of print crosses them
    (:data:`CROSSING_INCHES`); then its ticks (:func:`_drop_ticks`) and what is left of
    its rings (:func:`_drop_remains`) go. A page without one comes back as it is."""
    rings = find_rings(gray, dpi)
    if not rings:
        return gray
    cleaned = gray.copy()
    ink = np.asarray(gray < INK)
    height, width = ink.shape
    beyond = max(1.0, CROSSING_INCHES * dpi)
    zones = np.zeros_like(ink)
    for x, y, low, high in rings:
        inner_edge, outer_edge = _track(ink, x, y, low, high)
        steps = len(inner_edge)
        reach = float(outer_edge.max()) + RING_MARGIN + beyond + 2
        x0, x1 = max(0, int(x - reach)), min(width, int(x + reach) + 1)
        y0, y1 = max(0, int(y - reach)), min(height, int(y + reach) + 1)
        ys, xs = np.mgrid[y0:y1, x0:x1]
        dx, dy = xs - x, ys - y
        distance = np.hypot(dx, dy)
        turn = np.rint(np.arctan2(dy, dx) / (2 * np.pi) * steps).astype(np.int64) % steps
        inner = inner_edge[turn] - RING_MARGIN
        outer = outer_edge[turn] + RING_MARGIN
        zones[y0:y1, x0:x1] |= (distance >= inner - beyond - 1) & (distance <= outer + beyond + 1)
        band = (distance >= inner) & (distance <= outer) & (gray[y0:y1, x0:x1] < PAPER)
        by, bx = np.nonzero(band)
        if not len(by):
            continue
        ux, uy = dx[by, bx] / distance[by, bx], dy[by, bx] / distance[by, bx]
        crossed = np.zeros(len(by), dtype=bool)
        for edge in (inner[by, bx] - beyond, outer[by, bx] + beyond):
            px = np.clip(np.rint(x + ux * edge).astype(np.int64), 0, width - 1)
            py = np.clip(np.rint(y + uy * edge).astype(np.int64), 0, height - 1)
            crossed |= ink[py, px]
        # a stroke of print crossing the ring up and down or side to side: where the ring
        # runs aslant, the radius leaves the stroke before the band ends
        across = STRAIGHT_ACROSS * float(np.median(outer_edge - inner_edge)) + 2 * RING_MARGIN
        ring = (distance >= inner) & (distance <= outer)
        crossed |= _straight_crossing(ring, ink[y0:y1, x0:x1], across)[by, bx]
        cleaned[by[~crossed] + y0, bx[~crossed] + x0] = WHITE
    _drop_ticks(cleaned, rings)
    _drop_remains(cleaned, zones)
    return cleaned


def _straight_crossing(ring: np.ndarray, ink: np.ndarray, across: float) -> np.ndarray:
    """The pixels of ``ring`` (a ring's band) that a straight stroke of print, up and down
    or side to side, crosses: there is ink where the band ends on both sides, at most
    ``across`` pixels apart (where the ring runs along the line, it is longer)."""
    crossed = np.zeros_like(ring)
    for band, stroke in ((ring, ink), (ring.T, ink.T)):
        before = np.zeros(band.shape, dtype=bool)
        gap_before = np.zeros(band.shape, dtype=np.int32)
        for row in range(1, band.shape[0]):
            inside = band[row - 1]
            before[row] = np.where(inside, before[row - 1], stroke[row - 1])
            gap_before[row] = np.where(inside, gap_before[row - 1] + 1, 0)
        after = np.zeros(band.shape, dtype=bool)
        gap_after = np.zeros(band.shape, dtype=np.int32)
        for row in range(band.shape[0] - 2, -1, -1):
            inside = band[row + 1]
            after[row] = np.where(inside, after[row + 1], stroke[row + 1])
            gap_after[row] = np.where(inside, gap_after[row + 1] + 1, 0)
        found = band & before & after & (gap_before + gap_after + 1 <= across)
        crossed |= found if band is ring else found.T
    return crossed


def _drop_ticks(cleaned: Image, rings: list[tuple[float, float, float, float]]) -> None:
    """Whiten, in place, the pieces of ink lying between a seal's outer and inner ring
    (both lifted already) that run along the seal's radius: its ticks and the strokes of
    its letters (a letter of print lying there whole and as long radially stays only
    if it is wider than :data:`TICK_ASPECT` allows)."""
    height, width = cleaned.shape
    for outer, inner in itertools.pairwise(rings):
        x, y, low = outer[0], outer[1], outer[2]
        if (inner[0], inner[1]) != (x, y) or inner[3] >= low:
            continue
        high = inner[3]
        x0, x1 = max(0, int(x - low)), min(width, int(x + low) + 1)
        y0, y1 = max(0, int(y - low)), min(height, int(y + low) + 1)
        area = np.asarray(cleaned[y0:y1, x0:x1] < INK, np.uint8)
        count, labels = cv2.connectedComponents(area, connectivity=8)
        if count < 2:
            continue
        ys, xs = np.nonzero(labels)
        ids = np.asarray(labels[ys, xs], dtype=np.intp)
        dx, dy = xs + x0 - x, ys + y0 - y
        radius = np.hypot(dx, dy)
        angle = np.arctan2(dy, dx)
        smallest = np.full(count, np.inf)
        largest = np.zeros(count)
        np.minimum.at(smallest, ids, radius)
        np.maximum.at(largest, ids, radius)
        # tangential extent: spread of the angle, from the piece's own direction, times
        # the mean radius
        mean_x = np.bincount(ids, dx, count)
        mean_y = np.bincount(ids, dy, count)
        turned = np.angle(np.exp(1j * (angle - np.arctan2(mean_y, mean_x)[ids])))
        low_a = np.full(count, np.inf)
        high_a = np.full(count, -np.inf)
        np.minimum.at(low_a, ids, turned)
        np.maximum.at(high_a, ids, turned)
        across = (high_a - low_a) * (smallest + largest) / 2 + 1
        along = largest - smallest + 1
        tick = ((smallest >= high - 1) & (largest <= low + 1)
                & (along >= TICK_ASPECT * across))
        tick[0] = False
        drop = tick[labels]
        halo = cv2.dilate(drop.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        drop |= halo & (area == 0)
        cleaned[y0:y1, x0:x1][drop] = WHITE


def _drop_remains(cleaned: Image, zones: np.ndarray) -> None:
    """Whiten, in place, the pieces of ink lying whole within a ring's zone (``zones``: its
    stroke as whitened and :data:`CROSSING_INCHES` around it): what is left of the ring
    (specks of its ragged edge, short stubs where print came near it, a tick's foot),
    which Tesseract read as lines of junk. Print crossing the ring reaches beyond it."""
    ys, xs = np.nonzero(zones)
    if not len(ys):
        return
    # a pixel's margin round the zones: a piece running out of them has ink outside them
    height, width = zones.shape
    y0, y1 = max(0, ys.min() - 2), min(height, ys.max() + 3)
    x0, x1 = max(0, xs.min() - 2), min(width, xs.max() + 3)
    area = np.asarray(cleaned[y0:y1, x0:x1] < INK, np.uint8)
    count, labels = cv2.connectedComponents(area, connectivity=8)
    if count < 2:
        return
    beyond = np.bincount(labels[~zones[y0:y1, x0:x1]].ravel(), minlength=count) > 0
    remains = ~beyond
    remains[0] = False
    cleaned[y0:y1, x0:x1][remains[labels]] = WHITE
