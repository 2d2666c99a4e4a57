"""Message center: messages, their recipients (receipts) and read flags.

A message goes to explicit users (``target_type`` 0), the members of roles (1), the users of
depts (2) or every active user (3). Recipients are resolved by the database in one
``INSERT … SELECT`` into ``message_center_target_user`` (``is_read`` false), whatever their
number. A non-superuser reaches only users within the data scope of the button that allowed the
request: explicit users and depts outside it are refused, role members and "everyone" are
narrowed to it (differences #12, #14).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from app.core import envelope
from app.core.auth import current_user
from app.core.crud import MSG_NOT_FOUND, Resource
from app.core.datascope import reachable_depts, scope_clause
from app.core.errors import ApiError
from app.core.listing import apply_filters, apply_ordering, auto_filter_spec, page_args, paginate
from app.core.permissions import current_access
from app.core.serialize import stamp_core_fields
from app.core.timeutil import local_now
from app.extensions import db
from blueprints.dept.models import Dept
from blueprints.message.models import (
    MessageCenter,
    MessageCenterTargetUser,
    message_center_target_dept,
    message_center_target_role,
)
from blueprints.message.schemas import MessageCreateSchema, MessageUpdateSchema
from blueprints.role.models import Role
from blueprints.user.models import User, users_role

Receipt = MessageCenterTargetUser
MSG_OUT_OF_SCOPE = "不能向数据权限范围外的{what}发送消息"
TARGET_FIELDS = {0: "target_user", 1: "target_role", 2: "target_dept"}
TARGET_LABELS = {"target_user": "目标用户", "target_role": "目标角色", "target_dept": "目标部门"}


@dataclass
class Targets:
    """Whom a message goes to: its type, the chosen ids, and the caller's reach (None: any)."""

    target_type: int
    users: list[int]
    roles: list[int]
    depts: list[int]
    reach: set[int] | None

    def recipients(self) -> sa.Select:
        """``SELECT users.id`` of every recipient (each user once)."""
        stmt = sa.select(User.id)
        if self.target_type == 0:
            stmt = stmt.where(User.id.in_(self.users or [-1]))
        elif self.target_type == 1:
            members = sa.select(users_role.c.users_id).where(users_role.c.role_id.in_(self.roles or [-1]))
            stmt = stmt.where(User.id.in_(members))
        elif self.target_type == 2:
            stmt = stmt.where(User.dept_id.in_(self.depts or [-1]))
        else:
            stmt = stmt.where(User.is_active.is_(True))
        if self.reach is not None:
            stmt = stmt.where(User.dept_id.in_(sorted(self.reach) or [-1]))
        return stmt


def _unique(ids: Sequence[int] | None) -> list[int]:
    return list(dict.fromkeys(ids or []))


def _refuse(field: str, text: str) -> ApiError:
    return ApiError(f"{TARGET_LABELS[field]}:{text}")


def resolve_targets(data: dict[str, Any], current: MessageCenter | None = None) -> Targets:
    """Check the targets of a create or update: they exist, and explicit ones are within reach."""
    target_type = data.get("target_type")
    if target_type is None:
        target_type = current.target_type if current is not None else 0
    chosen = {name: _unique(data.get(name)) for name in TARGET_LABELS}
    field = TARGET_FIELDS.get(target_type)
    if field is not None and not chosen[field]:
        raise _refuse(field, "该字段是必填项。")
    reach = reachable_depts(current_access())
    if target_type == 0:
        found = dict(
            db.session.execute(sa.select(User.id, User.dept_id).where(User.id.in_(chosen[field]))).all()
        )
        _check_exist(field, chosen[field], found)
        if reach is not None and any(found[i] not in reach for i in chosen[field]):
            raise _refuse(field, MSG_OUT_OF_SCOPE.format(what="用户"))
    elif target_type == 1:
        found = set(db.session.execute(sa.select(Role.id).where(Role.id.in_(chosen[field]))).scalars())
        _check_exist(field, chosen[field], found)
    elif target_type == 2:
        found = set(db.session.execute(sa.select(Dept.id).where(Dept.id.in_(chosen[field]))).scalars())
        _check_exist(field, chosen[field], found)
        if reach is not None and not set(chosen[field]) <= reach:
            raise _refuse(field, MSG_OUT_OF_SCOPE.format(what="部门"))
    return Targets(
        target_type=target_type,
        users=chosen["target_user"] if target_type == 0 else [],
        roles=chosen["target_role"] if target_type == 1 else [],
        depts=chosen["target_dept"] if target_type == 2 else [],
        reach=reach,
    )


def _check_exist(field: str, wanted: list[int], found: Any) -> None:
    for target_id in wanted:
        if target_id not in found:
            raise _refuse(field, f"无效主键 “{target_id}” - 对象不存在。")


