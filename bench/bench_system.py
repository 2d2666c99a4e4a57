"""The system area under load: user list, web_router, user_info, buttons, depts (issue: system area).

Starts gunicorn (gevent) on MariaDB + Redis, fills it with ``generate.py`` (100,000 users in
1,000 depts), logs in as the superuser and as a dept-scoped user (data range 1), and prints
requests/s, p50 and p99 at 32 connections for each endpoint.

    .venv/bin/python bench/bench_system.py [--users 100000] [--requests 2000] [--workers 2]
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_auth import report_failures, row  # noqa: E402
from generate import SCOPED_PASSWORD, SCOPED_USERNAME, generate  # noqa: E402
from load import run  # noqa: E402
from server import BenchServer, terminate_on_sigterm  # noqa: E402


def token(port: int, username: str, password: str) -> str:
    """Log in (md5 of the password, as the SPA) and return the access token."""
    body = json.dumps({"username": username, "password": hashlib.md5(password.encode()).hexdigest()})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", "/api/login/", body=body, headers={"Content-Type": "application/json"})
        answer = json.loads(conn.getresponse().read())
    finally:
        conn.close()
    if answer.get("code") != 2000:
        raise RuntimeError(f"login of {username} failed: {answer}")
    return answer["data"]["access"]


def main() -> None:
    """Seed, serve, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    terminate_on_sigterm()
    ids: dict = {}

    def seed(database_url: str) -> None:
        ids.update(generate(database_url, users=args.users))

    with BenchServer(workers=args.workers, seed=seed) as srv:
        root = {"Authorization": f"JWT {token(srv.port, srv.username, srv.password)}"}
        scoped = {"Authorization": f"JWT {token(srv.port, SCOPED_USERNAME, SCOPED_PASSWORD)}"}
        plan = [
            ("user list (superuser)", "/api/system/user/?page=1&limit=20", root),
            ("user list (dept scope)", "/api/system/user/?page=1&limit=20", scoped),
            ("web_router", "/api/system/menu/web_router/", scoped),
            ("user_info", "/api/system/user/user_info/", scoped),
            ("menu_button_all_perm", "/api/system/menu_button/menu_button_all_permission/", scoped),
            ("all_dept (dept scope)", "/api/system/dept/all_dept/", scoped),
            ("dept lazy list", f"/api/system/dept/?parent={ids['root_dept']}", root),
        ]
        print(
            f"dvadmin-flask at {srv.base_url}: gunicorn gevent x{srv.workers}, MariaDB, Redis; "
            f"{args.users:,} users in 1,000 depts; {os.cpu_count()} CPUs shared with the load generator; "
            f"{time.strftime('%Y-%m-%d %H:%M')}"
        )
        results = []
        for name, path, headers in plan:
            request = ("GET", path, headers, None)
            run(srv.base_url, request, connections=args.connections, requests=max(200, args.requests // 10))
            results.append(
                (name, run(srv.base_url, request, connections=args.connections, requests=args.requests))
            )
    print(
        f"\n{'endpoint':<22}{'conn':>5}{'reqs':>7}{'req/s':>10}{'p50 ms':>9}{'p90 ms':>9}"
        f"{'p99 ms':>9}{'max ms':>9}{'fail':>6}{'gen cpu':>9}"
    )
    for name, res in results:
        print(row(name, args.connections, res))
    for name, res in results:
        report_failures(name, res)
    sys.exit(1 if any(r.failures or r.errors for _, r in results) else 0)


if __name__ == "__main__":
    main()
