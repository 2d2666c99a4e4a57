"""The ``Menu``, ``MenuButton`` and ``MenuField`` models."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from app.core.models import CoreModel, table_name
from app.extensions import db


def _flag(default: bool, label: str) -> Mapped[bool]:
    """A NOT NULL tinyint(1) flag with a Python-side default (the original has no server default)."""
    return mapped_column(sa.Boolean(create_constraint=False), default=default, info={"label": label})


class Menu(db.Model, CoreModel):
    """A menu entry (catalog or page) of the SPA's sidebar."""

    __tablename__ = table_name("system_menu")

    wire_name = "Menu"
    verbose_name = "菜单表"

    icon: Mapped[str | None] = mapped_column(sa.String(64), info={"label": "菜单图标"})
    name: Mapped[str] = mapped_column(sa.String(64), info={"label": "菜单名称"})
    sort: Mapped[int | None] = mapped_column(sa.Integer, default=1, info={"label": "显示排序"})
    is_link: Mapped[bool] = _flag(False, "是否外链")
    link_url: Mapped[str | None] = mapped_column(sa.String(255), info={"label": "链接地址"})
    is_catalog: Mapped[bool] = _flag(False, "是否目录")
    web_path: Mapped[str | None] = mapped_column(sa.String(128), info={"label": "路由地址"})
    component: Mapped[str | None] = mapped_column(sa.String(128), info={"label": "组件地址"})
    component_name: Mapped[str | None] = mapped_column(sa.String(50), info={"label": "组件名称"})
    status: Mapped[bool] = _flag(True, "菜单状态")
    cache: Mapped[bool] = _flag(False, "是否页面缓存")
    visible: Mapped[bool] = _flag(True, "侧边栏中是否显示")
    is_iframe: Mapped[bool] = _flag(False, "框架外显示")
    is_affix: Mapped[bool] = _flag(False, "是否固定")
    parent_id: Mapped[int | None] = mapped_column(sa.BigInteger, index=True, info={"label": "上级菜单"})

    # No database foreign key (the original has none), so the join is spelled out.
    parent: Mapped[Menu | None] = relationship(
        "Menu",
        primaryjoin=lambda: foreign(Menu.parent_id) == Menu.id,
        remote_side=lambda: Menu.id,
    )


class MenuButton(db.Model, CoreModel):
    """A button/API permission of a menu: a permission code plus the API it unlocks."""

    __tablename__ = table_name("system_menu_button")

    wire_name = "MenuButton"
    verbose_name = "菜单权限表"

    name: Mapped[str] = mapped_column(sa.String(64), info={"label": "名称"})
    value: Mapped[str] = mapped_column(sa.String(64), unique=True, info={"label": "权限值"})
    api: Mapped[str] = mapped_column(sa.String(200), info={"label": "接口地址"})
    method: Mapped[int | None] = mapped_column(sa.Integer, default=0, info={"label": "接口请求方法"})
    menu_id: Mapped[int] = mapped_column(sa.BigInteger, index=True, info={"label": "关联菜单"})

    menu: Mapped[Menu] = relationship(Menu, primaryjoin=lambda: foreign(MenuButton.menu_id) == Menu.id)


class MenuField(db.Model, CoreModel):
    """A model field listed under a menu, the unit of field permissions."""

    __tablename__ = table_name("system_menu_field")

    wire_name = "MenuField"
    verbose_name = "菜单字段表"

    # The model's wire class name (``Users``, ``Role``…), not the Python class name (traps #15).
    model: Mapped[str] = mapped_column(sa.String(64), info={"label": "表名"})
    field_name: Mapped[str] = mapped_column(sa.String(64), info={"label": "模型表字段名"})
    title: Mapped[str] = mapped_column(sa.String(64), info={"label": "字段显示名"})
    menu_id: Mapped[int] = mapped_column(sa.BigInteger, index=True, info={"label": "菜单"})

    menu: Mapped[Menu] = relationship(Menu, primaryjoin=lambda: foreign(MenuField.menu_id) == Menu.id)
