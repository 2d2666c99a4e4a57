"""A small closed-loop HTTP load generator (stdlib only: threads and keep-alive ``http.client``).

Each of ``connections`` threads owns one keep-alive connection and sends its next request as
soon as the previous answer is read, until ``requests`` have been sent or ``duration`` seconds
have passed. Only loopback targets are accepted. Usage::

    from load import run  # with bench/ on sys.path, as when running bench/*.py
    result = run("http://127.0.0.1:9100", ("GET", "/healthz", {}, None), connections=8, requests=500)
    print(result.summary())

A request is a ``(method, path, headers, body)`` tuple or a callable ``f(i) -> tuple``.
"""

from __future__ import annotations

import http.client
import itertools
import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_CONNECTIONS = 256
MAX_REQUESTS = 1_000_000
MAX_DURATION = 600.0

Request = tuple[str, str, dict, bytes | None]


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list (0 when empty)."""
    if not sorted_values:
        return 0.0
    rank = min(max(1, math.ceil(pct / 100 * len(sorted_values))), len(sorted_values))
    return sorted_values[rank - 1]


def is_ok(status: int, body: bytes) -> bool:
    """A 2xx answer whose JSON envelope, if it has a ``code``, says 2000."""
    if not 200 <= status < 300:
        return False
    if body[:1] != b"{":
        return True
    try:
        code = json.loads(body).get("code", 2000)
    except ValueError:
        return False
    return code == 2000


@dataclass
class Result:
    """Latencies (seconds) of the answered requests, failures and wall time."""

    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    errors: int = 0  # connection-level errors (no answer)
    elapsed: float = 0.0
    client_cpu: float = 0.0  # CPU seconds this process (the generator) used meanwhile
    samples: list[str] = field(default_factory=list)  # a few failing answers, for the report

    @property
    def count(self) -> int:
        """Requests answered."""
        return len(self.latencies)

    @property
    def rps(self) -> float:
        """Answered requests per second of wall time."""
        return self.count / self.elapsed if self.elapsed else 0.0

    def ms(self, pct: float) -> float:
        """A latency percentile in milliseconds."""
        return percentile(sorted(self.latencies), pct) * 1000

    def summary(self) -> str:
        """One line: count, req/s, p50/p90/p99/max and failures."""
        return (
            f"{self.count} req in {self.elapsed:.2f}s = {self.rps:.1f} req/s; "
            f"p50 {self.ms(50):.1f} ms, p90 {self.ms(90):.1f} ms, p99 {self.ms(99):.1f} ms, "
            f"max {self.ms(100):.1f} ms; failed {self.failures}, errors {self.errors}; "
            f"generator CPU {self.client_cpu:.2f}s"
        )


def _check_target(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK:
        raise ValueError(f"refusing to load {url!r}: only http://127.0.0.1 / localhost targets")
    return parts.hostname, parts.port or 80


def run(
    url: str,
    request: Request | Callable[[int], Request],
    *,
    connections: int = 8,
    requests: int | None = None,
    duration: float | None = None,
    timeout: float = 30.0,
) -> Result:
    """Send ``requests`` (or for ``duration`` seconds) over ``connections`` keep-alive connections."""
    host, port = _check_target(url)
    if requests is None and duration is None:
        raise ValueError("give requests or duration")
    if not 1 <= connections <= MAX_CONNECTIONS:
        raise ValueError(f"connections must be 1..{MAX_CONNECTIONS}")
    requests = min(requests or MAX_REQUESTS, MAX_REQUESTS)
    duration = min(duration or MAX_DURATION, MAX_DURATION)
    make = request if callable(request) else (lambda _i: request)
    counter, lock, result = itertools.count(), threading.Lock(), Result()
    connected, go = threading.Barrier(connections + 1), threading.Event()

    def worker() -> None:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            conn.connect()  # connect (and let the server accept) before the clock starts
        except OSError:
            pass  # counted as an error on the first request
        connected.wait()
        go.wait()
        latencies: list[float] = []
        while True:
            with lock:
                i = next(counter)
            if i >= requests or time.perf_counter() >= deadline:
                break
            method, path, headers, body = make(i)
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                with lock:
                    result.errors += 1
                    if len(result.samples) < 3:
                        result.samples.append(f"{type(exc).__name__}: {exc}")
                continue
            latencies.append(time.perf_counter() - t0)
            if not is_ok(resp.status, data):
                with lock:
                    result.failures += 1
                    if len(result.samples) < 3:
                        result.samples.append(f"HTTP {resp.status}: {data[:200].decode(errors='replace')}")
        conn.close()
        with lock:
            result.latencies.extend(latencies)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    connected.wait()
    time.sleep(0.05)  # let the server's accept loop pick the new connections up
    start, cpu_start = time.perf_counter(), time.process_time()
    deadline = start + duration
    go.set()
    for thread in threads:
        thread.join()
    result.elapsed = time.perf_counter() - start
    result.client_cpu = time.process_time() - cpu_start
    return result
