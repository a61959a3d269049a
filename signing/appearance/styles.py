"""pyHanko stamp styles for Decree 30 appearances: a bare image (the leader's signature, the
agency's seal) and Vietnamese text with the signing time in Vietnam time (attachments,
electronic copies).

How the signing time reaches the text: pyHanko renders a :class:`TextStampStyle` with the
parameter ``ts`` = ``signing_time.strftime(style.timestamp_format)``, where signing_time is
the signing session's ``system_time`` (the same instant that goes in the signature's ``/M``
and CMS signing-time). :class:`VietnamTimeStampStyle` sets a machine-readable
``timestamp_format`` (ISO 8601 with the UTC offset) and creates a :class:`VietnamTimeStamp`,
which parses that string back and shows it in Asia/Ho_Chi_Minh as
``2026-11-22T09:15:02+07:00``, whatever the machine's own time zone.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PIL import Image, UnidentifiedImageError
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.stamp import StaticStampStyle, TextStamp, TextStampStyle

from signing.appearance.fonts import FONT_SIZE, font_factory, line_leading
from signing.appearance.images import CompressedPlanes, EncodedImage
from signing.appearance.placement import STAMP_PADDING
from signing.errors import SigningInputError

try:
    VIETNAM: Any = ZoneInfo("Asia/Ho_Chi_Minh")
except ZoneInfoNotFoundError:  # no tz database: Vietnam has kept UTC+7 without DST since 1975
    from datetime import timedelta, timezone

    VIETNAM = timezone(timedelta(hours=7), "ICT")

TRANSPORT_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
"""How pyHanko hands the signing time to :class:`VietnamTimeStamp` (parsed back there)."""
TIME_LABEL = "Thời gian ký: "
TIME_PLACEHOLDER = "%(ts)s"
SAMPLE_TIME = "2026-11-22T09:15:02+07:00"
"""As wide as any time shown; used to size stamps before the time is known."""
MAX_IMAGE_PIXELS = 40_000_000


def vietnam_time(moment: datetime) -> str:
    """``moment`` in Vietnam time, ISO 8601 to the second: ``2026-11-22T09:15:02+07:00``.
    A naive ``moment`` is taken as UTC."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(VIETNAM).isoformat(timespec="seconds")


def _from_transport(text: str) -> str:
    try:
        return vietnam_time(datetime.strptime(text, TRANSPORT_FORMAT))
    except ValueError:  # naive signing time: strftime left %z empty
        return vietnam_time(datetime.strptime(text, TRANSPORT_FORMAT.removesuffix("%z")))


class VietnamTimeStamp(TextStamp):
    """A text stamp whose ``ts`` parameter is shown in Vietnam time (ISO 8601, +07:00)."""

    def __init__(self, writer: BasePdfFileWriter, style: TextStampStyle,
                 text_params: dict[str, Any] | None = None,
                 box: layout.BoxConstraints | None = None) -> None:
        params = dict(text_params or {})
        if isinstance(params.get("ts"), str):
            params["ts"] = _from_transport(params["ts"])
        super().__init__(writer=writer, style=style, text_params=params, box=box)

    def get_default_text_params(self) -> dict[str, Any]:
        """``ts`` = now, in Vietnam time (used only when pyHanko passes no signing time)."""
        return {"ts": vietnam_time(datetime.now(tz=UTC))}


@dataclass(frozen=True)
class VietnamTimeStampStyle(TextStampStyle):
    """:class:`TextStampStyle` showing the signing time in Vietnam time (see the module
    docstring); keep ``timestamp_format`` as it is."""

    timestamp_format: str = TRANSPORT_FORMAT
    border_width: int = 0
    inner_content_layout: layout.SimpleBoxLayoutRule | None = field(
        default_factory=lambda: layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MAX, y_align=layout.AxisAlignment.ALIGN_MAX))

    def create_stamp(self, writer: BasePdfFileWriter, box: layout.BoxConstraints,
                     text_params: dict[str, Any]) -> VietnamTimeStamp:
        """The stamp pyHanko renders into the signature widget."""
        return VietnamTimeStamp(writer=writer, style=self, box=box, text_params=text_params)


