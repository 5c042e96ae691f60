"""Request counters and latency histograms, and the Prometheus text format.

Every request adds to a counter (endpoint, method, status) and to a latency histogram (endpoint).
The figures must be those of the whole site, not of whichever gunicorn worker answered the
scrape: when `METRICS_REDIS_URL` is set (production sets it to REDIS_URL) they are kept in Redis,
sent by each process once a second in one pipelined round trip (not one per request), so every
worker and every app server adds to the same figures. Without Redis (development, tests) they live in the process.

Labels are endpoint names (`petitions.detail`), never paths: a path holds ids, and a query string
may hold what a citizen typed. A failing Redis loses figures, never a request.
"""
from __future__ import annotations

import atexit
import logging
import threading
from collections import defaultdict

# Seconds; the targets (100 ms, 300 ms, 1 s) are bucket edges, so p95 ≤ target reads off directly.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0)
_SEP = "|"
log = logging.getLogger(__name__)


def _le(value: float) -> str:
    return f"{value:g}"


class MemoryMetrics:
    """The figures of this process only."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[str, int] = defaultdict(int)
        self.durations: dict[str, float] = defaultdict(float)

    def observe(self, endpoint: str, method: str, status: int, seconds: float) -> None:
        """Count one request and its duration."""
        with self._lock:
            self.requests[_SEP.join((endpoint, method, str(status)))] += 1
            for field, amount in _duration_fields(endpoint, seconds):
                self.durations[field] += amount

    def snapshot(self) -> tuple[dict[str, int], dict[str, float]]:
        """(requests, durations) as flat dicts keyed like the Redis hashes."""
        with self._lock:
            return dict(self.requests), dict(self.durations)


class RedisMetrics:
    """The figures of every worker and every app server, in two Redis hashes.

    A request adds to this process's buffer (no round trip); the buffer goes to Redis in one
    pipeline at most every `flush_seconds` (1 s), from a daemon thread of each process, so the
    shared figures are never more than about a second behind. A scrape sends its own buffer first.
    """

    def __init__(self, url: str, prefix: str = "", flush_seconds: float = 1.0) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.requests_key = f"{prefix}metrics:requests"
        self.durations_key = f"{prefix}metrics:durations"
        self.flush_seconds = flush_seconds
        self._buffer = MemoryMetrics()
        self._lock = threading.Lock()
        self._flusher_pid: int | None = None
        self._warned = False

    def observe(self, endpoint: str, method: str, status: int, seconds: float) -> None:
        """Count one request and its duration (in the buffer)."""
        self._buffer.observe(endpoint, method, status, seconds)
        self._ensure_flusher()

    def _ensure_flusher(self) -> None:
        import os

        pid = os.getpid()
        if self._flusher_pid == pid:
            return
        with self._lock:
            if self._flusher_pid == pid:
                return
            # A forked worker starts its own thread (the parent's does not survive the fork) and
            # its own buffer (what the parent had counted is the parent's to send).
            if self._flusher_pid is not None:
                self._buffer = MemoryMetrics()
            self._flusher_pid = pid
            threading.Thread(target=self._run, name="metrics-flush", daemon=True).start()
            atexit.register(self.flush)  # a worker that stops sends what it still holds

    def _run(self) -> None:
        import time

        while True:
            time.sleep(self.flush_seconds)
            self.flush()

    def flush(self) -> None:
        """Send the buffer to Redis (one round trip); on failure the figures are dropped, not retried."""
        with self._lock:
            buffer, self._buffer = self._buffer, MemoryMetrics()
        requests, durations = buffer.snapshot()
        if not requests and not durations:
            return
        try:
            pipe = self.client.pipeline(transaction=False)
            for field, amount in requests.items():
                pipe.hincrby(self.requests_key, field, amount)
            for field, amount in durations.items():
                pipe.hincrbyfloat(self.durations_key, field, amount)
            pipe.execute()
        except Exception:  # noqa: BLE001 - figures may be lost, the request may not
            if not self._warned:
                log.warning("metrics: Redis unreachable, request figures are not being counted")
                self._warned = True

    def snapshot(self) -> tuple[dict[str, int], dict[str, float]]:
        """(requests, durations) read from Redis, after sending this process's buffer."""
        self.flush()
        requests = {k.decode(): int(v) for k, v in self.client.hgetall(self.requests_key).items()}
        durations = {k.decode(): float(v) for k, v in self.client.hgetall(self.durations_key).items()}
        return requests, durations


def _duration_fields(endpoint: str, seconds: float):
    """The histogram fields one observation adds to: its bucket, the sum and the count."""
    bucket = next((b for b in BUCKETS if seconds <= b), None)
    yield _SEP.join((endpoint, _le(bucket) if bucket is not None else "+Inf")), 1
    yield _SEP.join((endpoint, "sum")), seconds
    yield _SEP.join((endpoint, "count")), 1


def _labels(**labels: str) -> str:
    def esc(v: str) -> str:
        return str(v).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")

    return "{" + ",".join(f'{k}="{esc(v)}"' for k, v in labels.items()) + "}"


def render(requests: dict[str, int], durations: dict[str, float], gauges: list[tuple[str, str, dict, float]]) -> str:
    """The Prometheus text exposition format (version 0.0.4)."""
    lines = ["# HELP http_requests_total Requests answered, by endpoint, method and status.",
             "# TYPE http_requests_total counter"]
    for key in sorted(requests):
        endpoint, method, status = key.split(_SEP)
        lines.append(f"http_requests_total{_labels(endpoint=endpoint, method=method, status=status)} {requests[key]}")
    lines += ["# HELP http_request_duration_seconds Time to answer a request, by endpoint.",
              "# TYPE http_request_duration_seconds histogram"]
    endpoints = sorted({k.split(_SEP)[0] for k in durations})
    for endpoint in endpoints:
        cumulative = 0.0
        for bucket in [*map(_le, BUCKETS), "+Inf"]:
            cumulative += durations.get(_SEP.join((endpoint, bucket)), 0)
            lines.append(f"http_request_duration_seconds_bucket{_labels(endpoint=endpoint, le=bucket)} {int(cumulative)}")
        lines.append(f"http_request_duration_seconds_sum{_labels(endpoint=endpoint)} "
                     f"{durations.get(_SEP.join((endpoint, 'sum')), 0.0):.6f}")
        lines.append(f"http_request_duration_seconds_count{_labels(endpoint=endpoint)} "
                     f"{int(durations.get(_SEP.join((endpoint, 'count')), 0))}")
    seen: set[str] = set()
    for name, help_text, labels, value in gauges:
        if name not in seen:
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
            seen.add(name)
        lines.append(f"{name}{_labels(**labels) if labels else ''} {value:g}")
    return "\n".join(lines) + "\n"
