"""Who is calling: client IP behind trusted proxies, browser and OS from the User-Agent."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from flask import request


def client_ip() -> str:
    """The client IP; ``ProxyFix`` has already applied the trusted proxy count (differences #10)."""
    return request.remote_addr or "unknown"


@dataclass(frozen=True)
class Agent:
    """Parsed User-Agent in the original's text forms."""

    agent: str
    browser: str
    os: str


def _version(*parts: str | None) -> str:
    return ".".join(p for p in parts if p)


@lru_cache(maxsize=1024)
def parse_agent(ua: str) -> Agent:
    """Parse a User-Agent locally (no outside lookups); an empty one is fine."""
    if not ua:
        return Agent(agent="Other / Other / Other", browser="Other", os="Other")
    from ua_parser import parse

    result = parse(ua)
    browser = "Other"
    if result.user_agent is not None:
        ua_ = result.user_agent
        browser = f"{ua_.family} {_version(ua_.major, ua_.minor, ua_.patch)}".strip()
    os_name = "Other"
    if result.os is not None:
        os_ = result.os
        os_name = f"{os_.family} {_version(os_.major, os_.minor, os_.patch)}".strip()
    device = "Other"
    lowered = ua.lower()
    if "mobile" in lowered or "android" in lowered or "iphone" in lowered:
        device = "Mobile"
    elif "ipad" in lowered or "tablet" in lowered:
        device = "Tablet"
    elif any(s in lowered for s in ("windows", "macintosh", "x11", "linux")):
        device = "PC"
    return Agent(agent=f"{device} / {os_name} / {browser}", browser=browser[:200], os=os_name[:200])


def current_agent() -> Agent:
    """The parsed User-Agent of the current request."""
    return parse_agent((request.headers.get("User-Agent") or "")[:1000])
