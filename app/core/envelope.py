"""Success envelopes, keys in the original's order (decisions #1-#3)."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app

EMPTY_PAGE_MSG = "暂无数据"


def _json(body: dict[str, Any], status: int = 200) -> Response:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=_default)
    return current_app.response_class(text + "\n", status=status, mimetype="application/json")


def _default(value: Any) -> Any:
    return current_app.json.default(value)


def detail(data: Any = None, msg: str = "success") -> Response:
    """``{code, data, msg}`` for one object or an action."""
    return _json({"code": 2000, "data": data, "msg": msg})


def listing(data: list[Any], msg: str = "success") -> Response:
    """``{code, page, limit, total, data, msg}`` for an unpaginated list, with real counts."""
    return _json({"code": 2000, "page": 1, "limit": len(data), "total": len(data), "data": data, "msg": msg})


def paged(data: list[Any], *, page: int, limit: int, total: int, msg: str = "success") -> Response:
    """The paginated envelope; an empty page says ``暂无数据`` and keeps the real total."""
    if not data:
        msg = EMPTY_PAGE_MSG
    return _json(
        {
            "code": 2000,
            "msg": msg,
            "page": page,
            "limit": limit,
            "total": total,
            "is_next": page * limit < total,
            "is_previous": page > 1 and total > 0,
            "data": data,
        }
    )


def raw(body: dict[str, Any], status: int = 200) -> Response:
    """A JSON body without the envelope (``/token/refresh/``)."""
    return _json(body, status)


def ordered(code: int, msg: str, data: Any) -> Response:
    """``{code, msg, data}``: the login's key order."""
    return _json({"code": code, "msg": msg, "data": data})
