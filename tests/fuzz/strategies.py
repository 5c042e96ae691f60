"""Hypothesis strategies and settings shared by the fuzz tests of the public forms.

FUZZ_EXAMPLES sets the number of generated inputs per form: 50 by default, 1,000 when CI=true
(.ci/run), any number when set (`FUZZ_EXAMPLES=5000 make test`). The same forms run again on
PostgreSQL with FUZZ_PG_EXAMPLES inputs (250 in CI, 50 by default): its own errors (NUL bytes,
integer overflow) show within a few hundred inputs, and the suite stays well under its time limit.
"""
from __future__ import annotations

import os
from datetime import date

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

CI = os.environ.get("CI", "").lower() == "true"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or (1000 if CI else 50))
PG_EXAMPLES = int(os.environ.get("FUZZ_PG_EXAMPLES") or (250 if CI else 50))

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # a request may take a while on a busy machine: that is not a failure
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.filter_too_much],
    database=None,  # no .hypothesis/ folder in the repository; a failure prints its blob
    print_blob=True,
)

# Text a browser could send: any Unicode except lone surrogates (which cannot be encoded in UTF-8).
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=120)
VIETNAMESE = st.sampled_from([
    "Nguyễn Văn An", "Đặng Thị Ngọc Ánh", "Ủy ban nhân dân xã Cao Lộc", "khiếu nại", "tố cáo", "ấp Bắc",
    "Lạng Sơn", "Đ.9 Luật Tố cáo", "Ồ ỗ ộ ờ ở ỡ ợ ư ừ ứ ự ử ữ", "Nguyễn\u0301 Văn\u0323 (tổ hợp dấu)",
])
CONTROL = st.text(st.characters(min_codepoint=0, max_codepoint=0x1F), min_size=1, max_size=12)
SPECIAL = st.sampled_from([
    "", " ", "\x00", "null", "None", "undefined", "NaN", "-1", "0", "1e309", "<script>alert(1)</script>",
    "'; DROP TABLE petitions; --", "%00", "../../etc/passwd", "\u202e\u202dgnp.exe", "\ufeff", "\u200b",
    "🙂" * 10, "ﷺ" * 5, "A" * 255, "\r\n\r\n", "{{7*7}}", "${7*7}", "%s%s%s", "\\", "//evil.example",
])
LONG = st.integers(min_value=300, max_value=20_000).flatmap(
    lambda n: st.sampled_from(["ộ", "a", "9", " ", "Đơn "]).map(lambda ch: ch * n))
NUMBER = st.one_of(st.integers(min_value=-(10**40), max_value=10**40).map(str),
                   st.floats(allow_nan=True, allow_infinity=True).map(repr))
ODD_DATE = st.one_of(
    st.sampled_from(["31/02/2026", "29/02/2025", "00/00/0000", "99/99/9999", "1/1/1", "2026-13-01", "2026-02-29",
                     "15/03/2026T10:00", "15-03-2026", "15.03.2026", "03/15/2026", "ngày 15 tháng 3", "+275760-09-13"]),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).flatmap(
        lambda d: st.sampled_from([d.strftime("%d/%m/%Y"), d.isoformat(), f"{d.day}/{d.month}/{d.year}"])),
)


def junk() -> st.SearchStrategy[str]:
    """A value that no field expects."""
    return st.one_of(ANY_TEXT, VIETNAMESE, CONTROL, SPECIAL, LONG, NUMBER, ODD_DATE)


def field_value(valid: st.SearchStrategy[str] | None = None) -> st.SearchStrategy:
    """What a field may receive: a good value, junk, several values (a list where one is expected), or nothing."""
    one = st.one_of(valid, junk()) if valid is not None else junk()
    return st.one_of(one, st.lists(one, min_size=2, max_size=3), st.none())


def form_data(valid: dict[str, st.SearchStrategy[str]], extra_names: st.SearchStrategy[str] | None = None):
    """Form data built two ways: a valid form with a few fields changed (to reach the deep paths),
    or every field anything at all. A None value means the field is not sent."""
    names = sorted(valid)

    def mutate(base: dict, changed: dict) -> dict:
        out = dict(base)
        out.update(changed)
        return out

    mostly_valid = st.builds(
        mutate,
        st.fixed_dictionaries({name: valid[name] for name in names}),
        st.dictionaries(st.sampled_from(names), field_value(), max_size=4),
    )
    anything = st.fixed_dictionaries({name: field_value(valid[name]) for name in names},
                                     optional={"unexpected": field_value()} if extra_names is None else {})
    return st.one_of(mostly_valid, anything)


def encode(data: dict) -> list[tuple[str, str]]:
    """Form data for the test client: lists become repeated fields, None leaves the field out."""
    pairs: list[tuple[str, str]] = []
    for name, value in data.items():
        if value is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            pairs.append((name, item))
    return pairs


def fuzz(*strategies):
    """Like @given with the FUZZ settings, inside a test (which holds the app and its fixtures):
    calling the decorated function runs it, then checks that EXAMPLES inputs were really tried."""
    from hypothesis import given

    def decorate(body):
        from app.extensions import db

        tried = [0]
        wanted = PG_EXAMPLES if db.engine.dialect.name == "postgresql" else EXAMPLES

        @settings(FUZZ, max_examples=wanted)
        @given(st.tuples(*strategies))
        def run(args):
            tried[0] += 1
            body(*args)

        def check():
            run()
            assert tried[0] >= wanted, f"only {tried[0]} of {wanted} inputs were tried"

        return check

    return decorate
