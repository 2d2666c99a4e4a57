"""The ``User`` and ``Post`` models and the user association tables."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from app.core.models import CoreModel, DateTime6, table_name
from app.core.timeutil import local_now
from app.extensions import db
from blueprints.dept.models import Dept
from blueprints.role.models import Role


def _m2m_table(name: str, left: str, right: str, right_type: sa.types.TypeEngine) -> sa.Table:
    """Build a Django many-to-many table: own int id, the two ids, unique pair."""
    return sa.Table(
        table_name(name),
        db.metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(left, sa.BigInteger, nullable=False),
        sa.Column(right, right_type, nullable=False),
        sa.UniqueConstraint(left, right),
    )


users_role = _m2m_table("system_users_role", "users_id", "role_id", sa.BigInteger())
sa.Index(None, users_role.c.users_id)
sa.Index(None, users_role.c.role_id)

users_post = _m2m_table("system_users_post", "users_id", "post_id", sa.BigInteger())
sa.Index(None, users_post.c.users_id)
sa.Index(None, users_post.c.post_id)

# Django's auth M2Ms: unused, kept so the schema matches the original's.
users_groups = _m2m_table("system_users_groups", "users_id", "group_id", sa.Integer())
sa.Index(None, users_groups.c.group_id)

users_user_permissions = _m2m_table(
    "system_users_user_permissions", "users_id", "permission_id", sa.Integer()
)
sa.Index(None, users_user_permissions.c.permission_id)


def _default_name(context: sa.engine.interfaces.ExecutionContext) -> str:
    """Fall back to the username, as the original's ``Users.save()`` does for an empty name."""
    return context.get_current_parameters().get("username") or ""


class Post(db.Model, CoreModel):
    """A job post; no API exposes it, but users reference it."""

    __tablename__ = table_name("system_post")

    wire_name = "Post"
    verbose_name = "岗位表"

    name: Mapped[str] = mapped_column(sa.String(64), info={"label": "岗位名称"})
    code: Mapped[str] = mapped_column(sa.String(32), info={"label": "岗位编码"})
    sort: Mapped[int] = mapped_column(sa.Integer, default=1, info={"label": "岗位顺序"})
    status: Mapped[int] = mapped_column(sa.Integer, default=1, info={"label": "岗位状态"})


class User(db.Model, CoreModel):
    """A back-office or front-end user (the original's ``Users``, a Django ``AbstractUser``)."""

    __tablename__ = table_name("system_users")
    # Project indexes (revision 0003) for lists, data scope and unread counts.
    __table_args__ = (
        sa.Index(f"ix_{__tablename__}_dept_belong", "dept_belong_id"),
        sa.Index(f"ix_{__tablename__}_created", "create_datetime"),
    )

    wire_name = "Users"
    verbose_name = "用户表"

    # Django AbstractUser columns: NOT NULL without database defaults (traps #8).
    password: Mapped[str] = mapped_column(sa.String(128), default="", info={"label": "密码"})
    last_login: Mapped[datetime | None] = mapped_column(DateTime6, info={"label": "上次登录"})
    is_superuser: Mapped[bool] = mapped_column(
        sa.Boolean(create_constraint=False), default=False, info={"label": "超级用户状态"}
    )
    first_name: Mapped[str] = mapped_column(sa.String(150), default="", info={"label": "名字"})
    last_name: Mapped[str] = mapped_column(sa.String(150), default="", info={"label": "姓氏"})
    is_staff: Mapped[bool] = mapped_column(
        sa.Boolean(create_constraint=False), default=False, info={"label": "工作人员状态"}
    )
    is_active: Mapped[bool] = mapped_column(
        sa.Boolean(create_constraint=False), default=True, info={"label": "有效"}
    )
    date_joined: Mapped[datetime] = mapped_column(DateTime6, default=local_now, info={"label": "加入日期"})

    # Unique ignoring case on MariaDB only (utf8mb4_general_ci); services check case-insensitively.
    username: Mapped[str] = mapped_column(sa.String(150), unique=True, info={"label": "用户账号"})
    email: Mapped[str | None] = mapped_column(sa.String(255), info={"label": "邮箱"})
    mobile: Mapped[str | None] = mapped_column(sa.String(255), info={"label": "电话"})
    avatar: Mapped[str | None] = mapped_column(sa.String(255), info={"label": "头像"})
    name: Mapped[str] = mapped_column(sa.String(40), default=_default_name, info={"label": "姓名"})
    gender: Mapped[int | None] = mapped_column(sa.Integer, default=0, info={"label": "性别"})
    user_type: Mapped[int | None] = mapped_column(sa.Integer, default=0, info={"label": "用户类型"})
    login_error_count: Mapped[int] = mapped_column(sa.Integer, default=0, info={"label": "登录错误次数"})
    pwd_change_count: Mapped[int] = mapped_column(sa.Integer, default=0, info={"label": "密码修改次数"})
    dept_id: Mapped[int | None] = mapped_column(sa.BigInteger, index=True, info={"label": "所属部门"})
    # Project addition (revision 0002): bumped to revoke every token issued before (traps #4).
    token_version: Mapped[int | None] = mapped_column(sa.Integer, info={"label": "令牌版本"})

    # No database foreign keys (the original has none), so every join is spelled out.
    dept: Mapped[Dept | None] = relationship(
        Dept, primaryjoin=lambda: foreign(User.dept_id) == Dept.id, info={"label": "所属部门"}
    )
    role: Mapped[list[Role]] = relationship(
        Role,
        secondary=users_role,
        primaryjoin=lambda: User.id == foreign(users_role.c.users_id),
        secondaryjoin=lambda: Role.id == foreign(users_role.c.role_id),
        info={"label": "关联角色"},
    )
    post: Mapped[list[Post]] = relationship(
        Post,
        secondary=users_post,
        primaryjoin=lambda: User.id == foreign(users_post.c.users_id),
        secondaryjoin=lambda: Post.id == foreign(users_post.c.post_id),
        info={"label": "关联岗位"},
    )
