"""SQLite: several workers starting at once never fail with "database is locked"."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time

from app import ROOT

WORKER = r"""
import sys, time
from sqlalchemy import text
from app import create_app
from config import TestingConfig

url, start = sys.argv[1], float(sys.argv[2])
cfg = type("C", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url})
while time.time() < start:
    time.sleep(0.001)
app = create_app(cfg)  # opens a connection: the pragmas run here, in every worker at once
from app.extensions import db
with app.app_context():
    for i in range(20):
        db.session.execute(text("INSERT INTO hits (worker) VALUES (:w)"), {"w": sys.argv[3]})
        db.session.commit()
    mode = db.session.execute(text("PRAGMA journal_mode")).scalar()
    timeout = db.session.execute(text("PRAGMA busy_timeout")).scalar()
    print(mode, timeout)
"""


def test_many_workers_start_at_once_on_a_fresh_file(tmp_path):
    path = tmp_path / "fresh.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE hits (id INTEGER PRIMARY KEY, worker TEXT)")
    conn.commit()
    conn.close()
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "delete"

    start = time.time() + 3.0
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, f"sqlite:///{path}", str(start), str(i)],
                         cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for i in range(8)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, results):
        assert proc.returncode == 0, err[-2000:]
        assert out.split() == ["wal", "15000"]
    count = sqlite3.connect(path).execute("SELECT count(*) FROM hits").fetchone()[0]
    assert count == 8 * 20
