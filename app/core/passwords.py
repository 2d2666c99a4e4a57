"""Django ``pbkdf2_sha256`` hashes with the original's md5 layering (contract §3.3, differences #9)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import string
from dataclasses import dataclass

from flask import current_app, has_app_context

ALGORITHM = "pbkdf2_sha256"
MIN_ITERATIONS = 600_000
_SALT_CHARS = string.ascii_letters + string.digits


def md5_hex(text: str) -> str:
    """Lowercase hex md5 of the UTF-8 text, as the SPA sends passwords."""
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def _iterations() -> int:
    if has_app_context():
        return int(current_app.config.get("PASSWORD_HASH_ITERATIONS", MIN_ITERATIONS))
    return MIN_ITERATIONS


def _pbkdf2(secret: str, salt: str, iterations: int) -> str:
    digest = hashlib.pbkdf2_hmac("sha256", secret.encode("utf-8"), salt.encode("utf-8"), iterations, 32)
    return base64.b64encode(digest).decode("ascii").strip()


def make_hash(secret: str, iterations: int | None = None) -> str:
    """Hash ``secret`` exactly as Django's ``make_password`` would."""
    iterations = iterations or _iterations()
    salt = "".join(secrets.choice(_SALT_CHARS) for _ in range(22))
    return f"{ALGORITHM}${iterations}${salt}${_pbkdf2(secret, salt, iterations)}"


def make_password(raw: str) -> str:
    """Store a raw password the way ``Users.set_password`` does: pbkdf2 over md5(raw)."""
    return make_hash(md5_hex(raw))


@dataclass
class ParsedHash:
    """The parts of a Django hash string."""

    iterations: int
    salt: str
    digest: str


def parse_hash(encoded: str | None) -> ParsedHash | None:
    """Split a ``pbkdf2_sha256$iter$salt$hash`` string, or None if it is anything else."""
    if not encoded:
        return None
    parts = encoded.split("$", 3)
    if len(parts) != 4 or parts[0] != ALGORITHM:
        return None
    try:
        iterations = int(parts[1])
    except ValueError:
        return None
    if iterations < 1:
        return None
    return ParsedHash(iterations=iterations, salt=parts[2], digest=parts[3])


def check_hash(secret: str, encoded: str | None) -> bool:
    """True when ``secret`` matches ``encoded``, whatever its iteration count."""
    parsed = parse_hash(encoded)
    if parsed is None:
        return False
    candidate = _pbkdf2(secret, parsed.salt, parsed.iterations)
    return hmac.compare_digest(candidate.encode(), parsed.digest.encode())


def verify_login_password(sent: str, encoded: str | None) -> str | None:
    """Check ``sent`` then ``md5(sent)`` against the hash (contract §3.3).

    Returns the layer that matched (the value to rehash on upgrade, decisions #16) or None.
    """
    if check_hash(sent, encoded):
        return sent
    layered = md5_hex(sent)
    if check_hash(layered, encoded):
        return layered
    return None


def needs_upgrade(encoded: str | None) -> bool:
    """True when the stored hash uses fewer iterations than configured."""
    parsed = parse_hash(encoded)
    return parsed is not None and parsed.iterations < _iterations()


def dummy_check(sent: str) -> None:
    """Spend the time of a failed real check (two layers), so an unknown account answers as
    slowly as a known one with a wrong password."""
    _pbkdf2(sent, "dummysaltdummysalt0000", _iterations())
    _pbkdf2(md5_hex(sent), "dummysaltdummysalt0000", _iterations())


def pad_weak_check(sent: str, encoded: str | None) -> None:
    """After a failed check against an older, cheaper hash, spend the difference, so a wrong
    password costs the same on every account (stored iteration counts must not leak)."""
    parsed = parse_hash(encoded)
    wanted = _iterations()
    if parsed is not None and parsed.iterations < wanted:
        _pbkdf2(sent, parsed.salt, 2 * (wanted - parsed.iterations))


def policy_errors(raw: str) -> str | None:
    """The first way ``raw`` breaks the password policy, or None (differences #9, decisions #22)."""
    cfg = current_app.config
    low, high = cfg.get("PASSWORD_MIN_LENGTH", 8), cfg.get("PASSWORD_MAX_LENGTH", 30)
    if not low <= len(raw) <= high:
        return f"密码长度需在 {low} 到 {high} 个字符之间"
    if cfg.get("PASSWORD_REQUIRE_LETTER", True) and not re.search(r"[A-Za-z]", raw):
        return "密码必须包含字母"
    if cfg.get("PASSWORD_REQUIRE_DIGIT", True) and not re.search(r"\d", raw):
        return "密码必须包含数字"
    return None


def run_off_hub(func, *args):
    """Run CPU-bound hashing on gevent's threadpool when the hub is patched (traps #20)."""
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover - gevent is a dependency
        return func(*args)
    if monkey.is_module_patched("threading"):
        import gevent

        return gevent.get_hub().threadpool.apply(func, args)
    return func(*args)
