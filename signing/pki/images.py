"""The demo PKI's images, drawn with Pillow: a blue handwritten signature and a red seal.

Both are RGBA PNGs on a transparent background at 300 dpi (stored in the file), drawn four
times larger and scaled down so that the strokes are smooth.
"""

from __future__ import annotations

import io
import math
import unicodedata
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from signing.errors import SigningError

DPI = 300
BLUE_INK = (22, 45, 160, 255)
SEAL_RED = (210, 25, 35, 255)
SIGNATURE_MM = (50.0, 22.0)
SEAL_MM = 38.0
_SCALE = 4
# fonts-liberation2 first: fonts-liberation 1.x lacks some Vietnamese capitals (Ỷ, Ố, Ộ)
_FONT_DIRS = ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation")
_FONT_FILES = ("LiberationSans-Bold.ttf", "LiberationSerif-Bold.ttf")


def mm_to_px(mm: float) -> int:
    """Millimetres to pixels at 300 dpi."""
    return round(mm / 25.4 * DPI)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(DPI, DPI), optimize=True)
    return buffer.getvalue()


def _covers(path: Path, text: str) -> bool:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped, unused-ignore]

    with TTFont(str(path), lazy=True) as font:
        cmap: dict[int, str] = font.getBestCmap() or {}
    return all(ord(char) in cmap for char in text if not char.isspace())


def _font_path(text: str) -> Path:
    """The first Liberation bold font that has a glyph for every letter of ``text``."""
    for directory in _FONT_DIRS:
        for name in _FONT_FILES:
            path = Path(directory) / name
            if path.is_file() and _covers(path, text):
                return path
    raise SigningError("no Liberation font has glyphs for every letter of the agency name "
                       "(install fonts-liberation2)", subject=text)


def draw_leader_signature() -> bytes:
    """A blue, handwriting-like signature (about 50 x 22 mm) as a transparent PNG."""
    width, height = (mm_to_px(mm) * _SCALE for mm in SIGNATURE_MM)
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    stroke = 5 * _SCALE
    # the name: a run of loops whose height swells and fades, like a fast cursive hand
    points = []
    steps = 900
    for index in range(steps + 1):
        t = index / steps
        phase = t * 7.5 * math.tau
        envelope = 0.35 + 0.65 * math.sin(math.pi * min(1.0, t * 1.15)) ** 0.7
        x = width * (0.08 + 0.80 * t) - width * 0.025 * math.sin(phase)
        y = height * (0.50 - 0.10 * t) - height * 0.22 * envelope * math.cos(phase)
        y += height * 0.05 * math.sin(t * math.tau * 1.3)
        points.append((x, y))
    draw.line(points, fill=BLUE_INK, width=stroke, joint="curve")
    # a tall first stroke and a flourish underneath, ending with a flick
    first = [(width * 0.10, height * 0.62), (width * 0.14, height * 0.12),
             (width * 0.17, height * 0.58)]
    draw.line(first, fill=BLUE_INK, width=stroke, joint="curve")
    swash = []
    for index in range(241):
        t = index / 240
        x = width * (0.05 + 0.90 * t)
        y = height * (0.80 - 0.16 * t + 0.07 * math.sin(t * math.pi * 1.6))
        swash.append((x, y))
    draw.line(swash, fill=BLUE_INK, width=stroke - _SCALE, joint="curve")
    dot = 4 * _SCALE
    draw.ellipse((width * 0.90 - dot, height * 0.30 - dot, width * 0.90 + dot,
                  height * 0.30 + dot), fill=BLUE_INK)
    final = image.resize((width // _SCALE, height // _SCALE), Image.Resampling.LANCZOS)
    return _png(final)


def _star(cx: float, cy: float, outer: float) -> list[tuple[float, float]]:
    inner = outer * 0.382
    points = []
    for index in range(10):
        radius = outer if index % 2 == 0 else inner
        angle = -math.pi / 2 + index * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def _text_around(image: Image.Image, text: str, font: ImageFont.FreeTypeFont,
                 radius: float) -> None:
    """Write ``text`` clockwise along a circle of ``radius``, centred on the top."""
    size = image.size[0]
    centre = size / 2
    advances = [font.getlength(char) for char in text]
    total = sum(advances)
    angle = -math.pi / 2 - (total / radius) / 2
    ascent, descent = font.getmetrics()
    for char, advance in zip(text, advances, strict=True):
        middle = angle + (advance / 2) / radius
        angle += advance / radius
        if char.isspace():
            continue
        box = int(max(advance, ascent + descent) * 2) + 4
        glyph = Image.new("RGBA", (box, box), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((box / 2, box / 2), char, font=font, fill=SEAL_RED,
                                   anchor="mm")
        glyph = glyph.rotate(-math.degrees(middle + math.pi / 2),
                             resample=Image.Resampling.BICUBIC)
        x = centre + radius * math.cos(middle) - box / 2
        y = centre + radius * math.sin(middle) - box / 2
        image.alpha_composite(glyph, (round(x), round(y)))


def draw_seal(agency: str) -> bytes:
    """A red round seal, 38 mm across at 300 dpi (449 px), as a transparent PNG: two rings,
    the agency name in capitals around them, a star in the centre."""
    final_size = mm_to_px(SEAL_MM)
    size = final_size * _SCALE
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre = size / 2
    outer_width = 14 * _SCALE
    inner_radius = size * 0.31
    margin = 2 * _SCALE
    draw.ellipse((margin, margin, size - margin, size - margin), outline=SEAL_RED,
                 width=outer_width)
    draw.ellipse((centre - inner_radius, centre - inner_radius, centre + inner_radius,
                  centre + inner_radius), outline=SEAL_RED, width=5 * _SCALE)
    draw.polygon(_star(centre, centre, size * 0.17), fill=SEAL_RED)

    text = unicodedata.normalize("NFC", agency.upper())
    outer_radius = size / 2 - margin - outer_width
    band = outer_radius - inner_radius
    font_path = _font_path(text)
    font_size = int(band * 0.55)
    text_radius = (outer_radius + inner_radius) / 2
    arc = text_radius * math.radians(300)
    font = ImageFont.truetype(str(font_path), font_size)
    while font.getlength(text) > arc and font_size > 8 * _SCALE:
        font_size -= _SCALE
        font = ImageFont.truetype(str(font_path), font_size)
    _text_around(image, text, font, text_radius - font_size * 0.05)
    # two small stars close the ring at the bottom
    for side in (-1, 1):
        angle = math.pi / 2 + side * math.radians(14)
        draw.polygon(_star(centre + text_radius * math.cos(angle),
                           centre + text_radius * math.sin(angle), band * 0.18), fill=SEAL_RED)
    final = image.resize((final_size, final_size), Image.Resampling.LANCZOS)
    return _png(final)
