"""The load run behind `make bench`: the app under gunicorn, as in production, on SQLite and PostgreSQL.

For each database it prepares a database of BENCH_PETITIONS generated petitions (kept between runs,
made once with `flask demo generate`), starts gunicorn with deploy/gunicorn.conf.py (2 workers) and
bench/wsgi.py (the app plus a bare Flask route), and drives each scenario for BENCH_DURATION
seconds from BENCH_CLIENTS concurrent clients on this machine (BENCH_PROCESSES processes, so the
client is not held by one GIL). It prints a table — throughput, median and 95th percentile, and each
throughput as a ratio to the bare route's in the same run — and writes bench/results/results-<db>.json.

Settings (environment): BENCH_DBS (sqlite,postgresql), BENCH_PETITIONS (20000), BENCH_DURATION (10),
BENCH_CLIENTS (8), BENCH_PROCESSES (2), BENCH_PG_URL (the server, default postgres@127.0.0.1:5432),
BENCH_PG_DATABASE (a prepared database to use as it is), BENCH_REDIS_URL (redis://127.0.0.1:6379/0),
BENCH_SCENARIOS (all), BENCH_LIGHT_CLIENTS (2: the staff pages measured again from this many
clients, 0: not), BENCH_SUBMIT_SPREAD (0: every submission to the default intake agency — what most
citizens choose, one numbering sequence; 1: each to a random agency that accepts online petitions).

Measured, never asserted: nothing here is part of the test suite.
"""
from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import platform
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from app.bench.generator import sample_submission  # noqa: E402  (the same made-up citizens as the data)
DATA = ROOT / "bench" / "data"
PYTHON = sys.executable
IDENTITY_KEY = "7bJ4tpnTj-dmy5Bk9Q8rFw3dDLm3l3kdrH2oGvGLWZM="  # generated data only
STAFF_EMAIL = "giamsat@demo.vn"  # the demo supervisor: reads every agency's petitions and reports
SCENARIOS = ["bare", "submit", "track", "inbox", "search", "petition", "report", "report_fresh"]
LABELS = {"bare": "bare Flask route (ceiling)", "submit": "public submit (POST form)",
          "track": "tracking (POST code + key)", "inbox": "staff inbox, first page, filters",
          "search": "search (inbox, first page)", "petition": "petition page",
          "report": "nine-month report (figures kept)", "report_fresh": "nine-month report, recomputed"}
SEARCH_TERMS = ["nguyen van", "thu hoi dat", "Trần Thị Lan", "ô nhiễm", "bồi thường", "dia chinh"]
# Staff pages are also measured from BENCH_LIGHT_CLIENTS (2) clients: the latency of a page itself.
LIGHT_SCENARIOS = ("inbox", "search", "petition", "report", "report_fresh")
REPORT_PATH = "/staff/reports/?period=nine_months&year={year}&subtree=1"
HIDDEN = re.compile(r'name="(csrf_token|form_token)"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="(csrf_token|form_token)"')


def env(name: str, default: str) -> str:
    return os.environ.get(name) or default


# --- preparing a database --------------------------------------------------------------------

