"""The operation log hook (contract §9, differences #21).

One ``OperationLog`` row per logged request: requests under ``/api/`` (and ``/token/refresh/``)
whose method is in ``API_LOG_METHODS``. The row is built in ``after_request`` (the response is
known then) and written when the app context is torn down, *after* Flask-SQLAlchemy has removed
the request's session: the request's own transaction is finished, its connection is back in the
pool (no second connection per request, no SQLite lock wait behind a crashed transaction), and
the write runs in its own short session. Every error while logging is caught and logged; the
request never sees it.

Secrets never reach the table: every key that looks secret (password, token, captcha, …) is
masked at any depth, uploads are recorded by file name only, and large bodies are truncated.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request

log = logging.getLogger(__name__)

MASK = "******"
LOGIN_MODULAR = "登录模块"
DEFAULT_METHODS = ("POST", "PUT", "PATCH", "DELETE")
DEFAULT_BODY_MAX = 10_000
# Bodies larger than this are not parsed at all (only their size is recorded).
PARSE_LIMIT = 1024 * 1024
MAX_DEPTH = 20
PENDING_KEY = "_oplog_pending"
ACTOR_KEY = "_oplog_actor"

# Key names are compared lower-cased with ``_`` and ``-`` removed. A key is secret when it
# contains one of these parts …
SECRET_PARTS = (
    "pass",
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "captcha",
    "credential",
    "authorization",
    "cookie",
    "signature",
    "apikey",
    "accesskey",
    "privatekey",
    "appkey",
    "sessionid",
)
# … or is exactly one of these (short words that are secrets alone but common inside other names).
SECRET_NAMES = {"refresh", "access", "auth", "sign", "otp", "pin", "salt"}
# ``{"key": "secret_key", "value": "…"}`` (a config row) hides the value too.
VALUE_KEYS = ("value", "val")
# Requests to these blueprints never have their ``value`` fields logged (config may hold secrets).
CONFIG_BLUEPRINTS = {"system_config"}

# Blueprint name → the model whose verbose name labels its rows (the original's request_modular).
BLUEPRINT_MODELS = {
    "user": ("blueprints.user.models", "User"),
    "role": ("blueprints.role.models", "Role"),
    "dept": ("blueprints.dept.models", "Dept"),
    "menu": ("blueprints.menu.models", "Menu"),
    "menu_button": ("blueprints.menu.models", "MenuButton"),
    "column": ("blueprints.menu.models", "MenuField"),
    "role_menu_permission": ("blueprints.permission.models", "RoleMenuPermission"),
    "role_menu_button_permission": ("blueprints.permission.models", "RoleMenuButtonPermission"),
    "dictionary": ("blueprints.dictionary.models", "Dictionary"),
    "system_config": ("blueprints.system_config.models", "SystemConfig"),
    "init": ("blueprints.system_config.models", "SystemConfig"),
    "area": ("blueprints.area.models", "Area"),
    "file": ("blueprints.file.models", "FileList"),
    "login_log": ("blueprints.log.models", "LoginLog"),
    "operation_log": ("blueprints.log.models", "OperationLog"),
    "api_white_list": ("blueprints.whitelist.models", "ApiWhiteList"),
    "message_center": ("blueprints.message.models", "MessageCenter"),
    "download_center": ("blueprints.download.models", "DownloadCenter"),
}
_EXTRA_MODULARS: dict[str, str] = {"auth": LOGIN_MODULAR}
_modular_cache: dict[str, str | None] = {}


def register_modular(blueprint_name: str, label: str) -> None:
    """Label the log rows of a blueprint (plugins call this for their own blueprints)."""
    _EXTRA_MODULARS[blueprint_name] = label
    _modular_cache.pop(blueprint_name, None)


def modular_for(blueprint_name: str | None) -> str | None:
    """The ``request_modular`` of a blueprint: its model's verbose name, or a registered label."""
    if not blueprint_name:
        return None
    if blueprint_name in _modular_cache:
        return _modular_cache[blueprint_name]
    label = _EXTRA_MODULARS.get(blueprint_name)
    if label is None and blueprint_name in BLUEPRINT_MODELS:
        from importlib import import_module

        module, name = BLUEPRINT_MODELS[blueprint_name]
        label = getattr(getattr(import_module(module), name), "verbose_name", None) or None
    _modular_cache[blueprint_name] = label
    return label


# ---- masking -----------------------------------------------------------------------------


def _normalise_key(key: Any) -> str:
    return re.sub(r"[_\-\s]", "", str(key)).lower()


def is_secret_key(key: Any) -> bool:
    """True for a key name that looks like it holds a secret (case-insensitive)."""
    name = _normalise_key(key)
    return name in SECRET_NAMES or any(part in name for part in SECRET_PARTS)


