"""Plain HTTP concerns: request ids, CORS allow-list, body limits, health, Swagger UI assets."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask, Response, current_app, request, send_from_directory

from app.core.errors import request_id
from app.core.openapi import public

log = logging.getLogger(__name__)

ALLOW_HEADERS = "authorization, content-type, x-requested-with, x-request-id"
ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS"


def _origin_allowed(origin: str) -> bool:
    allowed = current_app.config.get("CORS_ORIGINS") or []
    return "*" in allowed or origin in allowed


def cors_preflight() -> Response | None:
    """Answer a CORS preflight from an allowed origin before any auth (differences #23)."""
    if request.method != "OPTIONS" or "Access-Control-Request-Method" not in request.headers:
        return None
    response = current_app.response_class(status=204)
    origin = request.headers.get("Origin", "")
    if origin and _origin_allowed(origin):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = ALLOW_METHODS
        response.headers["Access-Control-Allow-Headers"] = ALLOW_HEADERS
        response.headers["Access-Control-Max-Age"] = "600"
        response.headers["Vary"] = "Origin"
    return response


def finish_response(response: Response) -> Response:
    """Add the request id and, for allowed origins, the CORS headers."""
    response.headers["X-Request-ID"] = request_id()
    origin = request.headers.get("Origin")
    if origin and _origin_allowed(origin) and "Access-Control-Allow-Origin" not in response.headers:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = "Content-Disposition, X-Request-ID"
        response.headers.add("Vary", "Origin")
    return response


# Room for multipart boundaries and part headers around an uploaded file.
MULTIPART_OVERHEAD = 64 * 1024


def check_body_size() -> None:
    """Refuse an over-limit body early: ``MAX_CONTENT_LENGTH`` (请求体过大), or a view's own
    limit set with :func:`app.core.openapi.body_limit` (uploads)."""
    from app.core.errors import ApiError
    from app.core.openapi import BODY_LIMIT_ATTR, view_attribute

    own = view_attribute(current_app, BODY_LIMIT_ATTR) if request.endpoint else None
    if own is not None:
        key, default, message = own
        limit = int(current_app.config.get(key) or default)
        allowance = limit + MULTIPART_OVERHEAD
        if request.content_length and request.content_length > allowance:
            raise ApiError(message(limit))
        # werkzeug stops reading a body sent without a length past this
        request.max_content_length = allowance
        return
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and request.content_length and request.content_length > limit:
        from werkzeug.exceptions import RequestEntityTooLarge

        raise RequestEntityTooLarge()


@public
def healthz() -> Response:
    """The process is alive."""
    return current_app.response_class("OK", mimetype="text/plain")


@public
def readiness():
    """Database and Redis reachable: each dependency's state, HTTP 503 if one is down."""
    from app.core.store import get_store
    from app.extensions import db

    checks: dict[str, str] = {}
    try:
        db.session.execute(sa.text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        log.warning("readiness: database down: %s", exc)
        checks["database"] = "down"
        db.session.rollback()
    store = get_store()
    if store.is_shared:
        try:
            store.ping()
            checks["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001
            log.warning("readiness: redis down: %s", exc)
            checks["redis"] = "down"
    else:
        checks["redis"] = "not configured"
    ready = "down" not in checks.values()
    body = {"code": 2000 if ready else 5030, "data": checks, "msg": "ready" if ready else "not ready"}
    return current_app.json.response(body), 200 if ready else 503


@public
def swagger_assets(filename: str):
    """Swagger UI's own files, served locally (no CDN)."""
    import swagger_ui_bundle

    return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)


def register_web(app: Flask) -> None:
    """Routes and hooks that sit outside the API blueprints."""
    app.add_url_rule("/healthz", "healthz", healthz)
    app.add_url_rule("/readiness", "readiness", readiness)
    app.add_url_rule("/swagger-ui-assets/<path:filename>", "swagger_assets", swagger_assets)
