"""``/media/<path>``, the clause pages and a built SPA (``/web/``, optionally the site root).

These are plain Flask routes (no envelope, no OpenAPI entry), all public: the SPA loads media
through ``<img>`` and its own files before anyone logs in. ``register(app)`` mounts them; it is
called from ``blueprints.file.routes.register``.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, Flask, Response, current_app, render_template, send_file, send_from_directory
from sqlalchemy.orm import aliased
from werkzeug.exceptions import NotFound

from app.core.errors import ApiError
from app.core.openapi import public
from app.core.storage import get_storage
from app.extensions import db
from blueprints.file.services import OCTET_STREAM, is_inline, mime_for

# A plain Flask blueprint (not an Api one): keep this module out of the factory's BLUEPRINTS.
pages = Blueprint("web", __name__, template_folder="templates")

DEFAULT_SITE_TITLE = "dvadmin-flask"
NO_CACHE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"
TRUE_TEXTS = {"1", "true", "yes", "on"}


def _segments_ok(path: str) -> bool:
    """False for anything but plain relative segments: no ``..``, dot files, backslashes or NULs."""
    if not path or "\\" in path or "\x00" in path or ":" in path:
        return False
    return all(part and not part.startswith(".") for part in path.split("/"))


def _nosniff(response: Response) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@pages.route("/media/<path:path>", methods=["GET"])
@public
def media(path: str):
    """A stored file, by its relative path; types a browser would run come as attachments."""
    if not _segments_ok(path) or path.endswith(".part"):
        raise NotFound()
    storage = get_storage()
    try:
        if not storage.exists(path):
            raise NotFound()
        local = storage.local_path(path)
    except ApiError:
        raise NotFound() from None
    name = path.rsplit("/", 1)[-1]
    extension = name.rpartition(".")[2] if "." in name else ""
    mime = mime_for(extension) if extension else OCTET_STREAM
    inline = is_inline(mime)
    source = local if local is not None else storage.open(path)
    response = send_file(
        source, mimetype=mime, as_attachment=not inline, download_name=name, conditional=True
    )
    if mime != "application/pdf":
        # a file opened on its own never runs script or reaches the app's origin (browsers'
        # built-in pdf viewers refuse to start inside a sandbox, and pdf cannot run here anyway)
        response.headers["Content-Security-Policy"] = (
            "sandbox; default-src 'none'; img-src 'self'; media-src 'self'"
        )
    return _nosniff(response)


CLAUSES = {
    "privacy": (
        "隐私政策",
        [
            (
                "适用范围",
                [
                    "本政策说明本系统在您使用过程中如何收集、使用和保护您的个人信息。"
                    "本系统为内部管理系统，账号由管理员分配。"
                ],
            ),
            (
                "我们收集的信息",
                [
                    "为完成登录和权限控制，系统会保存您的账号、姓名、所属部门和角色，"
                    "以及您自行填写的手机号、邮箱和头像。",
                    "为保障账号安全，系统会记录登录时间、登录 IP 和浏览器信息，并记录您在系统中的操作。",
                ],
            ),
            (
                "信息的使用",
                ["上述信息仅用于身份验证、权限控制、安全审计和系统内的消息通知，不会用于其他目的。"],
            ),
            (
                "信息的共享",
                [
                    "除法律法规要求外，我们不会向第三方提供您的个人信息。系统默认不向任何外部服务发送登录数据。"
                ],
            ),
            (
                "信息的保存与保护",
                [
                    "密码以不可逆的方式加密保存。日志按管理员设置的期限保留，到期后删除。",
                    "如需查询、更正或删除您的个人信息，请联系系统管理员。",
                ],
            ),
        ],
    ),
    "terms_service": (
        "服务条款",
        [
            ("接受条款", ["使用本系统即表示您同意遵守本条款。如不同意，请停止使用并联系系统管理员。"]),
            (
                "账号与安全",
                [
                    "您的账号仅供本人使用，请妥善保管密码，不要转借他人。",
                    "发现账号被盗用或存在安全问题时，请立即修改密码并通知系统管理员。",
                ],
            ),
            (
                "使用规范",
                [
                    "请仅在授权范围内使用系统功能和数据，不得尝试绕过权限控制或干扰系统的正常运行。",
                    "上传的文件应与工作相关，不得包含违法内容或恶意代码。",
                ],
            ),
            ("服务变更", ["系统功能可能随需要调整，重要变更会通过系统消息或其他方式告知。"]),
            ("其他", ["本条款未尽事宜，以所在单位的相关规定为准。"]),
        ],
    ),
}


def site_title() -> str:
    """System config ``login.site_title`` when set, else the project's name."""
    from blueprints.system_config.models import SystemConfig

    group = aliased(SystemConfig)
    value = db.session.execute(
        sa.select(SystemConfig.value)
        .join(group, group.id == SystemConfig.parent_id)
        .where(group.key == "login", SystemConfig.key == "site_title")
        .order_by(SystemConfig.id)
        .limit(1)
    ).scalar_one_or_none()
    text = value.strip() if isinstance(value, str) else ""
    return text or DEFAULT_SITE_TITLE