def mask_secrets(value: Any, depth: int = 0, *, hide_values: bool = False) -> Any:
    """A copy of ``value`` with every secret-looking key's value replaced, at any depth.

    JSON sent inside a string is masked inside too. ``hide_values`` masks every ``value`` key
    (system config rows: a PATCH of ``base.default_password`` carries no sibling ``key``).
    """
    if depth > MAX_DEPTH:
        return "…"
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        hide_value = hide_values or (
            is_secret_key(value.get("key", "")) if isinstance(value.get("key"), str) else False
        )
        for key, item in value.items():
            if is_secret_key(key) or (hide_value and key in VALUE_KEYS):
                out[str(key)] = MASK
            else:
                out[str(key)] = mask_secrets(item, depth + 1, hide_values=hide_values)
        return out
    if isinstance(value, (list, tuple)):
        return [mask_secrets(item, depth + 1, hide_values=hide_values) for item in value]
    if isinstance(value, str) and value[:1] in ("{", "[") and len(value) <= 100_000:
        try:
            inner = json.loads(value)
        except (ValueError, RecursionError):
            return value
        if isinstance(inner, (dict, list)):
            return _dumps(mask_secrets(inner, depth + 1, hide_values=hide_values))
    return value


def _multi_dict(data: Any) -> dict[str, Any]:
    """A werkzeug MultiDict as a plain dict: single values stay scalar, repeated ones a list."""
    out: dict[str, Any] = {}
    for key in data:
        values = data.getlist(key)
        out[key] = values[0] if len(values) == 1 else values
    return out


def _truncate(text: str, limit: int) -> str:
    if limit > 0 and len(text) > limit:
        return f"{text[:limit]}…(已截断，共 {len(text)} 字符)"
    return text


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def request_body_text() -> str:
    """The request's parameters as masked JSON text (files by name only; query args when no body)."""
    limit = int(current_app.config.get("API_LOG_BODY_MAX", DEFAULT_BODY_MAX) or 0)
    mimetype = (request.mimetype or "").lower()
    body: Any
    if mimetype == "multipart/form-data":
        body = {}
        # parse only what the view already parsed: reading a refused upload now would cost time
        if "form" in request.__dict__:
            body.update(_multi_dict(request.form))
        if "files" in request.__dict__:
            for key in request.files:
                names = [f.filename or "" for f in request.files.getlist(key)]
                body[key] = names[0] if len(names) == 1 else names
    elif mimetype == "application/x-www-form-urlencoded":
        body = _multi_dict(request.form)
    else:
        length = request.content_length or 0
        if length > PARSE_LIMIT:
            return _dumps({"_body": f"请求体 {length} 字节，未记录"})
        raw = request.get_data(cache=True)
        if not raw:
            body = _multi_dict(request.args)
        else:
            try:
                body = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError, RecursionError):
                # not JSON: its text may hold anything, so only its size is kept
                return _dumps({"_body": f"非 JSON 请求体 {len(raw)} 字节，未记录"})
    hide_values = request.blueprint in CONFIG_BLUEPRINTS
    return _truncate(_dumps(mask_secrets(body, hide_values=hide_values)), limit)


# ---- the response -------------------------------------------------------------------------

_CODE = re.compile(rb'"code"\s*:\s*(-?\d+)')


def response_outcome(response: Response) -> tuple[int, Any, Any]:
    """``(code, msg, data)``: the envelope's, or the HTTP status and nothing for other bodies."""
    if response.is_streamed or response.direct_passthrough or not response.is_json:
        return response.status_code, None, None
    raw = response.get_data()
    if len(raw) > PARSE_LIMIT:
        match = _CODE.search(raw[:200])
        return (int(match.group(1)) if match else response.status_code), None, None
    try:
        body = json.loads(raw)
    except ValueError:
        return response.status_code, None, None
    if isinstance(body, dict) and isinstance(body.get("code"), int):
        return body["code"], body.get("msg"), body.get("data")
    return response.status_code, None, None


# ---- who ------------------------------------------------------------------------------------


def _loaded(obj: Any, name: str) -> Any:
    """An attribute already loaded on an ORM object, without triggering a query."""
    try:
        return sa.inspect(obj).dict.get(name)
    except sa.exc.NoInspectionAvailable:
        return getattr(obj, name, None)


def _identity(obj: Any) -> int | None:
    try:
        key = sa.inspect(obj).identity
    except sa.exc.NoInspectionAvailable:
        return getattr(obj, "id", None)
    return key[0] if key else _loaded(obj, "id")


def remember_actor() -> None:
    """Note the authenticated user before the view runs (its attributes are loaded then)."""
    try:
        user = g.get("current_user")
        if user is not None:
            g.setdefault(ACTOR_KEY, (_identity(user), _loaded(user, "dept_id")))
    except Exception:  # noqa: BLE001 - logging must never break a request
        log.exception("operation log: could not note the user")


