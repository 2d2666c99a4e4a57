"""The ``OperationLog`` and ``LoginLog`` models."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import CoreModel, LongText, table_name
from app.extensions import db


class OperationLog(db.Model, CoreModel):
    """One logged API request (written by the operation-log middleware)."""

    __tablename__ = table_name("system_operation_log")
    # Project indexes (revision 0003) for lists, data scope and unread counts.
    __table_args__ = (
        sa.Index(f"ix_{__tablename__}_created", "create_datetime"),
        sa.Index(f"ix_{__tablename__}_dept_belong", "dept_belong_id"),
    )

    wire_name = "OperationLog"
    verbose_name = "操作日志"

    request_modular: Mapped[str | None] = mapped_column(sa.String(64), info={"label": "请求模块"})
    request_path: Mapped[str | None] = mapped_column(sa.String(400), info={"label": "请求地址"})
    request_body: Mapped[str | None] = mapped_column(LongText, info={"label": "请求参数"})
    request_method: Mapped[str | None] = mapped_column(sa.String(8), info={"label": "请求方式"})
    request_msg: Mapped[str | None] = mapped_column(LongText, info={"label": "操作说明"})
    request_ip: Mapped[str | None] = mapped_column(sa.String(32), info={"label": "请求ip地址"})
    request_browser: Mapped[str | None] = mapped_column(sa.String(64), info={"label": "请求浏览器"})
    response_code: Mapped[str | None] = mapped_column(sa.String(32), info={"label": "响应状态码"})
    request_os: Mapped[str | None] = mapped_column(sa.String(64), info={"label": "操作系统"})
    json_result: Mapped[str | None] = mapped_column(LongText, info={"label": "返回信息"})
    status: Mapped[bool] = mapped_column(
        sa.Boolean(create_constraint=False), default=False, info={"label": "响应状态"}
    )


class LoginLog(db.Model, CoreModel):
    """One login attempt: successful ones as the original, failed ones as the project adds."""

    __tablename__ = table_name("system_login_log")
    # Project indexes (revision 0003) for lists, data scope and unread counts.
    __table_args__ = (sa.Index(f"ix_{__tablename__}_created", "create_datetime"),)

    wire_name = "LoginLog"
    verbose_name = "登录日志"

    # Widened from varchar(32) by revision 0002 (decisions #15).
    username: Mapped[str | None] = mapped_column(sa.String(150), info={"label": "登录用户名"})
    ip: Mapped[str | None] = mapped_column(sa.String(64), info={"label": "登录ip"})
    agent: Mapped[str | None] = mapped_column(LongText, info={"label": "agent信息"})
    browser: Mapped[str | None] = mapped_column(sa.String(200), info={"label": "浏览器名"})
    os: Mapped[str | None] = mapped_column(sa.String(200), info={"label": "操作系统"})
    continent: Mapped[str | None] = mapped_column(sa.String(50), info={"label": "州"})
    country: Mapped[str | None] = mapped_column(sa.String(50), info={"label": "国家"})
    province: Mapped[str | None] = mapped_column(sa.String(50), info={"label": "省份"})
    city: Mapped[str | None] = mapped_column(sa.String(50), info={"label": "城市"})
    district: Mapped[str | None] = mapped_column(sa.String(50), info={"label": "县区"})
    isp: Mapped[str | None] = mapped_column(sa.String(50), info={"label": "运营商"})
    area_code: Mapped[str | None] = mapped_column(sa.String(50), info={"label": "区域代码"})
    country_english: Mapped[str | None] = mapped_column(sa.String(50), info={"label": "英文全称"})
    country_code: Mapped[str | None] = mapped_column(sa.String(50), info={"label": "简称"})
    longitude: Mapped[str | None] = mapped_column(sa.String(50), info={"label": "经度"})
    latitude: Mapped[str | None] = mapped_column(sa.String(50), info={"label": "纬度"})
    # 1 normal login, 2 WeChat QR login.
    login_type: Mapped[int] = mapped_column(sa.Integer, default=1, info={"label": "登录类型"})
    # Project additions (revision 0002): NULL on rows the original wrote (all successes).
    status: Mapped[bool | None] = mapped_column(
        sa.Boolean(create_constraint=False), info={"label": "登录状态"}
    )
    msg: Mapped[str | None] = mapped_column(sa.String(255), info={"label": "登录信息"})