def flask(args: list[str], url: str, check: bool = True) -> str:
    run_env = {**os.environ, "APP_ENV": "development", "FLASK_APP": "wsgi.py", "DATABASE_URL": url,
               "IDENTITY_KEY": IDENTITY_KEY, "LOG_LEVEL": "WARNING"}
    done = subprocess.run([PYTHON, "-m", "flask", *args], cwd=ROOT, env=run_env, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def petition_count(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM petitions")).scalar_one()
    except Exception:  # noqa: BLE001 - no database yet, or no schema
        return -1
    finally:
        engine.dispose()


def prepare(url: str, petitions: int) -> dict:
    """Migrate, seed and generate unless the database already holds enough petitions."""
    have = petition_count(url)
    info = {"generated_seconds": None}
    if have < petitions:
        if have < 0:
            flask(["db", "upgrade"], url)
            flask(["seed", "reference"], url)
            flask(["seed", "demo"], url)
            have = 0
        print(f"  generating {petitions - have:,} petitions …", flush=True)
        out = flask(["demo", "generate", "--petitions", str(petitions - have), "--batch", "10000"], url)
        print("  " + out.strip().splitlines()[-1], flush=True)
        info["generated"] = out.strip().splitlines()[-1]
    else:
        flask(["db", "upgrade"], url)  # a database prepared by an older version: its schema brought up to date
        flask(["seed", "demo"], url)  # the staff accounts, if an older database lacks them
    return info


# Settings of deploy/postgresql.conf that one database can be given (ALTER DATABASE … SET): the load
# run's database then plans and runs as production would. Server-wide ones (shared_buffers, the WAL,
# autovacuum) stay as this server has them: the run says which in its result.
PER_DATABASE = ("work_mem", "random_page_cost", "effective_cache_size", "effective_io_concurrency", "jit")


def production_settings() -> dict[str, str]:
    """The per-database settings of deploy/postgresql.conf."""
    found = {}
    for line in (ROOT / "deploy" / "postgresql.conf").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "=" in line:
            key, value = (part.strip() for part in line.split("=", 1))
            if key in PER_DATABASE:
                found[key] = value.strip("'")
    return found


def apply_production_settings(url: str) -> dict[str, str]:
    """Give the load run's PostgreSQL database the settings production has (new connections see them)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    settings = production_settings()
    name = make_url(url).database
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for key, value in settings.items():
            conn.execute(text(f'ALTER DATABASE "{name}" SET {key} = \'{value}\''))
        server = {k: conn.execute(text(f"SHOW {k}")).scalar_one() for k in ("shared_buffers", "synchronous_commit")}
    engine.dispose()
    return {**settings, **{f"server {k}": v for k, v in server.items()}}


def samples(url: str) -> dict:
    """What the clients need: form ids, petitions to open and to track, the staff password."""
    from sqlalchemy import bindparam, create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        province = conn.execute(text("SELECT id FROM admin_units WHERE level='province' AND code='20'")).scalar_one()
        commune = conn.execute(text("SELECT id FROM admin_units WHERE level='commune' AND code='6193'")).scalar_one()
        top = conn.execute(text("SELECT max(id) FROM petitions")).scalar_one() or 0
        agencies = conn.execute(text("SELECT id FROM agencies WHERE active AND accepts_online")).scalars().all()
        picks = sorted({random.randint(1, max(top, 1)) for _ in range(500)})
        # Generated petitions only (no form token): their access key is BENCH + id; those filed by an
        # earlier run's submit scenario have keys of their own.
        rows = conn.execute(text("SELECT id, tracking_code FROM petitions WHERE id IN :ids "
                                 "AND submission_token_hash IS NULL").bindparams(
            bindparam("ids", expanding=True)), {"ids": picks}).all()
    engine.dispose()
    spread = env("BENCH_SUBMIT_SPREAD", "0") == "1"
    return {"province": province, "commune": commune, "submit_agencies": list(agencies) if spread else [""], "petition_ids": [r.id for r in rows],
            "tracking": [(r.tracking_code, f"BENCH{r.id:07d}") for r in rows],
            "year": date.today().year,  # the data cover the last twelve months
            "password": (ROOT / "instance" / "demo_password").read_text().strip()}


# --- the server ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(url: str, port: int, redis_url: str, log_path: Path) -> subprocess.Popen:
    server_env = {
        **os.environ, "APP_ENV": "production", "DATABASE_URL": url, "SECRET_KEY": "bench-" + uuid.uuid4().hex * 2,
        "IDENTITY_KEY": IDENTITY_KEY, "REDIS_URL": redis_url, "RATELIMIT_KEY_PREFIX": f"bench-{port}:",
        # Every simulated citizen comes from an address of its own (X-Forwarded-For, as behind nginx):
        # the limits are counted, in Redis, as in production, but no client hits them.
        "TRUSTED_PROXY_COUNT": "1", "TWO_FACTOR_REQUIRED_ROLES": "", "MAIL_BACKEND": "console",
        "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESSLOG": "", "UPLOAD_ROOT": str(DATA / "uploads"),
        "INSTANCE_PATH": str(DATA / "instance"), "LOG_LEVEL": "WARNING",
    }
    log = open(log_path, "w")
    process = subprocess.Popen([PYTHON, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "bench.wsgi:application"],
                               cwd=ROOT, env=server_env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn stopped:\n" + log_path.read_text()[-3000:])
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return process
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_server(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


# --- the clients ----------------------------------------------------------------------------

def request(port: int, method: str, path: str, body: dict | None = None, cookie: str | None = None,
            ip: str | None = None):
    """(status, headers, text) of one request on a new connection, as a browser behind a proxy."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Connection": "close"}
    data = None
    if body is not None:
        data = urllib.parse.urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if cookie:
        headers["Cookie"] = cookie
    if ip:
        headers["X-Forwarded-For"] = ip
    try:
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def session_cookie(headers, old: str | None) -> str | None:
    for value in headers.get_all("Set-Cookie") or []:
        if value.startswith("session="):
            return value.split(";", 1)[0]
    return old


def tokens(html: str) -> dict:
    found = {}
    for a, b, c, d in HIDDEN.findall(html):
        found[a or d] = b or c
    return found


def random_ip(rng: random.Random) -> str:
    return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


class Client:
    """One simulated user of one scenario: set up once, then `step()` is the measured request."""

    def __init__(self, scenario: str, port: int, data: dict, rng: random.Random):
        self.scenario, self.port, self.data, self.rng = scenario, port, data, rng
        self.cookie = None
        self.ip = random_ip(rng)
        if scenario == "submit":
            status, headers, html = request(port, "GET", "/petitions/new", ip=self.ip)
            self.cookie = session_cookie(headers, None)
            self.csrf = tokens(html)["csrf_token"]
        elif scenario == "track":
            status, headers, html = request(port, "GET", "/track", ip=self.ip)
            self.cookie = session_cookie(headers, None)
            self.csrf = tokens(html)["csrf_token"]
        elif scenario in ("inbox", "search", "petition", "report", "report_fresh"):
            status, headers, html = request(port, "GET", "/staff/login", ip=self.ip)
            self.cookie = session_cookie(headers, None)
            status, headers, _ = request(port, "POST", "/staff/login", cookie=self.cookie, ip=self.ip, body={
                "csrf_token": tokens(html)["csrf_token"], "email": STAFF_EMAIL, "password": data["password"]})
            if status != 302:
                raise RuntimeError(f"staff sign-in answered {status}")
            self.cookie = session_cookie(headers, self.cookie)
            if scenario == "search":
                # The search box posts the term; the list's address then carries a handle (app/listsearch.py).
                _s, headers, html = request(port, "GET", "/staff/petitions/", cookie=self.cookie, ip=self.ip)
                self.cookie = session_cookie(headers, self.cookie)
                self.search_urls = []
                for q in SEARCH_TERMS:
                    status, headers, _ = request(port, "POST", "/staff/petitions/", cookie=self.cookie, ip=self.ip,
                                                 body={"csrf_token": tokens(html)["csrf_token"], "q": q, "tab": "all"})
                    if status != 303:
                        raise RuntimeError(f"search form answered {status}")
                    self.cookie = session_cookie(headers, self.cookie)
                    self.search_urls.append(urllib.parse.urlsplit(headers["Location"])._replace(scheme="", netloc="").geturl())
            if scenario == "report_fresh":
                _s, headers, html = request(port, "GET", REPORT_PATH.format(year=data["year"]), cookie=self.cookie, ip=self.ip)
                self.cookie = session_cookie(headers, self.cookie)
                self.csrf = tokens(html)["csrf_token"]

    def step(self) -> tuple[int, int]:
        """(status, expected status) of one measured request."""
        rng, port = self.rng, self.port
        if self.scenario == "bare":
            return request(port, "GET", "/__bare/")[0], 200
        if self.scenario == "submit":
            # A made-up citizen's petition, as varied as the generated ones (app/bench/generator.py).
            body = {"csrf_token": self.csrf, "form_token": uuid.uuid4().hex, "email": "",
                    "province": self.data["province"], "commune": self.data["commune"],
                    **sample_submission(rng, "Cao Lộc"), "previously_handled": "no",
                    "declaration": "y", "addressed_agency": rng.choice(self.data["submit_agencies"]), "website": ""}
            status, headers, _ = request(port, "POST", "/petitions/new", body=body, cookie=self.cookie,
                                         ip=random_ip(rng))
            self.cookie = session_cookie(headers, self.cookie)
            return status, 302
        if self.scenario == "track":
            code, key = rng.choice(self.data["tracking"])
            status, headers, _ = request(port, "POST", "/track", cookie=self.cookie, ip=random_ip(rng),
                                         body={"csrf_token": self.csrf, "code": code, "key": key})
            self.cookie = session_cookie(headers, self.cookie)
            return status, 302
        if self.scenario == "inbox":
            path = "/staff/petitions/?tab=open&kind=" + rng.choice(["complaint", "denunciation", "proposal", ""]) + "&sort=received_desc"
            return request(port, "GET", path, cookie=self.cookie, ip=self.ip)[0], 200
        if self.scenario == "search":
            return request(port, "GET", rng.choice(self.search_urls), cookie=self.cookie, ip=self.ip)[0], 200
        if self.scenario == "petition":
            pid = rng.choice(self.data["petition_ids"])
            return request(port, "GET", f"/staff/petitions/{pid}", cookie=self.cookie, ip=self.ip)[0], 200
        if self.scenario == "report":
            return request(port, "GET", REPORT_PATH.format(year=self.data["year"]), cookie=self.cookie, ip=self.ip)[0], 200
        if self.scenario == "report_fresh":
            # "Tính lại": the kept figures are dropped and computed again (app/reports/cache.py).
            status, headers, _ = request(port, "POST", "/staff/reports/refresh?period=nine_months&year="
                                         f"{self.data['year']}&subtree=1&agency=1", cookie=self.cookie, ip=self.ip,
                                         body={"csrf_token": self.csrf, "back": ""})
            if status != 302:
                return status, 302
            return request(port, "GET", REPORT_PATH.format(year=self.data["year"]), cookie=self.cookie, ip=self.ip)[0], 200
        raise ValueError(self.scenario)


def _client_process(args) -> list[tuple[float, int]]:
    """Threads of one client process: every (latency, ok) seen until the deadline."""
    import threading

    scenario, port, data, threads, duration, seed = args
    results: list[tuple[float, int]] = []
    lock = threading.Lock()
    start_at = time.monotonic() + 1.0  # every client set up before the clock starts

    def run(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        client = Client(scenario, port, data, rng)
        mine = []
        while time.monotonic() < start_at:
            time.sleep(0.01)
        deadline = start_at + duration
        while time.monotonic() < deadline:
            began = time.perf_counter()
            try:
                status, expected = client.step()
                outcome = 0 if status == expected else status
            except OSError:
                outcome = -1  # no answer
            mine.append((time.perf_counter() - began, outcome))
        with lock:
            results.extend(mine)

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return results


def measure(scenario: str, port: int, data: dict, clients: int, processes: int, duration: float) -> dict:
    per = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        parts = pool.map(_client_process, [(scenario, port, data, n, duration, i) for i, n in enumerate(per) if n])
    seen = [r for part in parts for r in part]
    ok = [lat for lat, outcome in seen if outcome == 0]
    unexpected: dict[str, int] = {}
    for _lat, outcome in seen:
        if outcome:
            unexpected[str(outcome)] = unexpected.get(str(outcome), 0) + 1
    lat = sorted(lat for lat, _ in seen)

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")

    return {"scenario": scenario, "label": LABELS[scenario], "requests": len(seen), "errors": len(seen) - len(ok), "unexpected_statuses": unexpected,
            "throughput_rps": round(len(ok) / duration, 1), "p50_ms": round(pct(0.50), 1),
            "p95_ms": round(pct(0.95), 1), "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else None}


# --- the run ---------------------------------------------------------------------------------

def database_url(kind: str, petitions: int) -> str:
    if kind == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{DATA / f'bench-{petitions}.db'}"
    prepared = os.environ.get("BENCH_PG_DATABASE")
    server = env("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
    name = prepared or f"bench_{petitions}"
    if not prepared:
        from sqlalchemy import create_engine, text

        engine = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
    return f"{server}/{name}"


def run(kind: str) -> dict:
    petitions = int(env("BENCH_PETITIONS", "20000"))
    duration = float(env("BENCH_DURATION", "10"))
    clients = int(env("BENCH_CLIENTS", "8"))
    processes = int(env("BENCH_PROCESSES", "2"))
    light_clients = int(env("BENCH_LIGHT_CLIENTS", "2"))
    redis_url = env("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    url = database_url(kind, petitions)
    print(f"\n== {kind}: {url.split('@')[-1]} ==", flush=True)
    info = prepare(url, petitions) if not os.environ.get("BENCH_PG_DATABASE") or kind == "sqlite" else {}
    if kind == "postgresql":
        info["postgresql_settings"] = apply_production_settings(url)
    data = samples(url)
    count = petition_count(url)
    port = free_port()
    DATA.mkdir(parents=True, exist_ok=True)
    server = start_server(url, port, redis_url, DATA / f"gunicorn-{kind}.log")
    rows = []
    try:
        only = [s for s in env("BENCH_SCENARIOS", ",".join(SCENARIOS)).split(",") if s]
        for scenario in only:
            print(f"  {scenario} …", flush=True)
            row = measure(scenario, port, data, clients, processes, duration)
            if scenario in LIGHT_SCENARIOS and light_clients:
                # The same requests from a few users at once: the latency a user sees when the
                # machine is not saturated (at `clients`, latency is mostly the queue: clients/throughput).
                light = measure(scenario, port, data, light_clients, min(processes, light_clients), duration)
                row["light"] = {k: light[k] for k in ("requests", "errors", "throughput_rps", "p50_ms", "p95_ms")}
                row["light"]["clients"] = light_clients
            rows.append(row)
    finally:
        stop_server(server)
    bare = next((r["throughput_rps"] for r in rows if r["scenario"] == "bare"), None)
    for row in rows:
        row["ratio_to_bare"] = round(row["throughput_rps"] / bare, 3) if bare else None
    result = {"database": kind, "petitions": count, "duration_s": duration, "clients": clients,
              "client_processes": processes, "gunicorn": "deploy/gunicorn.conf.py (2 workers × 4 threads)",
              "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                          "load_average_before": os.getloadavg()},
              "date": date.today().isoformat(), **info, "scenarios": rows}
    print_table(result)
    out = ROOT / "bench" / "results" / f"results-{kind}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(f"  written to {out.relative_to(ROOT)}")
    return result


def print_table(result: dict) -> None:
    print(f"\n{result['database']} — {result['petitions']:,} petitions, {result['clients']} clients, "
          f"{result['duration_s']:g} s per scenario")
    light = next((r["light"]["clients"] for r in result["scenarios"] if "light" in r), None)
    extra = f" {f'p50 @{light}':>9} {f'p95 @{light}':>9}" if light else ""
    print(f"{'scenario':36} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} {'× bare':>7}{extra}")
    for row in result["scenarios"]:
        ratio = f"{row['ratio_to_bare']:.3f}" if row["ratio_to_bare"] is not None else "-"
        tail = f" {row['light']['p50_ms']:>9.1f} {row['light']['p95_ms']:>9.1f}" if "light" in row else ""
        print(f"{row['label']:36} {row['throughput_rps']:>8.1f} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} "
              f"{row['errors']:>7} {ratio:>7}{tail}")


def main() -> None:
    sys.path.insert(0, str(ROOT))
    for kind in [k.strip() for k in env("BENCH_DBS", "sqlite,postgresql").split(",") if k.strip()]:
        run(kind)


if __name__ == "__main__":
    main()
