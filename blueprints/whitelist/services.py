"""API whitelist: rows any logged-in user may call without a button (contract §5.1).

Whitelisting a URL opens it to everybody, so every write is for superusers only (differences
#12); reads need the button as usual. The rows are compiled into the grants, so every write
invalidates them everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from app.core.auth import current_user
from app.core.crud import Resource
from app.core.errors import ApiError
from app.core.listing import auto_filter_spec
from app.core.permissions import api_key, bump_permission_version
from app.extensions import db
from blueprints.whitelist.models import ApiWhiteList
from blueprints.whitelist.schemas import ApiWhiteListCreateSchema, ApiWhiteListUpdateSchema

MSG_SUPERUSER_ONLY = "只有超级管理员可以修改接口白名单"
MSG_DUPLICATE = "url:该接口与请求方法已在白名单中"


def require_superuser() -> None:
    """Refuse (code 4000) a whitelist write by anyone but a superuser."""
    user = current_user()
    if user is None or not user.is_superuser:
        raise ApiError(MSG_SUPERUSER_ONLY)


class WhiteListResource(Resource):
    """Whitelist rows: unique per (url, method), every write superuser-only and recompiled."""

    def validate_write(self, obj: ApiWhiteList | None, data: dict[str, Any], *, creating: bool) -> None:
        """Superusers only; the same url (ignoring case and placeholder names) and method once."""
        require_superuser()
        url = data.get("url", obj.url if obj is not None else None)
        method = data.get("method", obj.method if obj is not None else 0)
        if url is None:
            return
        key = api_key(url)
        stmt = sa.select(ApiWhiteList.id, ApiWhiteList.url).where(
            sa.func.coalesce(ApiWhiteList.method, 0) == (method or 0)
        )
        if obj is not None:
            stmt = stmt.where(ApiWhiteList.id != obj.id)
        # rows created earlier in the same bulk request are flushed, so this query sees them
        if any(api_key(other or "") == key for _id, other in db.session.execute(stmt)):
            raise ApiError(MSG_DUPLICATE)

    def create(self, data: dict[str, Any] | list[dict[str, Any]]) -> list[Any]:
        """Create, then recompile the grants."""
        require_superuser()
        created = super().create(data)
        bump_permission_version()
        return created

    def update(self, obj_id: int, data: dict[str, Any]) -> Any:
        """Update, then recompile the grants."""
        require_superuser()
        obj = super().update(obj_id, data)
        bump_permission_version()
        return obj

    def before_delete(self, objs: Sequence[Any]) -> None:
        """Superusers only."""
        require_superuser()

    def delete(self, objs: Sequence[Any]) -> None:
        """Delete, then recompile the grants."""
        super().delete(objs)
        bump_permission_version()


resource = WhiteListResource(
    model=ApiWhiteList,
    filters=auto_filter_spec(ApiWhiteList),
    create_schema=ApiWhiteListCreateSchema,
    update_schema=ApiWhiteListUpdateSchema,
)
