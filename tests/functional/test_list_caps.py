"""Lists at a million rows: the inbox counts up to LIST_COUNT_CAP and then says "4+" (an exact count
of every petition cost a second a view), and a search ranks its SEARCH_RANK_CAP newest matches,
saying so. Here the caps are tiny so that a handful of petitions cross them."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from app.extensions import db
from app.petitions import queries
from tests.conftest import search
from tests.functional.test_inbox import codes, make_petitions


@pytest.fixture
def app_overrides():
    return {"LIST_COUNT_CAP": 4, "SEARCH_RANK_CAP": 3}


def test_counts_stop_at_the_cap(login_as):
    made = make_petitions(6)
    client, _ = login_as("handler", "BTCD")
    html = client.get("/staff/petitions/").get_data(as_text=True)
    assert "4+ đơn" in html
    assert re.search(r"Tất cả <span[^>]*>4\+<", html)
    assert re.search(r"Đang xử lý <span[^>]*>4\+<", html) or re.search(r">4\+</span>", html)
    # The list itself is not cut: every petition is there, newest first.
    assert codes(html) == [p.tracking_code for p in reversed(made)]
    # Below the cap the count is exact.
    made[0].status = "proposed"
    db.session.commit()
    html = client.get("/staff/petitions/?tab=waiting").get_data(as_text=True)
    assert "1 đơn" in html and "+ đơn" not in html


def test_dashboard_says_more_than(login_as):
    make_petitions(6)
    client, _ = login_as("handler", "BTCD")
    html = client.get("/staff/").get_data(as_text=True)
    assert re.search(r'id="figure-petitions-open">4\+ đơn chờ xử lý', html)


def test_pages_go_on_past_the_counted_rows(login_as, app):
    """With more rows than counted, "Trang sau" stays until a page comes back short."""
    app.config["LIST_COUNT_CAP"] = 30
    make_petitions(60)
    client, _ = login_as("handler", "BTCD")
    first = client.get("/staff/petitions/").get_data(as_text=True)
    assert "30+ đơn" in first and "Trang 1 / 2+" in first and "Trang sau" in first
    second = client.get("/staff/petitions/?page=2").get_data(as_text=True)
    assert "Trang sau" in second  # a full page: there may be more
    third = client.get("/staff/petitions/?page=3").get_data(as_text=True)
    assert len(codes(third)) == 10 and "Trang sau" not in third
    seen = codes(first) + codes(second) + codes(third)
    assert len(seen) == len(set(seen)) == 60


def test_search_ranks_the_newest_matches_and_says_so(login_as):
    older = make_petitions(1, content="Đường Tân xuống cấp")[0]  # the exact spelling, but the oldest
    others = make_petitions(4, content="Dương Tan sạt lở")
    now = datetime.now(timezone.utc)
    older.received_at = now - timedelta(days=10)
    for i, p in enumerate(others):
        p.received_at = now - timedelta(days=i)
    db.session.commit()
    client, _ = login_as("handler", "BTCD")
    html = search(client, "/staff/petitions/", {"q": "duong tan", "tab": "all"}).get_data(as_text=True)
    assert 'id="search-capped"' in html and "3+ đơn" in html
    assert codes(html) == [p.tracking_code for p in others[:3]]
    # Within the ranked matches, the exact diacritics come first.
    older.received_at = now + timedelta(minutes=1)
    db.session.commit()
    html = search(client, "/staff/petitions/", {"q": "Đường Tân", "tab": "all"}).get_data(as_text=True)
    assert codes(html)[0] == older.tracking_code
    # A narrower search is under the cap: no notice, an exact count.
    html = search(client, "/staff/petitions/", {"q": older.tracking_code, "tab": "all"}).get_data(as_text=True)
    assert 'id="search-capped"' not in html and codes(html) == [older.tracking_code]


def test_count_type_prints_as_the_page_shows_it():
    assert str(queries.Count(1234)) == "1.234"
    assert str(queries.Count(1000, more=True)) == "1.000+"
    assert queries.Count(7, more=True) == 7 and queries.Count(7, more=True).more


def test_search_looks_beyond_the_newest_petitions_when_too_few_match_there(login_as, app):
    """The newest SEARCH_RECENT_WINDOW petitions are searched first; when fewer than the cap match
    there, every petition is (the same matches, in the same order, as without the window)."""
    app.config["SEARCH_RECENT_WINDOW"] = 3
    matching = make_petitions(4, content="Ô nhiễm nguồn nước suối Kỳ Cùng")
    recent = make_petitions(3, content="Đường liên thôn xuống cấp")
    now = datetime.now(timezone.utc)
    for i, p in enumerate(matching):
        p.received_at = now - timedelta(days=10 + i)
    for i, p in enumerate(recent):
        p.received_at = now - timedelta(hours=i)
    db.session.commit()
    client, _ = login_as("handler", "BTCD")
    # None of the three newest matches: the older ones are found, newest first, past the cap.
    html = search(client, "/staff/petitions/", {"q": "o nhiem", "tab": "all"}).get_data(as_text=True)
    assert 'id="search-capped"' in html and codes(html) == [p.tracking_code for p in matching[:3]]
    # A word of one letter ("ô") is matched too, as a part of the text, with the others.
    html = search(client, "/staff/petitions/", {"q": "ô kỳ", "tab": "all"}).get_data(as_text=True)
    assert codes(html) == [p.tracking_code for p in matching[:3]]
    html = search(client, "/staff/petitions/", {"q": "ô xuống", "tab": "all"}).get_data(as_text=True)
    assert codes(html) == [p.tracking_code for p in recent]  # "thôn", "xuống" hold an "o" too
    # Enough matches among the newest: those, and only those.
    html = search(client, "/staff/petitions/", {"q": "duong lien thon", "tab": "all"}).get_data(as_text=True)
    assert codes(html) == [p.tracking_code for p in recent]
    # Oldest first: the index at once, the same matches.
    html = search(client, "/staff/petitions/", {"q": "o nhiem", "tab": "all", "sort": "received_asc"}).get_data(as_text=True)
    assert codes(html) == [p.tracking_code for p in reversed(matching)][:3]


def test_the_window_s_start_is_read_once_in_a_while(login_as, app):
    from sqlalchemy import event

    app.config["SEARCH_WINDOW_CACHE_SECONDS"] = 60
    make_petitions(3, content="Ô nhiễm nguồn nước")
    client, _ = login_as("handler", "BTCD")
    reads = []

    def count(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().startswith("SELECT petitions.received_at") and "OFFSET" in statement:
            reads.append(statement)

    def searches(*terms):
        for q in terms:
            html = search(client, "/staff/petitions/", {"q": q, "tab": "all"}).get_data(as_text=True)
            assert len(codes(html)) == 3

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        searches("o nhiem", "nguon nuoc", "nuoc")
        assert len(reads) <= 1  # the first search read it (or an earlier one within the minute did)
        app.config["SEARCH_WINDOW_CACHE_SECONDS"] = 0
        before = len(reads)
        searches("o nhiem", "nuoc")
        assert len(reads) == before + 2  # kept for no time: read by every search
    finally:
        event.remove(engine, "before_cursor_execute", count)
