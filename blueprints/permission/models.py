"""Role grants: ``FieldPermission``, ``RoleMenuPermission``, ``RoleMenuButtonPermission``."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from app.core.models import CoreModel, table_name
from app.extensions import db
from blueprints.dept.models import Dept
from blueprints.menu.models import Menu, MenuButton, MenuField
from blueprints.role.models import Role

# Custom data scope (data_range 4): the depts a button grant may see.
role_menu_button_permission_dept = sa.Table(
    table_name("role_menu_button_permission_dept"),
    db.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("rolemenubuttonpermission_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("dept_id", sa.BigInteger, nullable=False, index=True),
    sa.UniqueConstraint("rolemenubuttonpermission_id", "dept_id"),
)


class FieldPermission(db.Model, CoreModel):
    """Whether a role may query, create and update one menu field."""

    __tablename__ = table_name("system_field_permission")

    wire_name = "FieldPermission"
    verbose_name = "字段权限表"

    is_query: Mapped[bool] = mapped_column(
        sa.Boolean(create_constraint=False), default=True, info={"label": "是否可查询"}
    )
    is_create: Mapped[bool] = mapped_column(
        sa.Boolean(create_constraint=False), default=True, info={"label": "是否可创建"}
    )
    is_update: Mapped[bool] = mapped_column(
        sa.Boolean(create_constraint=False), default=True, info={"label": "是否可更新"}
    )
    field_id: Mapped[int] = mapped_column(sa.BigInteger, index=True, info={"label": "字段"})
    role_id: Mapped[int] = mapped_column(sa.BigInteger, index=True, info={"label": "角色"})

    # No database foreign keys (the original has none), so every join is spelled out.
    field: Mapped[MenuField] = relationship(
        MenuField, primaryjoin=lambda: foreign(FieldPermission.field_id) == MenuField.id
    )
    role: Mapped[Role] = relationship(Role, primaryjoin=lambda: foreign(FieldPermission.role_id) == Role.id)


class RoleMenuPermission(db.Model, CoreModel):
    """A role's grant of one menu."""

    # The original's table has no "system_" part.
    __tablename__ = table_name("role_menu_permission")

    wire_name = "RoleMenuPermission"
    verbose_name = "角色菜单权限表"

    menu_id: Mapped[int] = mapped_column(sa.BigInteger, index=True, info={"label": "关联菜单"})
    role_id: Mapped[int] = mapped_column(sa.BigInteger, index=True, info={"label": "关联角色"})

    menu: Mapped[Menu] = relationship(
        Menu, primaryjoin=lambda: foreign(RoleMenuPermission.menu_id) == Menu.id
    )
    role: Mapped[Role] = relationship(
        Role, primaryjoin=lambda: foreign(RoleMenuPermission.role_id) == Role.id
    )


class RoleMenuButtonPermission(db.Model, CoreModel):
    """A role's grant of one menu button, with its data scope."""

    __tablename__ = table_name("role_menu_button_permission")

    wire_name = "RoleMenuButtonPermission"
    verbose_name = "角色按钮权限表"

    # 0 self only, 1 own dept and below, 2 own dept, 3 all, 4 custom depts.
    data_range: Mapped[int] = mapped_column(sa.Integer, default=0, info={"label": "数据权限范围"})
    menu_button_id: Mapped[int | None] = mapped_column(
        sa.BigInteger, index=True, info={"label": "关联菜单按钮"}
    )
    role_id: Mapped[int] = mapped_column(sa.BigInteger, index=True, info={"label": "关联角色"})

    menu_button: Mapped[MenuButton | None] = relationship(
        MenuButton,
        primaryjoin=lambda: foreign(RoleMenuButtonPermission.menu_button_id) == MenuButton.id,
    )
    role: Mapped[Role] = relationship(
        Role, primaryjoin=lambda: foreign(RoleMenuButtonPermission.role_id) == Role.id
    )
    dept: Mapped[list[Dept]] = relationship(
        Dept,
        secondary=role_menu_button_permission_dept,
        primaryjoin=lambda: (
            RoleMenuButtonPermission.id
            == foreign(role_menu_button_permission_dept.c.rolemenubuttonpermission_id)
        ),
        secondaryjoin=lambda: Dept.id == foreign(role_menu_button_permission_dept.c.dept_id),
        info={"label": "数据权限-关联部门"},
    )