def _clause(page: str) -> Response:
    heading, sections = CLAUSES[page]
    body = render_template(
        "web/clause.html",
        heading=heading,
        site_title=site_title(),
        sections=[{"title": title, "paragraphs": paragraphs} for title, paragraphs in sections],
    )
    response = current_app.response_class(body, mimetype="text/html")
    response.headers["Cache-Control"] = NO_CACHE
    return _nosniff(response)


@pages.route("/api/system/clause/privacy.html", methods=["GET"])
@public
def privacy():
    """The privacy policy page (linked from the login page as ``login.privacy_url``)."""
    return _clause("privacy")


@pages.route("/api/system/clause/terms_service.html", methods=["GET"])
@public
def terms_service():
    """The terms of service page (linked from the login page as ``login.clause_url``)."""
    return _clause("terms_service")


def _dist() -> Path | None:
    """The built SPA folder (config ``SPA_DIST``) when it holds an ``index.html``."""
    value = current_app.config.get("SPA_DIST")
    if not value:
        return None
    root = Path(value).resolve()
    return root if (root / "index.html").is_file() else None


def _at_root() -> bool:
    value = current_app.config.get("SPA_AT_ROOT")
    return value.strip().lower() in TRUE_TEXTS if isinstance(value, str) else bool(value)


def _spa_file(path: str) -> Response:
    """One file of the built SPA, with cache headers by kind."""
    root = _dist()
    if root is None or not _segments_ok(path):
        raise NotFound()
    extra = {"mimetype": "text/plain"} if path == "version-build" else {}
    response = send_from_directory(root, path, **extra)
    # index.html and version-build name the current build; hashed assets never change
    response.headers["Cache-Control"] = IMMUTABLE if path.startswith("assets/") else NO_CACHE
    return _nosniff(response)


@pages.route("/web/", methods=["GET"])
@public
def spa_index():
    """The SPA's ``index.html``."""
    return _spa_file("index.html")


@pages.route("/web/<path:path>", methods=["GET"])
@public
def spa_file(path: str):
    """A file of the built SPA (assets, ``version-build``, favicon …)."""
    return _spa_file(path)


def _root_only(path: str) -> Response:
    if not _at_root():
        raise NotFound()
    return _spa_file(path)


@pages.route("/", methods=["GET"])
@public
def root_index():
    """The SPA at the site root (config ``SPA_AT_ROOT``)."""
    return _root_only("index.html")


@pages.route("/index.html", methods=["GET"])
@public
def root_index_html():
    """``/index.html`` at the site root."""
    return _root_only("index.html")


@pages.route("/assets/<path:path>", methods=["GET"])
@public
def root_assets(path: str):
    """The SPA's hashed assets at the site root."""
    return _root_only(f"assets/{path}")


@pages.route("/favicon.ico", methods=["GET"])
@public
def root_favicon():
    """The SPA's favicon at the site root."""
    return _root_only("favicon.ico")


@pages.route("/version-build", methods=["GET"])
@public
def root_version_build():
    """The build stamp the SPA fetches before every navigation (spa-client §2)."""
    return _root_only("version-build")


def register(app: Flask) -> None:
    """Mount these routes on ``app``."""
    app.register_blueprint(pages)
