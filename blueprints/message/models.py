"""The ``MessageCenter`` and ``MessageCenterTargetUser`` models and the target tables."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from app.core.models import CoreModel, LongText, table_name
from app.extensions import db
from blueprints.dept.models import Dept
from blueprints.role.models import Role
from blueprints.user.models import User


def _target_table(name: str, right: str) -> sa.Table:
    """Build a message target table: own int id, the two ids, unique pair."""
    return sa.Table(
        table_name(name),
        db.metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("messagecenter_id", sa.BigInteger, nullable=False, index=True),
        sa.Column(right, sa.BigInteger, nullable=False, index=True),
        sa.UniqueConstraint("messagecenter_id", right),
    )


message_center_target_dept = _target_table("message_center_target_dept", "dept_id")
message_center_target_role = _target_table("message_center_target_role", "role_id")


class MessageCenter(db.Model, CoreModel):
    """A message sent to users, roles, depts or everyone."""

    __tablename__ = table_name("message_center")

    wire_name = "MessageCenter"
    verbose_name = "消息中心"

    title: Mapped[str] = mapped_column(sa.String(100), info={"label": "标题"})
    # HTML from the SPA's rich editor.
    content: Mapped[str] = mapped_column(LongText, info={"label": "内容"})
    # 0 users, 1 roles, 2 depts, 3 everyone.
    target_type: Mapped[int] = mapped_column(sa.Integer, default=0, info={"label": "目标类型"})

    # No database foreign keys (the original has none), so every join is spelled out.
    target_dept: Mapped[list[Dept]] = relationship(
        Dept,
        secondary=message_center_target_dept,
        primaryjoin=lambda: MessageCenter.id == foreign(message_center_target_dept.c.messagecenter_id),
        secondaryjoin=lambda: Dept.id == foreign(message_center_target_dept.c.dept_id),
        info={"label": "目标部门"},
    )
    target_role: Mapped[list[Role]] = relationship(
        Role,
        secondary=message_center_target_role,
        primaryjoin=lambda: MessageCenter.id == foreign(message_center_target_role.c.messagecenter_id),
        secondaryjoin=lambda: Role.id == foreign(message_center_target_role.c.role_id),
        info={"label": "目标角色"},
    )
    # Read-only: target rows carry is_read and audit columns, so they are written as objects.
    target_user: Mapped[list[User]] = relationship(
        User,
        secondary=lambda: MessageCenterTargetUser.__table__,
        primaryjoin=lambda: MessageCenter.id == foreign(MessageCenterTargetUser.messagecenter_id),
        secondaryjoin=lambda: User.id == foreign(MessageCenterTargetUser.users_id),
        viewonly=True,
        info={"label": "目标用户"},
    )


class MessageCenterTargetUser(db.Model, CoreModel):
    """A message's delivery to one user, with its read flag."""

    __tablename__ = table_name("message_center_target_user")
    # Project indexes (revision 0003) for lists, data scope and unread counts.
    __table_args__ = (sa.Index(f"ix_{__tablename__}_unread", "users_id", "is_read"),)

    wire_name = "MessageCenterTargetUser"
    verbose_name = "消息中心目标用户表"

    is_read: Mapped[bool | None] = mapped_column(
        sa.Boolean(create_constraint=False), default=False, info={"label": "是否已读"}
    )
    messagecenter_id: Mapped[int] = mapped_column(sa.BigInteger, index=True, info={"label": "关联消息中心表"})
    users_id: Mapped[int] = mapped_column(sa.BigInteger, index=True, info={"label": "关联用户表"})

    messagecenter: Mapped[MessageCenter] = relationship(
        MessageCenter,
        primaryjoin=lambda: foreign(MessageCenterTargetUser.messagecenter_id) == MessageCenter.id,
    )
    users: Mapped[User] = relationship(
        User, primaryjoin=lambda: foreign(MessageCenterTargetUser.users_id) == User.id
    )
