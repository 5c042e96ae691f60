"""Shared helpers of the API tests: tokens, petitions and cases made directly through the services."""
from __future__ import annotations

from datetime import timedelta

from app.api.tokens import create_token
from app.db import utcnow
from app.extensions import db
from app.petitions.services import PersonData, PetitionDraft, register_walk_in_petition, new_form_token


def token_for(user, scopes=None) -> str:
    """A committed token of `user` with these scopes (default: every scope the role allows)."""
    from app.api.tokens import grantable_scopes

    scopes = scopes if scopes is not None else [p.value for p in grantable_scopes(user)]
    _token, secret = create_token(user, name="Thử nghiệm", scopes=scopes, expires_in_days=None)
    db.session.commit()
    return secret


def auth(secret: str, **extra) -> dict:
    return {"Authorization": f"Bearer {secret}", **extra}


def make_petition(user, *, kind: str = "complaint", minutes_ago: int = 5, title: str = "Khiếu nại việc thu hồi đất",
                  name: str = "Trần Thị Hoa"):
    """A walk-in petition registered by `user` in their agency (committed)."""
    draft = PetitionDraft(kind=kind, petitioner=None, title=title,
                          content="Gia đình tôi không đồng ý với quyết định thu hồi đất của xã.",
                          request="Đề nghị hủy quyết định", respondent="UBND xã Cao Lộc", declared_truthful=True)
    result = register_walk_in_petition(draft, user=user, people=[PersonData(full_name=name, id_number="020190001234")],
                                       received_at=utcnow() - timedelta(minutes=minutes_ago),
                                       form_token=new_form_token(), new_files=[], written_keys=[])
    db.session.commit()
    return result.petition