def stamp_template(lines: Sequence[str]) -> list[str]:
    """The stamp's lines as shown before the time is known: ``lines`` then the signing-time
    line (with pyHanko's ``%(ts)s`` placeholder)."""
    cleaned = [" ".join(line.split()) for line in lines]
    if not any(cleaned):
        raise SigningInputError("a text stamp needs at least one line of text")
    return [*cleaned, TIME_LABEL + TIME_PLACEHOLDER]


def sized_lines(lines: Sequence[str]) -> list[str]:
    """The stamp's lines with a sample time in place: what to measure its box by."""
    return [line.replace(TIME_PLACEHOLDER, SAMPLE_TIME) for line in stamp_template(lines)]


def text_style(lines: Sequence[str], font_size: int = FONT_SIZE) -> VietnamTimeStampStyle:
    """Text appearance: ``lines`` (number/symbol and agency, or kind of copy and copying
    agency) and ``Thời gian ký: <signing time, +07:00>`` in Liberation Serif ``font_size``
    pt, embedded, black, no border, no background."""
    template = [line.replace("%", "%%") for line in stamp_template(lines)[:-1]]
    text = "\n".join([*template, TIME_LABEL + TIME_PLACEHOLDER])
    box_style = TextBoxStyle(
        font=font_factory(font_size), font_size=font_size, leading=line_leading(font_size),
        box_layout_rule=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins(left=STAMP_PADDING, right=STAMP_PADDING,
                                  top=STAMP_PADDING, bottom=STAMP_PADDING)))
    return VietnamTimeStampStyle(stamp_text=text, text_box_style=box_style)


def _load_image(path: Path) -> Image.Image:
    try:
        with Image.open(path) as opened:
            if opened.width * opened.height > MAX_IMAGE_PIXELS:
                raise SigningInputError(f"the image is too large ({opened.width} x "
                                        f"{opened.height} px)", subject=path.name)
            opened.load()
            image = opened.copy()
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError) as error:
        raise SigningInputError(f"not a readable image: {error}", subject=path.name) from error
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if transparent:
        return image.convert("RGBA")  # alpha becomes the PDF image's /SMask
    return image if image.mode in ("RGB", "L") else image.convert("RGB")


@functools.lru_cache(maxsize=32)
def _decoded_image(path: Path, mtime_ns: int, size: int) -> tuple[Image.Image, CompressedPlanes]:
    image = _load_image(path)
    return image, CompressedPlanes.of(image)


def _image_style(path: Path, mtime_ns: int, size: int) -> StaticStampStyle:
    # a fresh style per signature: pyHanko's PdfImage remembers the writer it was last
    # drawn into, so sharing one between threads signing at once would mix them up
    image, planes = _decoded_image(path, mtime_ns, size)
    return StaticStampStyle(
        background=EncodedImage(image, planes),
        border_width=0,
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(), inner_content_scaling=layout.InnerScaling.STRETCH_TO_FIT))


def image_style(path: Path) -> StaticStampStyle:
    """Image appearance: the PNG/JPEG at ``path`` filling the widget (aspect kept), no
    border, no text; transparency kept (as an ``/SMask``). Cached per file path, size and
    modification time (the decoded image; the style itself is new each time).

    Raises :class:`~signing.errors.SigningInputError` naming the file when it is missing
    or not a readable image.
    """
    try:
        stat = path.stat()
    except OSError as error:
        raise SigningInputError(f"the image cannot be read: {error.strerror}",
                                subject=path.name) from error
    return _image_style(path.resolve(), stat.st_mtime_ns, stat.st_size)


def image_size(style: StaticStampStyle) -> tuple[int, int]:
    """The (width, height) in pixels of an :func:`image_style`'s image."""
    background = style.background
    assert isinstance(background, PdfImage)
    return background.image.width, background.image.height
