"""Start dvadmin-flask the production way for a benchmark, and tear it all down afterwards.

``BenchServer`` is a context manager: it (re)creates a MariaDB database, runs
``flask db upgrade`` and ``flask init`` with the production environment (captcha then off),
starts ``gunicorn --worker-class gevent`` in a subprocess and waits for ``/healthz``. On exit
(normal, exception or Ctrl-C) it stops gunicorn, drops the database and deletes the Redis keys
under its own random prefix.

CLI: ``.venv/bin/python bench/server.py [--workers 2] [--port 9100]`` serves until Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
MYSQL = {"host": "127.0.0.1", "port": 3306, "user": "root", "password": ""}
REDIS_URL = "redis://127.0.0.1:6379/0"
USERNAME = "superadmin"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def strong_password() -> str:
    """A random password that passes the production policy (letters and digits, 8-30 chars)."""
    return "Bx9" + secrets.token_hex(8)


def _mysql(sql: str) -> None:
    import pymysql

    conn = pymysql.connect(**MYSQL, autocommit=True)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


class BenchServer:
    """gunicorn + gevent on a fresh database; use as ``with BenchServer() as srv: ...``."""

    def __init__(
        self,
        workers: int = 2,
        port: int | None = None,
        db_name: str = "dvadmin_bench",
        iterations: int | None = None,
        startup_timeout: float = 60.0,
        seed=None,
    ) -> None:
        self.workers = workers
        self.port = port or free_port()
        self.db_name = db_name
        self.iterations = iterations
        self.startup_timeout = startup_timeout
        # seed(database_url): fills the database after migrations, before gunicorn starts
        self.seed = seed
        self.username = USERNAME
        self.password = strong_password()
        self.prefix = f"dvbench:{secrets.token_hex(4)}:"
        self.proc: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="dvbench-gunicorn-", suffix=".log", delete=False)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """The production environment the CLI commands and gunicorn run with."""
        env = dict(os.environ)
        env.update(
            APP_ENV="production",
            FLASK_APP="wsgi",
            SECRET_KEY=secrets.token_urlsafe(36),  # 48 characters
            DATABASE_URL=f"mysql+pymysql://root@127.0.0.1:3306/{self.db_name}?charset=utf8mb4",
            REDIS_URL=REDIS_URL,
            REDIS_KEY_PREFIX=self.prefix,
            PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
        )
        env.pop("JWT_SECRET_KEY", None)
        if self.iterations:
            env["PASSWORD_HASH_ITERATIONS"] = str(self.iterations)
        else:
            env.pop("PASSWORD_HASH_ITERATIONS", None)
        return env

    def start(self) -> BenchServer:
        """Create the database, migrate, seed the superuser, start gunicorn, wait for health."""
        env = self.env()
        _mysql(f"DROP DATABASE IF EXISTS `{self.db_name}`")
        _mysql(f"CREATE DATABASE `{self.db_name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")
        flask = str(VENV_BIN / "flask")
        for args in (["db", "upgrade"], ["init", "--no-input", "--password", self.password]):
            subprocess.run([flask, *args], cwd=ROOT, env=env, check=True, stdout=self.log, stderr=self.log)
        # the seed turns the login captcha on, as the original does; the bench logs in by API
        _mysql(
            f"UPDATE `{self.db_name}`.`dvadmin_system_config` SET `value` = 'false' "
            "WHERE `key` = 'captcha_state'"
        )
        if self.seed is not None:
            self.seed(env["DATABASE_URL"])
        cmd = [
            str(VENV_BIN / "gunicorn"),
            "--worker-class",
            "gevent",
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "wsgi:app",
        ]
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=self.log, stderr=self.log, start_new_session=True
        )
        self._wait_healthy()
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; log: {self.log.name}")
            try:
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"no /healthz after {self.startup_timeout}s; log: {self.log.name}")

    def stop(self, keep_log: bool = False) -> None:
        """Stop gunicorn (TERM, then KILL), drop the database, delete the Redis keys and the log."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # graceful shutdown of master and workers
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None
        try:
            _mysql(f"DROP DATABASE IF EXISTS `{self.db_name}`")
        finally:
            self._clear_redis()
            self.log.close()
            if keep_log:
                print(f"gunicorn log kept in {self.log.name}", file=sys.stderr)
            else:
                os.unlink(self.log.name)

    def _clear_redis(self) -> None:
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=self.prefix + "*", count=500))
        if keys:
            client.delete(*keys)
        client.close()

    def __enter__(self) -> BenchServer:
        try:
            return self.start()
        except BaseException:
            self.stop(keep_log=True)
            raise

    def __exit__(self, exc_type, *_exc) -> None:
        self.stop(keep_log=exc_type is not None and issubclass(exc_type, Exception))


def terminate_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit so ``with BenchServer()`` cleans up when killed."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def main() -> None:
    """Serve until Ctrl-C, printing the URL and the superuser's credentials."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--db", default="dvadmin_bench")
    parser.add_argument(
        "--iterations", type=int, default=None, help="PASSWORD_HASH_ITERATIONS (default 600000)"
    )
    args = parser.parse_args()
    terminate_on_sigterm()
    with BenchServer(args.workers, args.port, args.db, args.iterations) as srv:
        print(f"serving {srv.base_url} ({srv.workers} gevent workers), log {srv.log.name}")
        print(f"log in as {srv.username} / {srv.password}; Ctrl-C stops and cleans up")
        try:
            srv.proc.wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
