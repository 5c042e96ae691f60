"""The inbox: tabs with counts, filters, sort, pagination — all scoped to the agency."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone


from app.extensions import db
from app.petitions import services
from tests.services.test_intake import draft


def make_petitions(n: int, **overrides):
    out = []
    for i in range(n):
        r = services.submit_online_petition(draft(title=f"Đơn số {i:02d}", **overrides),
                                            form_token=services.new_form_token(), new_files=[], written_keys=[])
        out.append(r.petition)
    db.session.commit()
    return out


def codes(html: str) -> list[str]:
    return re.findall(r">(BTCD-\d{4}-\d{6})<", html)


def test_pagination_and_sort(login_as):
    made = make_petitions(30)
    client, _ = login_as("handler", "BTCD")
    first = client.get("/staff/petitions/").get_data(as_text=True)
    assert "30 đơn" in first and "Trang 1 / 2" in first
    assert len(codes(first)) == 25
    second = client.get("/staff/petitions/?page=2").get_data(as_text=True)
    assert len(codes(second)) == 5
    assert not set(codes(first)) & set(codes(second))
    oldest_first = client.get("/staff/petitions/?sort=received_asc").get_data(as_text=True)
    assert codes(oldest_first)[0] == made[0].tracking_code


def test_tabs_and_counts(login_as):
    petitions = make_petitions(3)
    petitions[0].status = "proposed"
    petitions[1].status = "filed"
    db.session.commit()
    client, _ = login_as("leader", "BTCD")
    html = client.get("/staff/petitions/").get_data(as_text=True)
    assert set(codes(html)) == {petitions[0].tracking_code, petitions[2].tracking_code}
    waiting = client.get("/staff/petitions/?tab=waiting").get_data(as_text=True)
    assert codes(waiting) == [petitions[0].tracking_code]
    done = client.get("/staff/petitions/?tab=done").get_data(as_text=True)
    assert codes(done) == [petitions[1].tracking_code]
    assert re.search(r"Tất cả <span[^>]*>3<", html)


def test_filters(login_as):
    complaint, proposal = make_petitions(1, kind="complaint")[0], make_petitions(1)[0]
    old = make_petitions(1)[0]
    old.received_at = datetime(2026, 1, 5, 3, tzinfo=timezone.utc)
    old.due_date = date(2026, 1, 19)
    db.session.commit()
    client, _ = login_as("handler", "BTCD")

    def got(**params):
        return set(codes(client.get("/staff/petitions/", query_string=params).get_data(as_text=True)))

    assert got(kind="complaint") == {complaint.tracking_code}
    assert got(overdue="y") == {old.tracking_code}
    assert got(received_from="01/01/2026", received_to="31/01/2026") == {old.tracking_code}
    assert old.tracking_code not in got(due_within="30")
    assert proposal.tracking_code in got(due_within="30")
    assert got(channel="post") == set()
    # Nonsense in a filter is ignored with a message, never a server error.
    resp = client.get("/staff/petitions/", query_string={"received_from": "32/13/2026", "due_within": "-4"})
    assert resp.status_code == 200 and "ngày/tháng/năm" in resp.get_data(as_text=True)


def test_due_phrases(login_as):
    p = make_petitions(1)[0]
    client, _ = login_as("handler", "BTCD")
    from app.formatting import local_today

    p.due_date = local_today() - timedelta(days=3)
    db.session.commit()
    assert "quá hạn 3 ngày" in client.get("/staff/petitions/").get_data(as_text=True)
    p.due_date = local_today() + timedelta(days=4)
    db.session.commit()
    assert "còn 4 ngày" in client.get("/staff/petitions/").get_data(as_text=True)
