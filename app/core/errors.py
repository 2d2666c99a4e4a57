"""One error envelope for every failure: domain errors, HTTP errors, validation, crashes."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from flask import Flask, g, has_request_context, jsonify, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

MSG_NOT_FOUND = "接口地址不存在"
MSG_TOO_LARGE = "请求体过大"
MSG_INTERNAL = "服务器内部错误（请求编号 {rid}）"
MSG_NO_PERMISSION = "您没有执行该操作的权限。"


class ApiError(Exception):
    """A refusal the client should see: ``code`` in the envelope, ``http_status`` on the wire."""

    def __init__(
        self,
        msg: str,
        code: int = 4000,
        *,
        http_status: int = 200,
        data: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(msg)
        self.msg = msg
        self.code = code
        self.http_status = http_status
        self.data = data
        self.headers = headers or {}


def error_body(code: int, msg: Any, data: Any = None) -> dict[str, Any]:
    """The error envelope, keys in the original's order (``code,data,msg``)."""
    return {"code": code, "data": data, "msg": msg}


def error_response(code: int, msg: Any, http_status: int = 200, headers=None):
    """Build the JSON error response."""
    response = jsonify(error_body(code, msg))
    response.status_code = http_status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def request_id() -> str:
    """Return this request's 32-hex id, creating it on first use."""
    if not has_request_context():
        return uuid.uuid4().hex
    rid = getattr(g, "request_id", None)
    if rid is None:
        rid = g.request_id = uuid.uuid4().hex
    return rid


def handle_api_error(error: ApiError):
    """Envelope for a domain refusal."""
    return error_response(error.code, error.msg, error.http_status, error.headers)


def handle_http_exception(error: HTTPException):
    """Envelope for werkzeug's HTTP errors (404, 405, 413, 400, webargs' 422 …)."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    if status == 404:
        return error_response(404, MSG_NOT_FOUND, 404)
    if status == 405:
        return error_response(4000, f"方法 “{request.method}” 不被允许。")
    if status == 413:
        return error_response(4000, MSG_TOO_LARGE)
    if status == 422 and "messages" in data:
        from app.core.validation import first_error_message

        return error_response(4000, first_error_message(data["messages"], data.get("schema")))
    if status == 401:
        return error_response(401, data.get("message") or "身份认证信息未提供。", 401)
    if status >= 500:
        return handle_unexpected(error)
    msg = data.get("message") or _CLIENT_ERROR_TEXTS.get(status) or "请求错误"
    return error_response(4000, msg)


_CLIENT_ERROR_TEXTS = {
    400: "请求格式错误",
    403: MSG_NO_PERMISSION,
    415: "不支持的媒体类型",
}


def handle_unexpected(error: Exception):
    """Log the crash with the request id; the client gets only the id."""
    rid = request_id()
    original = getattr(error, "original_exception", None) or error
    log.error("unhandled error, request %s", rid, exc_info=original)
    try:
        from app.extensions import db

        db.session.rollback()
    except Exception:  # noqa: BLE001 - the answer must go out whatever the session's state
        log.warning("rollback after request %s failed", rid, exc_info=True)
    return error_response(500, MSG_INTERNAL.format(rid=rid), 500)


def handle_data_error(error: Exception):
    """A value the database cannot hold (out of range, too long): a clear 4000, never a 500."""
    from app.extensions import db

    db.session.rollback()
    log.info("database refused a value, request %s: %s", request_id(), error)
    return error_response(4000, "数据超出范围或格式不正确")


def handle_integrity_error(error: Exception):
    """A unique clash the checks did not see (a concurrent write): 4000, nothing written."""
    from app.extensions import db

    db.session.rollback()
    log.info("integrity error, request %s: %s", request_id(), error)
    return error_response(4000, "数据重复或关联错误，未保存")


def register_error_handlers(app: Flask) -> None:
    """Attach the handlers; flask-smorest's own HTTPException handler is replaced by ours."""
    from sqlalchemy.exc import DataError, IntegrityError

    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(DataError, handle_data_error)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
