"""Content categories of DOMAIN.md §2 (sub-classes used in real report templates). Idempotent."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.petitions.models import ContentCategory

# code, kind, name, parent code
CATEGORIES = [
    ("KN.HC", "complaint", "Lĩnh vực hành chính", None),
    ("KN.HC.DAT", "complaint", "Đất đai", "KN.HC"),
    ("KN.HC.DAT.TRANHCHAP", "complaint", "Tranh chấp đất đai", "KN.HC.DAT"),
    ("KN.HC.DAT.DOIDAT", "complaint", "Đòi đất cũ", "KN.HC.DAT"),
    ("KN.HC.DAT.BOITHUONG", "complaint", "Đền bù, giải phóng mặt bằng, giải tỏa", "KN.HC.DAT"),
    ("KN.HC.NHA", "complaint", "Nhà ở, tài sản", "KN.HC"),
    ("KN.HC.CHINHSACH", "complaint", "Chính sách", "KN.HC"),
    ("KN.HC.CBCC", "complaint", "Chế độ cán bộ, công chức", "KN.HC"),
    ("KN.HC.KHAC", "complaint", "Khác (hành chính)", "KN.HC"),
    ("KN.TUPHAP", "complaint", "Lĩnh vực tư pháp", None),
    ("KN.VHXH", "complaint", "Văn hóa, xã hội và lĩnh vực khác", None),
    ("KN.DANG", "complaint", "Liên quan đến Đảng", None),
    ("TC.HC", "denunciation", "Lĩnh vực hành chính", None),
    ("TC.TUPHAP", "denunciation", "Lĩnh vực tư pháp", None),
    ("TC.THAMNHUNG", "denunciation", "Tham nhũng", None),
    ("TC.DANG", "denunciation", "Liên quan đến Đảng", None),
    ("TC.KHAC", "denunciation", "Lĩnh vực khác", None),
    ("KNPA.CHINHSACH", "proposal", "Chính sách, pháp luật", None),
    ("KNPA.QUANLY", "proposal", "Công tác quản lý nhà nước", None),
    ("KNPA.KHAC", "proposal", "Lĩnh vực khác", None),
]


def load_categories() -> int:
    """Insert missing categories; return how many were added."""
    have = {c.code: c for c in db.session.scalars(select(ContentCategory))}
    added = 0
    for position, (code, kind, name, parent_code) in enumerate(CATEGORIES):
        if code in have:
            continue
        parent = have.get(parent_code) if parent_code else None
        row = ContentCategory(code=code, kind=kind, name=name, parent_id=parent.id if parent else None,
                              position=position)
        db.session.add(row)
        db.session.flush()
        have[code] = row
        added += 1
    return added
