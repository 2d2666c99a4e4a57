"""Shared key-value state: Redis when configured, an in-process fallback otherwise.

Captchas, lockout counters, throttles and token revocation live here. Every key is put under
the configured prefix so several apps can share one Redis (traps #23).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from flask import Flask, current_app

log = logging.getLogger(__name__)

EXTENSION_KEY = "dvadmin_store"


class MemoryStore:
    """In-process stand-in for Redis: correct for one process only."""

    is_shared = False

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self._data: dict[str, tuple[Any, float | None]] = {}
        self._lock = threading.Lock()

    def _live(self, key: str) -> Any:
        item = self._data.get(key)
        if item is None:
            return None
        value, expires = item
        if expires is not None and expires <= time.monotonic():
            del self._data[key]
            return None
        return value

    def get(self, key: str) -> str | None:
        """Value of a key, or None."""
        with self._lock:
            return self._live(self.prefix + key)

    def mget(self, keys: list[str]) -> list[str | None]:
        """Values of several keys."""
        with self._lock:
            return [self._live(self.prefix + k) for k in keys]

    def set(self, key: str, value: Any, ttl: int | None = None, nx: bool = False) -> bool:
        """Set a key with an optional lifetime; with ``nx`` only if it does not exist."""
        full = self.prefix + key
        with self._lock:
            if nx and self._live(full) is not None:
                return False
            expires = time.monotonic() + ttl if ttl else None
            self._data[full] = (str(value), expires)
            return True

    def getdel(self, key: str) -> str | None:
        """Read and delete a key atomically (single-use values)."""
        full = self.prefix + key
        with self._lock:
            value = self._live(full)
            self._data.pop(full, None)
            return value

    def delete(self, *keys: str) -> None:
        """Delete keys."""
        with self._lock:
            for key in keys:
                self._data.pop(self.prefix + key, None)

    def incr(self, key: str, ttl: int) -> int:
        """Increment a counter; its lifetime starts with the first increment."""
        full = self.prefix + key
        with self._lock:
            current = self._live(full)
            if current is None:
                self._data[full] = ("1", time.monotonic() + ttl)
                return 1
            value = int(current) + 1
            self._data[full] = (str(value), self._data[full][1])
            return value

    def decr(self, key: str) -> None:
        """Take one back from a live counter (never below zero, lifetime unchanged)."""
        full = self.prefix + key
        with self._lock:
            current = self._live(full)
            if current is not None and int(current) > 0:
                self._data[full] = (str(int(current) - 1), self._data[full][1])

    def ttl(self, key: str) -> int:
        """Seconds left on a key (0 when missing or without expiry)."""
        with self._lock:
            item = self._data.get(self.prefix + key)
            if item is None or item[1] is None:
                return 0
            return max(0, int(item[1] - time.monotonic() + 0.999))

    def ping(self) -> bool:
        """Always reachable."""
        return True

    def clear_prefix(self) -> None:
        """Drop every key (tests)."""
        with self._lock:
            self._data.clear()


_DECR_IF_POSITIVE = """
local v = tonumber(redis.call('GET', KEYS[1]) or '0')
if v > 0 then redis.call('DECR', KEYS[1]) end
return v
"""


class RedisStore:
    """The shared store on Redis."""

    is_shared = True

    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self.prefix = prefix
        self.client = redis.Redis.from_url(
            url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5, health_check_interval=30
        )

    def get(self, key: str) -> str | None:
        """Value of a key, or None."""
        return self.client.get(self.prefix + key)

    def mget(self, keys: list[str]) -> list[str | None]:
        """Values of several keys in one round trip."""
        if not keys:
            return []
        return self.client.mget([self.prefix + k for k in keys])

    def set(self, key: str, value: Any, ttl: int | None = None, nx: bool = False) -> bool:
        """Set a key with an optional lifetime; with ``nx`` only if it does not exist."""
        return bool(self.client.set(self.prefix + key, value, ex=ttl or None, nx=nx))

    def getdel(self, key: str) -> str | None:
        """Read and delete a key atomically (single-use values)."""
        return self.client.getdel(self.prefix + key)

    def delete(self, *keys: str) -> None:
        """Delete keys."""
        if keys:
            self.client.delete(*[self.prefix + k for k in keys])

    def incr(self, key: str, ttl: int) -> int:
        """Increment a counter; its lifetime starts with the first increment."""
        full = self.prefix + key
        pipe = self.client.pipeline()
        pipe.incr(full)
        pipe.expire(full, ttl, nx=True)
        value, _ = pipe.execute()
        return int(value)

    def decr(self, key: str) -> None:
        """Take one back from a live counter (never below zero, lifetime unchanged)."""
        self.client.eval(_DECR_IF_POSITIVE, 1, self.prefix + key)

    def ttl(self, key: str) -> int:
        """Seconds left on a key (0 when missing or without expiry)."""
        return max(0, int(self.client.ttl(self.prefix + key)))

    def ping(self) -> bool:
        """True when Redis answers."""
        return bool(self.client.ping())

    def clear_prefix(self) -> None:
        """Drop every key under the prefix (tests)."""
        batch: list[str] = []
        for key in self.client.scan_iter(match=self.prefix + "*", count=500):
            batch.append(key)
            if len(batch) >= 500:
                self.client.delete(*batch)
                batch.clear()
        if batch:
            self.client.delete(*batch)


def init_store(app: Flask) -> None:
    """Create the store for this app and say in the log which one it is."""
    prefix = app.config.get("REDIS_KEY_PREFIX") or "dvadmin:"
    url = app.config.get("REDIS_URL")
    if url:
        store: MemoryStore | RedisStore = RedisStore(url, prefix)
        app.logger.info("shared state in Redis (key prefix %r)", prefix)
    else:
        store = MemoryStore(prefix)
        app.logger.warning(
            "REDIS_URL is not set: captchas, lockouts, throttles and token revocation are kept "
            "in this process only; run one worker, or set REDIS_URL"
        )
    app.extensions[EXTENSION_KEY] = store


def get_store() -> MemoryStore | RedisStore:
    """The current app's store."""
    return current_app.extensions[EXTENSION_KEY]
