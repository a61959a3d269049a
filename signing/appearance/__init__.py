"""Decree 30 signature appearances: where a signature shows and how it looks.

:func:`find_signer_block` locates the signer block on a document's last page (text layer or
OCR); :mod:`.placement` turns it into boxes (leader's image, agency's seal, text stamps);
:mod:`.styles` makes the pyHanko stamp styles; :func:`plan_appearance` puts it together by
signer role. All boxes are in PDF user space (points, origin bottom left).
"""

from signing.appearance.blocks import SignerBlock, find_signer_block
from signing.appearance.geometry import MM, Box
from signing.appearance.placement import leader_box, seal_box, seal_box_on_gap, stamp_box
from signing.appearance.plan import (
    ROLES,
    AppearancePlan,
    plan_appearance,
    signed_signature_boxes,
)
from signing.appearance.styles import (
    VietnamTimeStamp,
    VietnamTimeStampStyle,
    image_style,
    text_style,
    vietnam_time,
)

__all__ = [
    "MM",
    "ROLES",
    "AppearancePlan",
    "Box",
    "SignerBlock",
    "VietnamTimeStamp",
    "VietnamTimeStampStyle",
    "find_signer_block",
    "image_style",
    "leader_box",
    "plan_appearance",
    "seal_box",
    "seal_box_on_gap",
    "signed_signature_boxes",
    "stamp_box",
    "text_style",
    "vietnam_time",
]
