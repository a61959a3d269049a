"""Texts of real-looking administrative documents, for the classifier tests."""

from __future__ import annotations

DECISION = """UBND TỈNH LÂM ĐỒNG
SỞ XÂY DỰNG
Số: 152/QĐ-SXD
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Đà Lạt, ngày 7 tháng 3 năm 2024
QUYẾT ĐỊNH
Về việc cấp phép xây dựng công trình nhà văn hóa thôn
Căn cứ Luật Xây dựng năm 2014;
Điều 1. Cấp phép xây dựng cho công trình nói trên.
Nơi nhận:
- Như Điều 1;
- Lưu: VT.
KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC
Đặng Quốc Bảo"""
"""A construction-permit decision of a provincial department, as OCR reads it."""
