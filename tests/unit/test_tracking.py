"""Access keys: derived per form, normalised, compared by hash."""
import pytest

from app import create_app
from app.petitions.tracking import (
    derive_access_key,
    format_tracking_code,
    hash_access_key,
    key_matches,
    normalize_key,
)
from config import TestingConfig


@pytest.fixture
def ctx():
    app = create_app(TestingConfig)
    with app.app_context():
        yield


def test_format_tracking_code():
    assert format_tracking_code("LS", 2026, 123) == "LS-2026-000123"


def test_key_is_stable_per_token_and_different_across_tokens(ctx):
    a = derive_access_key("token-aaaaaaaaaaaaaaaaaaaaaaaa")
    assert a == derive_access_key("token-aaaaaaaaaaaaaaaaaaaaaaaa")
    assert a != derive_access_key("token-bbbbbbbbbbbbbbbbbbbbbbbb")
    assert len(a) == 14 and a.count("-") == 2
    assert not set(a.replace("-", "")) & set("ILOU")


def test_key_matching_tolerates_case_spaces_and_lookalikes(ctx):
    key = "7KQ2-M9XD-40PA"
    stored = hash_access_key(key)
    assert key_matches("7kq2 m9xd 4opa", stored)  # o read as 0
    assert key_matches("7KQ2M9XD40PA", stored)
    assert not key_matches("7KQ2-M9XD-40PB", stored)
    assert normalize_key("ab-il o") == "AB110"