def write_targets(message: MessageCenter, targets: Targets, *, replacing: bool) -> None:
    """Store the role/dept links and the receipts, in a fixed number of statements.

    On update, receipts of users who are still recipients keep their read flag; the others go.
    """
    links = {
        message_center_target_role: ("role_id", targets.roles),
        message_center_target_dept: ("dept_id", targets.depts),
    }
    for table, (column, ids) in links.items():
        if replacing:
            db.session.execute(sa.delete(table).where(table.c.messagecenter_id == message.id))
        if ids:
            db.session.execute(sa.insert(table), [{"messagecenter_id": message.id, column: i} for i in ids])
    recipients = targets.recipients()
    if replacing:
        db.session.execute(
            sa.delete(Receipt).where(
                Receipt.messagecenter_id == message.id, Receipt.users_id.not_in(recipients)
            )
        )
        already = sa.select(Receipt.users_id).where(Receipt.messagecenter_id == message.id)
        recipients = recipients.where(User.id.not_in(already))
    user = current_user()
    now = local_now()
    columns = {
        "is_read": False,
        "messagecenter_id": message.id,
        "creator_id": user.id,
        "modifier": str(user.id),
        "dept_belong_id": message.dept_belong_id,
        "create_datetime": now,
        "update_datetime": now,
    }
    table = Receipt.__table__
    select = recipients.with_only_columns(
        *(sa.literal(value, type_=table.c[name].type).label(name) for name, value in columns.items()),
        User.id.label("users_id"),
    )
    db.session.execute(sa.insert(Receipt).from_select([*columns, "users_id"], select))


def target_details(
    messages: Sequence[MessageCenter], links: dict[str, dict[int, list[int]]]
) -> dict[str, Any]:
    """Users of type-0 messages and the roles/depts of all, in at most three queries."""
    explicit = [m.id for m in messages if m.target_type == 0]
    users: dict[int, list[dict[str, Any]]] = {i: [] for i in explicit}
    if explicit:
        rows = db.session.execute(
            sa.select(Receipt.messagecenter_id, User.id, User.username, User.name)
            .join(User, User.id == Receipt.users_id)
            .where(Receipt.messagecenter_id.in_(explicit))
            .order_by(Receipt.id)
        )
        seen: set[tuple[int, int]] = set()
        for message_id, user_id, username, name in rows:
            if (message_id, user_id) not in seen:
                seen.add((message_id, user_id))
                users[message_id].append({"id": user_id, "username": username, "name": name})
    role_ids = {i for ids in links["target_role"].values() for i in ids}
    dept_ids = {i for ids in links["target_dept"].values() for i in ids}
    roles = {}
    if role_ids:
        roles = {
            r.id: {"id": r.id, "name": r.name, "key": r.key}
            for r in db.session.execute(sa.select(Role.id, Role.name, Role.key).where(Role.id.in_(role_ids)))
        }
    depts = {}
    if dept_ids:
        depts = {
            d.id: {"id": d.id, "name": d.name, "parent": d.parent_id}
            for d in db.session.execute(
                sa.select(Dept.id, Dept.name, Dept.parent_id).where(Dept.id.in_(dept_ids))
            )
        }
    return {"users": users, "roles": roles, "depts": depts}


