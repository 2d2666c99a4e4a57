"""User administration under ``/api/system/user/`` (contract §6.3 user; differences #7, #12, #14, #18, #29)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask import request

from app.core import envelope
from app.core.auth import current_user, revoke_user_tokens
from app.core.crud import Resource
from app.core.datascope import reachable_depts
from app.core.errors import ApiError
from app.core.listing import apply_filters, apply_ordering, auto_filter_spec, page_args, paginate
from app.core.passwords import make_hash, make_password, policy_errors
from app.core.permissions import (
    bump_permission_version,
    current_access,
    current_grants,
    role_ids,
    role_within_holdings,
)
from app.core.serialize import serialize_rows
from app.core.store import get_store
from app.extensions import db
from blueprints.dept.models import Dept
from blueprints.role.models import Role
from blueprints.user.models import Post, User, users_groups, users_post, users_role, users_user_permissions
from blueprints.user.schemas import UserCreateSchema, UserWriteSchema

MD5_HEX = re.compile(r"^[0-9a-f]{32}$")
MSG_NO_USER = "未获取到用户"


def hash_submitted_password(value: str, field: str = "password") -> str:
    """The SPA sends md5(raw) as lowercase hex: keep pbkdf2 of that; anything else is a raw
    password, checked against the policy and stored as pbkdf2(md5(raw)) (differences #9)."""
    if MD5_HEX.match(value):
        return make_hash(value)
    problem = policy_errors(value)
    if problem:
        raise ApiError(f"{field}:{problem}")
    return make_password(value)


def default_password() -> str | None:
    """System config ``base.default_password`` (None when unset)."""
    from blueprints.auth.services import config_value

    value = config_value("base", "default_password")
    return str(value) if value not in (None, "") else None


def lock_key(username: str) -> str:
    """The store key of an account's temporary lock (see blueprints.auth.services)."""
    from blueprints.auth.services import account_lock_keys

    return account_lock_keys(username)[0]


def _like(term: str) -> str:
    return f"%{term.replace('/', '//').replace('%', '/%').replace('_', '/_')}%"


def _search_dept(term: str) -> Any:
    return User.dept_id.in_(sa.select(Dept.id).where(Dept.name.ilike(_like(term), escape="/")))


def _search_role(term: str) -> Any:
    members = (
        sa.select(users_role.c.users_id)
        .join(Role, Role.id == users_role.c.role_id)
        .where(Role.name.ilike(_like(term), escape="/"))
    )
    return User.id.in_(members)


# search over username, name, dept__name and role__name (contract §2.4), each named for hiding
USER_SEARCH = [
    ("username", lambda term: User.username.ilike(_like(term), escape="/")),
    ("name", lambda term: User.name.ilike(_like(term), escape="/")),
    ("dept", _search_dept),
    ("role", _search_role),
]


class UserResource(Resource):
    """Users as the admin pages see them: superusers stay out for every caller."""

    def __init__(self) -> None:
        super().__init__(
            model=User,
            filters=auto_filter_spec(
                User,
                fk_columns=["dept_id"],
                exact_only=["name", "username", "gender", "is_active", "dept", "user_type"],
                search=USER_SEARCH,
                default_ordering=["-create_datetime"],
            ),
            create_schema=UserCreateSchema,
            update_schema=UserWriteSchema,
            fk_columns=["dept_id"],
            exclude=["password", "token_version"],
            m2m={
                "role": (users_role, "users_id", "role_id"),
                "post": (users_post, "users_id", "post_id"),
                "groups": (users_groups, "users_id", "group_id"),
                "user_permissions": (users_user_permissions, "users_id", "permission_id"),
            },
            base_filter=lambda stmt: stmt.where(User.is_superuser.is_(False)),
        )

    # ---- reading -------------------------------------------------------------------------

    def list_response(self):
        """The list, with the dept page's ``show_all=1&dept=<id>`` subtree view (data scope kept)."""
        args = request.args.copy()
        stmt = self.query()
        if args.get("show_all") == "1" and (args.get("dept") or "").strip():
            try:
                dept_id = int(args["dept"])
            except ValueError:
                raise ApiError("dept:请填写合法的整数值。") from None
            stmt = stmt.where(User.dept_id.in_(current_grants().subtree(dept_id)))
            args.pop("dept")
        spec = self.visible_filters()
        stmt = apply_ordering(apply_filters(stmt, spec, args), spec, args)
        page = page_args(args)
        rows, total = paginate(db.session, stmt, page)
        return envelope.paged(self.serialize(rows), page=page.page, limit=page.limit, total=total)

    def to_dicts(self, rows: Sequence[User]) -> list[dict[str, Any]]:
        """Every column but the password, plus dept names, role_info and the lock state."""
        dicts = serialize_rows(rows, fk_columns=self.fk_columns, exclude=self.exclude, m2m=self.m2m)
        if not rows:
            return dicts
        grants = current_grants()
        parents = grants.dept_parent
        chains: dict[int, list[int]] = {}
        for user in rows:
            if user.dept_id is not None and user.dept_id not in chains:
                chain, current, seen = [], user.dept_id, set()
                while current is not None and current not in seen:
                    seen.add(current)
                    chain.append(current)
                    current = parents.get(current)
                chains[user.dept_id] = list(reversed(chain))
        # names from the cached dept tree (every dept write bumps its version): no query
        names = grants.dept_name
        role_rows = {}
        all_roles = {r for row in dicts for r in row["role"]}
        if all_roles:
            roles = list(db.session.execute(sa.select(Role).where(Role.id.in_(all_roles))).scalars())
            role_rows = {d["id"]: d for d in serialize_rows(roles)}
        locks = get_store().mget([lock_key(user.username) for user in rows])
        for user, row, locked in zip(rows, dicts, locks, strict=True):
            chain = chains.get(user.dept_id, [])
            row["dept_name"] = names.get(user.dept_id)
            row["dept_name_all"] = "/".join(names.get(d, "") for d in chain) or None
            row["role_info"] = [role_rows[r] for r in row["role"] if r in role_rows]
            row["is_active"] = bool(user.is_active)
            row["is_locked"] = bool(locked)
        return dicts

    # ---- writing -------------------------------------------------------------------------

    def validate_write(self, obj: User | None, data: dict[str, Any], *, creating: bool) -> None:
        """Uniqueness, references, and no escalation (differences #12, #18)."""
        caller = current_user()
        username = data.get("username")
        if username is not None:
            clash = sa.select(User.id).where(sa.func.lower(User.username) == username.strip().lower())
            if obj is not None:
                clash = clash.where(User.id != obj.id)
            if db.session.execute(clash.limit(1)).first():
                raise ApiError("账号必须唯一", 400)
        if "dept" in data and data["dept"] is not None:
            self._check_dept(data["dept"], obj)
        elif creating or ("dept" in data and obj is not None and obj.dept_id is not None):
            # a caller limited to some depts cannot place a user outside every dept (#12)
            if reachable_depts(current_access()) is not None:
                raise ApiError("所属部门:该字段是必填项。")
        if "role" in data and data["role"] is not None:
            self._check_roles(caller, obj, data["role"])
        if "post" in data and data["post"]:
            found = set(db.session.execute(sa.select(Post.id).where(Post.id.in_(data["post"]))).scalars())
            if set(data["post"]) - found:
                raise ApiError("关联岗位:岗位不存在")
        for flag, label in (("is_superuser", "超级用户状态"), ("is_staff", "工作人员状态")):
            if flag in data and not caller.is_superuser:
                current = bool(getattr(obj, flag)) if obj is not None else False
                if bool(data[flag]) != current:
                    raise ApiError(f"{label}:只有超级管理员可以修改")
        if obj is not None and obj.id == caller.id and data.get("is_active") is False:
            raise ApiError("不能禁用自己的账号")

    def _check_dept(self, dept_id: int, obj: User | None) -> None:
        if db.session.get(Dept, dept_id) is None:
            raise ApiError("所属部门:部门不存在")
        if obj is not None and obj.dept_id == dept_id:
            return
        reach = reachable_depts(current_access())
        if reach is not None and dept_id not in reach:
            raise ApiError("所属部门:超出数据权限范围")

    def _check_roles(self, caller: User, obj: User | None, wanted: list[int]) -> None:
        wanted_set = set(wanted)
        found = set(db.session.execute(sa.select(Role.id).where(Role.id.in_(wanted_set))).scalars())
        if wanted_set - found:
            raise ApiError("关联角色:角色不存在")
        current = set(role_ids(obj, enabled_only=False)) if obj is not None else set()
        if obj is not None and obj.id == caller.id and wanted_set != current:
            raise ApiError("关联角色:不能修改自己的角色")
        for role_id in wanted_set - current:
            if not role_within_holdings(caller, role_id):
                raise ApiError("关联角色:不能授予超出自身权限的角色")

    def assign(self, obj: User, data: dict[str, Any], *, creating: bool) -> None:
        """Copy fields; keep dept_belong_id = dept; memberships by id; password only on create."""
        data = dict(data)
        roles = data.pop("role", None)
        posts = data.pop("post", None)
        password = data.pop("password", None)
        was_active = bool(obj.is_active) if not creating else True
        if "dept" in data:
            obj.dept_id = data.pop("dept")
            obj.dept_belong_id = str(obj.dept_id) if obj.dept_id is not None else None
        for key, value in data.items():
            setattr(obj, key, value)
        if not obj.name:
            obj.name = obj.username
        if creating:
            obj.password = hash_submitted_password(password) if password else _default_hash()
            obj.pwd_change_count = 0
        if roles is not None:
            obj.role = list(db.session.execute(sa.select(Role).where(Role.id.in_(set(roles)))).scalars())
        if posts is not None:
            obj.post = list(db.session.execute(sa.select(Post).where(Post.id.in_(set(posts)))).scalars())
        if not creating and "is_active" in data:
            if data["is_active"] and (not was_active or obj.login_error_count):
                unlock(obj)
            if not data["is_active"] and was_active:
                revoke_user_tokens(obj)

    def create(self, data):
        """Create users; memberships changed, so compiled grants are refreshed."""
        created = super().create(data)
        bump_permission_version()
        return created

    def update(self, obj_id: int, data: dict[str, Any]):
        """Update a user; memberships may have changed."""
        obj = super().update(obj_id, data)
        bump_permission_version()
        return obj

    def before_delete(self, objs: Sequence[User]) -> None:
        """Refuse deleting oneself; clear memberships, receipts and creator links (traps #7)."""
        from blueprints.message.models import MessageCenterTargetUser

        caller = current_user()
        ids = [u.id for u in objs]
        if caller.id in ids:
            raise ApiError("不能删除自己的账号")
        if not ids:
            return
        for table in (users_role, users_post, users_groups, users_user_permissions):
            db.session.execute(sa.delete(table).where(table.c.users_id.in_(ids)))
        db.session.execute(
            sa.delete(MessageCenterTargetUser).where(MessageCenterTargetUser.users_id.in_(ids))
        )
        for table in db.metadata.sorted_tables:
            if "creator_id" in table.c:
                db.session.execute(
                    sa.update(table).where(table.c.creator_id.in_(ids)).values(creator_id=None)
                )

    def delete(self, objs: Sequence[User]) -> None:
        """Delete users and refresh the compiled grants."""
        super().delete(objs)
        bump_permission_version()

    # ---- actions ---------------------------------------------------------------------------

    def get_for_action(self, obj_id: int) -> User:
        """A user the caller may reach, or 400 未获取到用户."""
        try:
            return self.get_or_400(obj_id)
        except ApiError:
            raise ApiError(MSG_NO_USER, 400) from None


def _default_hash() -> str:
    value = default_password()
    # Without a configured default the account cannot log in until an admin sets a password.
    return make_password(value) if value else ""


def unlock(user: User) -> None:
    """Clear a temporary lock and the failure count (re-enabling a user unlocks it, differences #7)."""
    from blueprints.auth.services import account_lock_keys

    user.login_error_count = 0
    get_store().delete(*account_lock_keys(user.username)[:2])


def reset_password(resource: UserResource, user_id: int, data: dict[str, Any]) -> None:
    """Set a new password chosen by an admin; the user must change it at next login (#29)."""
    user = resource.get_for_action(user_id)
    new, again = data.get("newPassword"), data.get("newPassword2")
    if not new or not again:
        raise ApiError("参数不能为空", 400)
    if new != again:
        raise ApiError("两次密码不匹配", 400)
    user.password = hash_submitted_password(new, "newPassword")
    user.pwd_change_count = 0
    revoke_user_tokens(user)
    db.session.commit()


def reset_to_default_password(resource: UserResource, user_id: int) -> None:
    """Set the configured default password (``base.default_password``), revoking tokens (#29)."""
    user = resource.get_for_action(user_id)
    value = default_password()
    if not value:
        raise ApiError("未配置默认密码（系统配置 base.default_password）", 400)
    user.password = make_password(value)
    user.pwd_change_count = 0
    revoke_user_tokens(user)
    db.session.commit()
