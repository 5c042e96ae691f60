"""Demo staff accounts for the demo agency tree (development only).

Their shared password is generated once per installation into instance/demo_password and
printed by `flask seed demo`; it is never in the repository.
"""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.agencies.models import Agency
from app.auth import services
from app.extensions import db

DEMO_USERS = [
    ("quantri@demo.vn", "Quản trị hệ thống", "admin", "LS"),
    ("giamsat@demo.vn", "Đỗ Minh Giám", "supervisor", "LS"),
    ("chutich@demo.vn", "Hồ Tiến Chủ", "leader", "LS"),
    ("lanhdao.thanhtra@demo.vn", "Hoàng Văn Lãnh", "leader", "TTLS"),
    ("chuyenvien.thanhtra@demo.vn", "Nguyễn Thị Chuyên", "handler", "TTLS"),
    ("lanhdao.btcd@demo.vn", "Vi Văn Đạo", "leader", "BTCD"),
    ("chuyenvien.btcd@demo.vn", "Lương Thị Viên", "handler", "BTCD"),
    ("tiepdan@demo.vn", "Nông Văn Tiếp", "receptionist", "BTCD"),
    ("chuyenvien.xa@demo.vn", "Hà Thị Xã", "handler", "XCL"),
    ("chutich.xa@demo.vn", "Lộc Văn Xuân", "leader", "XCL"),
]


def demo_password() -> str:
    """The installation's demo password (created on first use)."""
    path = Path(current_app.instance_path) / "demo_password"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("demo-" + secrets.token_urlsafe(9))
        path.chmod(0o600)
    return path.read_text().strip()


def load_demo_users() -> int:
    """Create the demo accounts that are missing; return how many were added."""
    added = 0
    for email, name, role, agency_code in DEMO_USERS:
        if services.find_by_email(email):
            continue
        agency = db.session.scalars(select(Agency).where(Agency.code == agency_code)).first()
        if agency is None:
            continue
        services.create_user(email=email, full_name=name, role=role, agency_id=agency.id,
                             password=demo_password(), actor_label="seed demo")
        added += 1
    return added
