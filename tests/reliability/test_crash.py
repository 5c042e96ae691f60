"""Crash safety: the site runs as a real gunicorn server, on SQLite and PostgreSQL, and is killed
with SIGKILL in the middle of a citizen's submission. After a restart nothing committed is lost,
no row lacks its files, and files without a row are removed by `flask storage sweep`.

Three moments: while the upload body is still arriving; between writing the files and committing
the rows (a hook in tests/reliability/crash_server.py holds the request there); right after the
receipt was sent.
"""
from __future__ import annotations

import hashlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import ROOT
from app.extensions import db
from app.petitions.models import Attachment, Petition
from app.petitions.tracking import sha256_hex
from app.storage import files
from app.storage.references import referenced_keys, stored_files
from tests.conftest import hidden_fields, valid_petition_data
from tests.files import pdf_bytes
from tests.reliability.crash_server import PAUSE_MARK

STARTUP_SECONDS = 60


def big_png(megabytes: float = 3.0) -> bytes:
    """A PNG of random pixels (it does not compress): a large, valid upload."""
    import io

    from PIL import Image

    side = int((megabytes * 1024 * 1024 / 3) ** 0.5)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, "PNG", compress_level=0)
    return out.getvalue()


class Server:
    """gunicorn serving crash_server:app on a free port, in its own process group."""

    def __init__(self, app, tmp_path: Path):
        self.database_url = app.config["SQLALCHEMY_DATABASE_URI"]
        self.upload_root = app.config["UPLOAD_ROOT"]
        self.marker = tmp_path / "paused"
        self.log = tmp_path / "gunicorn.log"
        self.proc: subprocess.Popen | None = None
        self.port = 0

    def start(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        env = dict(os.environ, PYTHONPATH=str(ROOT), CRASH_DATABASE_URL=self.database_url,
                   CRASH_UPLOAD_ROOT=self.upload_root, CRASH_MARKER=str(self.marker))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--timeout", "120", "--bind",
             f"127.0.0.1:{self.port}", "tests.reliability.crash_server:make_app()"],
            cwd=ROOT, env=env, stdout=open(self.log, "ab"), stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-3000:]}")
            try:
                if self.request("GET", "/")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer: {self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the master and every worker at once: no handler, no cleanup, as in a power cut of the process."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)
        self.proc = None

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.getheaders(), resp.read()
        finally:
            conn.close()


@pytest.fixture
def server(live_app, tmp_path):
    srv = Server(live_app, tmp_path)
    srv.start()
    yield srv
    srv.kill()


def open_form(srv: Server) -> tuple[dict, str]:
    """The form's hidden tokens and the session cookie, as a browser gets them."""
    status, headers, body = srv.request("GET", "/petitions/new")
    assert status == 200
    cookie = next(v.split(";", 1)[0] for k, v in headers if k.lower() == "set-cookie" and v.startswith("session="))
    return hidden_fields(body.decode()), cookie


def multipart(fields: dict, uploads: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body, as a browser sends the form."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for filename, data in uploads:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="{filename}"\r\n'
                     f'Content-Type: application/octet-stream\r\n\r\n'.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def petition_form(srv: Server, title: str, uploads: list[tuple[str, bytes]]):
    """(body, headers, form token) of a complete, valid submission."""
    from app.agencies.models import AdminUnit

    tokens, cookie = open_form(srv)
    province = db.session.scalars(select(AdminUnit).where(AdminUnit.level == "province", AdminUnit.code == "20")).one()
    commune = db.session.scalars(select(AdminUnit).where(AdminUnit.level == "commune", AdminUnit.code == "6193")).one()
    db.session.remove()
    fields = valid_petition_data(province.id, commune.id, title=title)
    fields.update(tokens)
    body, content_type = multipart(fields, uploads)
    headers = {"Content-Type": content_type, "Cookie": cookie, "Content-Length": str(len(body))}
    return body, headers, tokens["form_token"]


def assert_every_row_has_its_files() -> None:
    for att in db.session.scalars(select(Attachment)):
        path = files.path_for(att.storage_key)
        assert path.is_file(), att.original_name
        data = path.read_bytes()
        assert len(data) == att.size and hashlib.sha256(data).hexdigest() == att.sha256


def orphans(root: str) -> list[Path]:
    keys = referenced_keys()
    return [p for p in stored_files(Path(root)) if p.name not in keys]


def count_petitions() -> int:
    db.session.remove()
    return db.session.scalar(select(func.count(Petition.id)))


def test_killed_while_the_upload_arrives_nothing_is_created(server, live_app):
    body, headers, _token = petition_form(server, "Khiếu nại bị cắt ngang", [("lon.png", big_png(6))])
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        sock.sendall(f"POST /petitions/new HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}\r\n".encode())
        sock.sendall(body[: len(body) // 2])  # half the file is on its way...
        time.sleep(1.0)
        server.kill()  # ...when the server dies
    server.start()
    assert count_petitions() == 0
    assert stored_files(Path(live_app.config["UPLOAD_ROOT"])) == []
    # The site works again: the same citizen submits and gets a receipt.
    body, headers, _token = petition_form(server, "Khiếu nại gửi lại", [("don.pdf", pdf_bytes())])
    status, resp_headers, _ = server.request("POST", "/petitions/new", body, headers)
    assert status == 302 and dict(resp_headers)["Location"].endswith("/petitions/receipt")
    assert count_petitions() == 1
    assert_every_row_has_its_files()


def test_killed_right_after_the_receipt_the_petition_and_its_files_are_kept(server, live_app):
    image = big_png(4)
    body, headers, token = petition_form(server, "Khiếu nại có tệp lớn", [("lon.png", image), ("don.pdf", pdf_bytes())])
    status, resp_headers, _ = server.request("POST", "/petitions/new", body, headers)
    server.kill()  # the receipt is on its way to the citizen; the server dies at once
    assert status == 302 and dict(resp_headers)["Location"].endswith("/petitions/receipt")
    server.start()
    db.session.remove()
    petition = db.session.scalars(select(Petition).where(Petition.submission_token_hash == sha256_hex(token))).one()
    assert petition.title == "Khiếu nại có tệp lớn"
    assert sorted(a.original_name for a in petition.attachments) == ["don.pdf", "lon.png"]
    assert_every_row_has_its_files()
    assert orphans(live_app.config["UPLOAD_ROOT"]) == []
    # The receipt still opens after the restart, with the code the citizen was given.
    cookie = next(v.split(";", 1)[0] for k, v in resp_headers if k.lower() == "set-cookie" and v.startswith("session="))
    status, _h, page = server.request("GET", "/petitions/receipt", headers={"Cookie": cookie})
    assert status == 200 and petition.tracking_code in page.decode()


def test_killed_between_writing_files_and_committing_the_sweep_removes_the_orphans(server, live_app):
    root = live_app.config["UPLOAD_ROOT"]
    kept_body, kept_headers, _ = petition_form(server, "Đơn đã gửi xong", [("truoc.pdf", pdf_bytes())])
    assert server.request("POST", "/petitions/new", kept_body, kept_headers)[0] == 302

    title = f"Khiếu nại {PAUSE_MARK}"
    body, headers, token = petition_form(server, title, [("lon.png", big_png(3)), ("don.pdf", pdf_bytes())])
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    conn.request("POST", "/petitions/new", body=body, headers=headers)
    deadline = time.monotonic() + 30
    while not server.marker.exists():  # the files are written, the rows flushed, not committed
        assert time.monotonic() < deadline, server.log.read_text()[-3000:]
        time.sleep(0.05)
    server.kill()
    conn.close()
    server.start()

    assert count_petitions() == 1  # only the finished one
    assert_every_row_has_its_files()
    left = orphans(root)
    assert len(left) == 2  # the two files of the killed request, named by no row
    db.session.remove()
    result = live_app.test_cli_runner().invoke(args=["storage", "sweep", "--orphan-hours", "0"])
    assert result.exit_code == 0, result.output
    assert "Removed 2 orphan stored files" in result.output
    assert orphans(root) == []
    assert_every_row_has_its_files()  # the finished petition kept its file

    # The citizen sends the same form again: one petition, with its files, no duplicate.
    server.marker.unlink()
    body = body.replace(PAUSE_MARK.encode(), b"(gui lai)")
    headers["Content-Length"] = str(len(body))
    assert server.request("POST", "/petitions/new", body, headers)[0] == 302
    db.session.remove()
    again = db.session.scalars(select(Petition).where(Petition.submission_token_hash == sha256_hex(token))).one()
    assert len(again.attachments) == 2
    assert count_petitions() == 2
    assert_every_row_has_its_files()
