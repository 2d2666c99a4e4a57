"""The ``ApiWhiteList`` model (table ``api_white_list``)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import CoreModel, table_name
from app.extensions import db


class ApiWhiteList(db.Model, CoreModel):
    """An API pattern any authenticated user may call without a button grant."""

    __tablename__ = table_name("api_white_list")

    wire_name = "ApiWhiteList"
    verbose_name = "接口白名单"

    # A regex-like pattern; ``{id}`` stands for one path segment.
    url: Mapped[str] = mapped_column(sa.String(200), info={"label": "url"})
    # 0 GET, 1 POST, 2 PUT, 3 DELETE.
    method: Mapped[int | None] = mapped_column(sa.Integer, default=0, info={"label": "接口请求方法"})
    # False skips the data-scope filter for matching requests.
    enable_datasource: Mapped[bool] = mapped_column(
        sa.Boolean(create_constraint=False), default=True, info={"label": "激活数据权限"}
    )