class MessageResource(Resource):
    """Messages: targets on every row, recipients resolved on write, receipts deleted with them."""

    def to_dicts(self, rows: Sequence[MessageCenter]) -> list[dict[str, Any]]:
        """Columns, target id lists and brief target objects, in a fixed number of queries."""
        dicts = super().to_dicts(rows)
        if not rows:
            return dicts
        links = {
            name: {row.id: out[name] for row, out in zip(rows, dicts, strict=True)}
            for name in ("target_role", "target_dept")
        }
        details = target_details(rows, links)
        for row, out in zip(rows, dicts, strict=True):
            explicit = details["users"].get(row.id, [])
            out["user_info"] = explicit
            out["target_user"] = [u["id"] for u in explicit]
            out["role_info"] = [details["roles"][i] for i in out["target_role"] if i in details["roles"]]
            out["dept_info"] = [details["depts"][i] for i in out["target_dept"] if i in details["depts"]]
        return dicts

    def create(self, data: dict[str, Any] | list[dict[str, Any]]) -> list[MessageCenter]:
        """Create a message and its receipts."""
        item = data if isinstance(data, dict) else data[0]
        self.check_columns(None, item)
        targets = resolve_targets(item)
        message = MessageCenter(
            title=item["title"],
            content=item["content"],
            target_type=targets.target_type,
            description=item.get("description"),
        )
        stamp_core_fields(message, current_user(), creating=True)
        db.session.add(message)
        db.session.flush()
        write_targets(message, targets, replacing=False)
        db.session.commit()
        return [message]

    def update(self, obj_id: int, data: dict[str, Any]) -> MessageCenter:
        """Update a message; when targets are given, its recipients follow them."""
        message = self.get_or_400(obj_id)
        self.check_columns(message, data)
        retarget = any(name in data for name in ("target_type", *TARGET_LABELS))
        targets = resolve_targets(self._merged_targets(message, data), message) if retarget else None
        for name in ("title", "content", "description"):
            if name in data:
                setattr(message, name, data[name])
        if targets is not None:
            message.target_type = targets.target_type
        stamp_core_fields(message, current_user(), creating=False)
        db.session.flush()
        if targets is not None:
            write_targets(message, targets, replacing=True)
        db.session.commit()
        return message

    def _merged_targets(self, message: MessageCenter, data: dict[str, Any]) -> dict[str, Any]:
        """The update's targets, with lists left out taken from the stored message."""
        merged = dict(data)
        links = self.to_dicts([message])[0]
        for name in TARGET_LABELS:
            if name not in merged:
                merged[name] = links[name]
        return merged

    def delete(self, objs: Sequence[MessageCenter]) -> None:
        """Delete messages with their receipts and target links, a fixed number of statements."""
        ids = [obj.id for obj in objs]
        if ids:
            db.session.execute(sa.delete(Receipt).where(Receipt.messagecenter_id.in_(ids)))
            for table in (message_center_target_role, message_center_target_dept):
                db.session.execute(sa.delete(table).where(table.c.messagecenter_id.in_(ids)))
            db.session.execute(
                sa.delete(MessageCenter)
                .where(MessageCenter.id.in_(ids))
                .execution_options(synchronize_session="fetch")
            )
        db.session.commit()

    # ---- lists -------------------------------------------------------------------------

    def list_response(self):
        """Messages I created, within my data scope (as the original)."""
        spec = self.visible_filters()
        stmt = self.query().where(MessageCenter.creator_id == current_user().id)
        stmt = apply_ordering(apply_filters(stmt, spec), spec)
        args = page_args()
        rows, total = paginate(db.session, stmt, args)
        return envelope.paged(self.serialize(rows), page=args.page, limit=args.limit, total=total)

    def received_response(self):
        """Messages I am a recipient of, each with my ``is_read``."""
        user = current_user()
        spec = self.visible_filters()
        mine = sa.select(Receipt.messagecenter_id).where(Receipt.users_id == user.id)
        stmt = sa.select(MessageCenter).where(MessageCenter.id.in_(mine))
        stmt = apply_ordering(apply_filters(stmt, spec), spec)
        args = page_args()
        rows, total = paginate(db.session, stmt, args)
        return envelope.paged(self.received(rows), page=args.page, limit=args.limit, total=total)

    def received(self, rows: Sequence[MessageCenter]) -> list[dict[str, Any]]:
        """Wire dicts of received messages with my read flag (one query for the flags)."""
        dicts = self.serialize(rows)
        if not rows:
            return dicts
        flags: dict[int, bool] = {}
        for message_id, is_read in db.session.execute(
            sa.select(Receipt.messagecenter_id, Receipt.is_read).where(
                Receipt.users_id == current_user().id, Receipt.messagecenter_id.in_([r.id for r in rows])
            )
        ):
            # duplicate receipts (possible in an adopted database): unread if any is unread
            flags[message_id] = flags.get(message_id, True) and bool(is_read)
        for row, out in zip(rows, dicts, strict=True):
            out["is_read"] = flags.get(row.id, False)
        return dicts

    def newest_received(self) -> dict[str, Any] | None:
        """The message of my most recent receipt, with my ``is_read``; None when I have none."""
        row = db.session.execute(
            sa.select(MessageCenter)
            .join(Receipt, Receipt.messagecenter_id == MessageCenter.id)
            .where(Receipt.users_id == current_user().id)
            .order_by(Receipt.create_datetime.desc(), Receipt.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        return None if row is None else self.received([row])[0]

    # ---- one message -------------------------------------------------------------------

    def retrieve(self, obj_id: int) -> MessageCenter:
        """Retrieve reads the message: see :meth:`read_one`."""
        return self.read_one(obj_id)

    def read_one(self, obj_id: int) -> MessageCenter:
        """A message in my data scope or sent to me; marks my receipt read (as the original)."""
        if not 0 < obj_id < 2**63:
            raise ApiError(MSG_NOT_FOUND, 400)
        user = current_user()
        received = sa.select(Receipt.messagecenter_id).where(Receipt.users_id == user.id)
        stmt = sa.select(MessageCenter).where(MessageCenter.id == obj_id)
        clause = scope_clause(current_access(), MessageCenter)
        if clause is not None:
            stmt = stmt.where(sa.or_(clause, MessageCenter.id.in_(received)))
        message = db.session.execute(stmt).scalar_one_or_none()
        if message is None:
            raise ApiError(MSG_NOT_FOUND, 400)
        updated = db.session.execute(
            sa.update(Receipt)
            .where(
                Receipt.messagecenter_id == obj_id, Receipt.users_id == user.id, Receipt.is_read.is_not(True)
            )
            .values(is_read=True, update_datetime=local_now())
            .execution_options(synchronize_session=False)
        )
        if updated.rowcount:
            db.session.commit()
        return message


resource = MessageResource(
    model=MessageCenter,
    filters=auto_filter_spec(MessageCenter),
    create_schema=MessageCreateSchema,
    update_schema=MessageUpdateSchema,
    m2m={
        "target_role": (message_center_target_role, "messagecenter_id", "role_id"),
        "target_dept": (message_center_target_dept, "messagecenter_id", "dept_id"),
    },
)
