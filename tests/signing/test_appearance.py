"""Decree 30 appearances: placement geometry, and real signatures made with pyHanko from
the plans (leader's image, agency's seal over it, attachment and copy text stamps), read back
with PyMuPDF and validated with pyHanko."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pymupdf
import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers import pdf_signer
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from signing.appearance import (
    MM,
    AppearancePlan,
    Box,
    SignerBlock,
    image_style,
    leader_box,
    plan_appearance,
    seal_box,
    stamp_box,
    text_style,
    vietnam_time,
)
from signing.errors import SigningInputError
from tests.support.appearance import (
    ThrowawaySigner,
    born_digital,
    decree_document,
    line_rect,
    make_signer,
    seal_png,
    sign_with_plan,
    signature_png,
    signature_widgets,
)

A4 = Box(0.0, 0.0, 595.28, 841.89)
ISO_VN = re.compile(r"Thời gian ký: (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00)")


def _block(position: Box, name: Box) -> SignerBlock:
    return SignerBlock(page_index=0, position=position, name=name, page=A4,
                       position_text="PHÓ CHỦ TỊCH", name_text="Lê Văn Miều", read_by="text-layer")


# --- placement: pure geometry ------------------------------------------------------------

def test_leader_box_fits_the_space_keeps_aspect_and_centres() -> None:
    block = _block(Box(380, 640, 470, 655), Box(360, 550, 490, 565))
    box = leader_box(block, 600, 300)
    assert box.width / box.height == pytest.approx(2.0)
    assert box.y1 < 640
    assert box.y0 > 565
    assert box.centre[0] == pytest.approx(425)
    assert box.centre[1] == pytest.approx((640 + 565) / 2)
    assert box.height > 0.85 * (640 - 565)  # fills the space, less a small margin


def test_leader_box_is_at_most_55_mm_wide() -> None:
    block = _block(Box(380, 640, 470, 655), Box(360, 550, 490, 565))
    box = leader_box(block, 2000, 200)
    assert box.width == pytest.approx(55 * MM)
    assert box.width / box.height == pytest.approx(10.0)
    with pytest.raises(SigningInputError):
        leader_box(block, 0, 100)


def test_seal_box_overlaps_the_left_third_and_stays_on_the_page() -> None:
    leader = Box(360, 570, 490, 630)
    seal = seal_box(leader)
    assert seal.width == pytest.approx(38 * MM)
    assert seal.height == pytest.approx(38 * MM)
    assert seal.x1 == pytest.approx(leader.x0 + leader.width / 3)
    assert seal.centre[1] == pytest.approx(leader.centre[1])
    near_edge = seal_box(Box(20, 10, 100, 40), page=A4)
    assert near_edge.x0 == pytest.approx(0)
    assert near_edge.y0 == pytest.approx(0)
    assert near_edge.width == pytest.approx(38 * MM)


def test_stamp_box_is_at_the_top_right_and_sized_to_the_text() -> None:
    short = stamp_box(595.28, 841.89, ["SAO Y", "Thời gian ký: 2026-11-22T09:15:02+07:00"])
    long = stamp_box(595.28, 841.89, ["UBND THÀNH PHỐ HÀ NỘI - VĂN PHÒNG ỦY BAN NHÂN DÂN",
                                      "Thời gian ký: 2026-11-22T09:15:02+07:00", "x"])
    for box in (short, long):
        assert box.x1 == pytest.approx(595.28 - 10 * MM)
        assert 5 * MM < 841.89 - box.y1 < 12 * MM
    assert long.width > short.width
    assert long.height > short.height
    assert 120 < short.width < 200  # the time line at 10 pt, not a fixed size


def test_signing_time_is_shown_in_vietnam_time() -> None:
    assert vietnam_time(datetime(2026, 11, 22, 2, 15, 2, 900, tzinfo=UTC)) == \
        "2026-11-22T09:15:02+07:00"
    new_york = datetime(2026, 11, 21, 20, 15, 2, tzinfo=ZoneInfo("America/New_York"))
    assert vietnam_time(new_york) == "2026-11-22T08:15:02+07:00"


def test_image_style_is_cached_per_file_version(tmp_path: Path) -> None:
    path = signature_png(tmp_path / "sig.png")
    first = image_style(path)
    second = image_style(path)
    assert second is not first  # a style per signature (pyHanko's images hold a writer)
    assert second.background.image is first.background.image  # the decoded image is shared
    signature_png(path, size=(500, 200))
    path.touch()
    assert image_style(path).background.image is not first.background.image
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a png")
    with pytest.raises(SigningInputError) as caught:
        image_style(broken)
    assert caught.value.subject == "broken.png"


# --- real signatures -----------------------------------------------------------------------

@dataclass(frozen=True)
class Signed:
    """The leader-signed and agency-signed files of one draft."""

    draft: Path
    leader: Path
    agency: Path
    signer: ThrowawaySigner
    leader_plan: AppearancePlan
    agency_plan: AppearancePlan


def _plan(path: Path, role: str, **kwargs: Any) -> AppearancePlan:
    with pymupdf.open(path) as doc:
        return plan_appearance(role, doc, source=path.name, **kwargs)


@pytest.fixture(scope="module")
def signer() -> ThrowawaySigner:
    return make_signer()


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory, signer: ThrowawaySigner) -> Signed:
    tmp = tmp_path_factory.mktemp("signed")
    draft = born_digital(tmp, decree_document())
    leader_plan = _plan(draft, "leader", image=signature_png(tmp / "signature.png"))
    leader = tmp / "leader.pdf"
    sign_with_plan(draft, leader, leader_plan, "ChuKyLanhDao", signer)
    agency_plan = _plan(leader, "agency", image=seal_png(tmp / "seal.png"))
    agency = tmp / "agency.pdf"
    sign_with_plan(leader, agency, agency_plan, "ChuKyCoQuan", signer)
    return Signed(draft, leader, agency, signer, leader_plan, agency_plan)


def _statuses(path: Path, signer: ThrowawaySigner) -> list[tuple[str, bool, bool, Any]]:
    with path.open("rb") as handle:
        reader = PdfFileReader(handle)
        result = []
        for embedded in reader.embedded_signatures:
            status = validate_pdf_signature(
                embedded, ValidationContext(trust_roots=[signer.certificate]))
            result.append((embedded.field_name, status.intact, status.valid,
                           status.signer_reported_dt))
        return result


def test_leader_signature_sits_between_position_and_name(signed: Signed) -> None:
    page = signed.leader_plan.page_index
    with pymupdf.open(signed.draft) as doc:
        assert page == doc.page_count - 1
    widget = signature_widgets(signed.leader, page)["ChuKyLanhDao"]
    position = line_rect(signed.draft, page, "PHÓ CHỦ TỊCH")
    name = line_rect(signed.draft, page, "Phạm Thị Thùy Xuân")
    assert position.y1 <= widget.y0 < widget.y1 <= name.y0  # top-left origin: y down
    assert (widget.y0 - position.y1) == pytest.approx(name.y0 - widget.y1, abs=2)
    column = (position.x0 + position.x1 + name.x0 + name.x1) / 4
    assert (widget.x0 + widget.x1) / 2 == pytest.approx(column, abs=3)
    assert widget.width / widget.height == pytest.approx(2.0, rel=0.02)  # 600 x 300 px
    assert widget.width <= 55 * MM + 0.5


def test_agency_seal_is_38_mm_over_the_left_third_of_the_leader(signed: Signed) -> None:
    widgets = signature_widgets(signed.agency, signed.agency_plan.page_index)
    leader, seal = widgets["ChuKyLanhDao"], widgets["ChuKyCoQuan"]
    assert seal.width == pytest.approx(38 * MM, abs=1 * MM)
    assert seal.height == pytest.approx(38 * MM, abs=1 * MM)
    overlap = (seal.x1 - leader.x0) / leader.width
    assert 0.25 <= overlap <= 0.42
    assert seal.x0 < leader.x0  # on its left
    assert (seal.y0 + seal.y1) / 2 == pytest.approx((leader.y0 + leader.y1) / 2, abs=2)


def test_both_signatures_validate(signed: Signed) -> None:
    statuses = _statuses(signed.agency, signed.signer)
    assert [(name, intact, valid) for name, intact, valid, _ in statuses] == [
        ("ChuKyLanhDao", True, True), ("ChuKyCoQuan", True, True)]


def test_images_keep_their_transparency(signed: Signed) -> None:
    with signed.agency.open("rb") as handle:
        reader = PdfFileReader(handle)
        smasks = 0
        for field in reader.root["/AcroForm"]["/Fields"]:
            appearance = field.get_object()["/AP"]["/N"]
            for image in appearance["/Resources"]["/XObject"].values():
                image = image.get_object()
                assert image["/Subtype"] == "/Image"
                smasks += "/SMask" in image
    assert smasks == 2


def test_agency_without_leader_signature_centres_the_seal_on_the_space(
        signed: Signed, tmp_path: Path) -> None:
    plan = _plan(signed.draft, "agency", image=seal_png(tmp_path / "seal.png"))
    leader = Box(*signed.leader_plan.box)
    seal = Box(*plan.box)
    assert plan.page_index == signed.leader_plan.page_index
    assert seal.width == pytest.approx(38 * MM, abs=0.05)
    assert seal.centre[0] == pytest.approx(leader.centre[0], abs=1)
    assert seal.centre[1] == pytest.approx(leader.centre[1], abs=1)


@pytest.mark.parametrize(("role", "lines"), [
    ("attachment", ["Số: 123/QĐ-UBND", "UBND THÀNH PHỐ HÀ NỘI"]),
    ("copy", ["SAO Y", "VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH BẮC NINH"]),
])
def test_text_stamp_top_right_of_first_page_in_vietnam_time(
        signed: Signed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, role: str,
        lines: list[str]) -> None:
    # the machine's zone must not matter: pyHanko takes "now" in the local zone
    monkeypatch.setattr(pdf_signer.tzlocal, "get_localzone",
                        lambda: ZoneInfo("America/New_York"))
    plan = _plan(signed.agency, role, stamp_lines=lines)
    assert plan.page_index == 0
    out = tmp_path / f"{role}.pdf"
    sign_with_plan(signed.agency, out, plan, f"Ky{role}", signed.signer)
    widget = signature_widgets(out, 0)[f"Ky{role}"]
    with pymupdf.open(out) as doc:
        width = doc[0].rect.width
        doc.bake()
        text = doc[0].get_text(clip=pymupdf.Rect(widget.x0 - 1, widget.y0 - 1, widget.x1 + 1,
                                                 widget.y1 + 1))
    assert widget.x1 == pytest.approx(width - 10 * MM, abs=1)
    assert 5 * MM < widget.y0 < 12 * MM
    assert widget.x0 > width / 2
    for line in lines:
        assert line in text
    shown = ISO_VN.search(text)
    assert shown is not None, text
    statuses = _statuses(out, signed.signer)
    assert all(intact and valid for _, intact, valid, _ in statuses)
    assert len(statuses) == 3
    signing_time = statuses[-1][3]
    assert signing_time.utcoffset() is not None
    assert shown.group(1) == vietnam_time(signing_time)


def test_text_style_uses_embedded_liberation_serif_10_pt() -> None:
    style = text_style(["Số: 1/QĐ-UBND"])
    assert style.text_box_style.font_size == 10
    assert "LiberationSerif" in str(style.text_box_style.font.font_file)
    assert style.stamp_text.endswith("Thời gian ký: %(ts)s")
    assert style.border_width == 0


def test_bad_requests_are_refused(signed: Signed, tmp_path: Path) -> None:
    with pytest.raises(SigningInputError, match="unknown signer role"):
        _plan(signed.draft, "president")
    with pytest.raises(SigningInputError, match="signature image") as caught:
        _plan(signed.draft, "leader")
    assert caught.value.subject == "draft.pdf"
    with pytest.raises(SigningInputError, match="stamp text"):
        _plan(signed.draft, "attachment")
    with pytest.raises(SigningInputError) as missing:
        _plan(signed.draft, "leader", image=tmp_path / "nowhere.png")
    assert missing.value.subject == "nowhere.png"
