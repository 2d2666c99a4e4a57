"""Benchmark login and user_info against gunicorn + gevent on MariaDB and Redis.

Run from the repository root: ``.venv/bin/python bench/bench_auth.py [--workers 2]``.
Starts the server with ``bench/server.py`` (fresh database, production settings), measures
single-request latency (sequential) and throughput under concurrency, prints a table and
cleans everything up.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import sys
import time

from load import Result, run
from server import BenchServer, terminate_on_sigterm

JSON = {"Content-Type": "application/json"}


def login_request(srv: BenchServer) -> tuple:
    """``POST /api/login/`` with the md5 of the password, as the SPA sends it."""
    md5 = hashlib.md5(srv.password.encode()).hexdigest()
    body = json.dumps({"username": srv.username, "password": md5}).encode()
    return ("POST", "/api/login/", JSON, body)


def get_access(srv: BenchServer) -> str:
    """Log in once and return the access token."""
    method, path, headers, body = login_request(srv)
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        answer = json.loads(conn.getresponse().read())
    finally:
        conn.close()
    if answer.get("code") != 2000:
        raise RuntimeError(f"login failed: {answer}")
    return answer["data"]["access"]


def row(name: str, conns: int, res: Result) -> str:
    """One table line."""
    return (
        f"{name:<22}{conns:>5}{res.count:>7}{res.rps:>10.1f}{res.ms(50):>9.1f}{res.ms(90):>9.1f}"
        f"{res.ms(99):>9.1f}{res.ms(100):>9.1f}{res.failures + res.errors:>6}"
        f"{100 * res.client_cpu / max(res.elapsed, 1e-9):>8.0f}%"
    )


def report_failures(name: str, res: Result) -> None:
    """Say so when any answer was not a 2000 envelope (a lockout or throttle, for example)."""
    if res.failures or res.errors:
        print(f"  ! {name}: {res.failures} failed answers, {res.errors} connection errors: {res.samples}")


def main() -> None:
    """Start the server, run the four measurements, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--iterations", type=int, default=None, help="PASSWORD_HASH_ITERATIONS")
    parser.add_argument("--login-conns", type=int, default=4)
    parser.add_argument("--login-requests", type=int, default=40)
    parser.add_argument("--info-conns", type=int, default=32)
    parser.add_argument("--info-requests", type=int, default=2000)
    parser.add_argument("--sequential", type=int, default=20)
    args = parser.parse_args()
    terminate_on_sigterm()

    with BenchServer(workers=args.workers, iterations=args.iterations) as srv:
        iterations = args.iterations or 600_000
        print(
            f"dvadmin-flask at {srv.base_url}: gunicorn gevent x{srv.workers} workers, MariaDB, Redis; "
            f"{os.cpu_count()} CPUs shared with this load generator; {time.strftime('%Y-%m-%d %H:%M')}"
        )
        login = login_request(srv)
        info = ("GET", "/api/system/user/user_info/", {"Authorization": f"JWT {get_access(srv)}"}, None)
        url, results = srv.base_url, []

        run(url, info, connections=4, requests=100)  # warm-up: pools, imports, caches
        plan = [
            ("login sequential", login, 1, args.sequential),
            ("user_info sequential", info, 1, args.sequential),
            ("user_info", info, args.info_conns, args.info_requests),
            ("login", login, args.login_conns, args.login_requests),
        ]
        for name, request, conns, count in plan:
            if name == "user_info":  # warm-up at full concurrency first
                run(url, request, connections=conns, requests=max(200, count // 10))
            results.append((name, conns, run(url, request, connections=conns, requests=count)))

    print(
        f"\n{'endpoint':<22}{'conn':>5}{'reqs':>7}{'req/s':>10}{'p50 ms':>9}{'p90 ms':>9}"
        f"{'p99 ms':>9}{'max ms':>9}{'fail':>6}{'gen cpu':>9}"
    )
    for name, conns, res in results:
        print(row(name, conns, res))
    for name, _conns, res in results:
        report_failures(name, res)
    print("\ngen cpu: CPU the load generator itself used (100% = one of the cores the server also needs)")
    print(
        f"login is CPU-bound by design: each one runs PBKDF2-SHA256 with {iterations:,} iterations "
        f"(on the md5 the SPA sends), so login req/s is about cores / hash time, not an I/O limit."
    )
    sys.exit(1 if any(r.failures or r.errors for _, _, r in results) else 0)


if __name__ == "__main__":
    main()