def _actor(code: int, data: Any) -> tuple[int | None, Any, bool]:
    """``(user id, dept id, dept known)`` of who made the request; None for anonymous."""
    actor = g.get(ACTOR_KEY)
    if actor is not None and actor[0] is not None:
        return actor[0], actor[1], actor[1] is not None
    user = g.get("current_user")
    if user is None and (code == 2000 or 200 <= code < 300):
        # public routes have no current user: a successful refresh verified its token's user …
        user = g.get("token_user")
    if user is not None:
        dept = _loaded(user, "dept_id")
        return _identity(user), dept, dept is not None
    # … and a successful login names its user in the answer
    if code == 2000 and request.blueprint == "auth" and isinstance(data, dict):
        user_id = data.get("userId")
        if isinstance(user_id, int):
            return user_id, None, False
    return None, None, True


# ---- the hook -------------------------------------------------------------------------------


def logged_methods() -> set[str] | None:
    """Methods to log from ``API_LOG_METHODS`` (a list or comma-separated); None means all."""
    raw = current_app.config.get("API_LOG_METHODS", DEFAULT_METHODS)
    items: Iterable[str] = raw.split(",") if isinstance(raw, str) else (raw or ())
    methods = {str(m).strip().upper() for m in items if str(m).strip()}
    return None if "ALL" in methods else methods


def should_log() -> bool:
    """True for API requests (and the refresh route) with a logged method."""
    if not current_app.config.get("API_LOG_ENABLE", True):
        return False
    if request.method == "OPTIONS":
        return False
    path = request.path
    if not (path.startswith("/api/") or path.rstrip("/") == "/token/refresh"):
        return False
    methods = logged_methods()
    return methods is None or request.method.upper() in methods


def build_row(response: Response) -> dict[str, Any]:
    """The operation-log values of this request (dept may be resolved at write time)."""
    from app.core.requestinfo import client_ip, current_agent

    code, msg, data = response_outcome(response)
    user_id, dept_id, dept_known = _actor(code, data)
    agent = current_agent()
    limit = int(current_app.config.get("API_LOG_BODY_MAX", DEFAULT_BODY_MAX) or 0)
    json_result = _truncate(_dumps({"code": code, "msg": msg}), limit)
    # a body without an envelope (a download, the refresh pair) succeeded when its HTTP status did
    success = code == 2000 or (code == response.status_code and 200 <= code < 300)
    return {
        "request_modular": modular_for(request.blueprint),
        "request_path": request.path[:400],
        "request_body": request_body_text(),
        "request_method": request.method[:8],
        "request_msg": None,
        "request_ip": client_ip()[:32],
        "request_browser": agent.browser[:64],
        "request_os": agent.os[:64],
        "response_code": str(code)[:32],
        "json_result": json_result,
        "status": success,
        "creator_id": user_id,
        "modifier": str(user_id) if user_id is not None else None,
        "dept_belong_id": str(dept_id) if dept_id is not None else None,
        "_resolve_dept": not dept_known,
    }


def collect(response: Response) -> Response:
    """``after_request``: queue this request's row; the response is returned untouched."""
    try:
        if should_log():
            g.setdefault(PENDING_KEY, []).append(build_row(response))
    except Exception:  # noqa: BLE001 - logging must never break a request
        log.exception("operation log: could not build the row for %s %s", request.method, request.path)
    return response


def insert_rows(rows: list[dict[str, Any]]) -> None:
    """Write rows in a short transaction of their own (never the request's session)."""
    from app.core.timeutil import local_now
    from app.extensions import db
    from blueprints.log.models import OperationLog
    from blueprints.user.models import User

    now = local_now()
    with sa.orm.Session(db.engine) as session, session.begin():
        for row in rows:
            if row.pop("_resolve_dept", False) and row.get("creator_id") is not None:
                dept_id = session.execute(
                    sa.select(User.dept_id).where(User.id == row["creator_id"])
                ).scalar_one_or_none()
                row["dept_belong_id"] = str(dept_id) if dept_id is not None else None
            row.setdefault("create_datetime", now)
            row.setdefault("update_datetime", now)
        # an ORM-enabled insert, so the list count cache sees the table change (countcache)
        session.execute(sa.insert(OperationLog), rows)


def flush(_exc: BaseException | None = None) -> None:
    """``teardown_appcontext``: write the queued rows; failures are logged, never raised."""
    try:
        rows = g.pop(PENDING_KEY, None)
    except Exception:  # noqa: BLE001 - outside an app context there is nothing queued
        return
    if not rows:
        return
    try:
        insert_rows(rows)
    except Exception:  # noqa: BLE001 - logging must never break a request
        log.exception("operation log: could not write %d row(s)", len(rows))


def init_oplog(app: Flask) -> None:
    """Install the request hooks that write operation-log rows."""
    app.before_request(remember_actor)
    app.after_request(collect)
    # Teardown functions run in reverse order of registration: first in the list runs last, so
    # the write happens after Flask-SQLAlchemy removed the request's session.
    app.teardown_appcontext_funcs.insert(0, flush)
