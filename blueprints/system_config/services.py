"""System config: groups → items, value checks by form type, the association tables, and the
``/api/init/`` bootstrap data.

Config rows keep the original's data scope by ``dept_belong_id`` on the standard routes; the
items shown under a visible group are not scoped again (as the original), and ``save_content``
may touch an item only when its group is visible. Every committed write refreshes the shared
settings cache through the session listener of :mod:`blueprints.system_config.cache`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import g, request
from flask_jwt_extended import verify_jwt_in_request
from flask_jwt_extended.exceptions import JWTExtendedException
from jwt.exceptions import PyJWTError

from app.core import envelope
from app.core.auth import current_user
from app.core.crud import Resource
from app.core.datascope import apply_scope
from app.core.errors import ApiError
from app.core.listing import (
    apply_filters,
    apply_ordering,
    auto_filter_spec,
    coerce_value,
    page_args,
    paginate,
)
from app.core.permissions import has_button, hidden_fields
from app.core.serialize import serialize_rows, stamp_core_fields
from app.core.timeutil import format_datetime
from app.extensions import db
from blueprints.system_config import cache
from blueprints.system_config.models import SystemConfig
from blueprints.system_config.schemas import FORM_ITEM_TYPES, SystemConfigWriteSchema

MSG_DUPLICATE_KEY = "已存在相同变量名"
MSG_QUERY_FAILED = "查询出错了~"
MSG_NO_RELATION = "未获取到关联信息"
DEFAULT_PASSWORD_KEY = "base.default_password"
# The route whose button (user:Create) lets a caller see the default password (differences #2).
USER_CREATE = ("POST", "/api/system/user/")
# NOT NULL columns without a database default: a null in the body keeps the stored value.
FOREIGN_KEY_TYPES = (13, 14)

CONFIG_FILTERS = auto_filter_spec(
    SystemConfig,
    fk_columns=("parent_id",),
    exact_only=("id", "parent", "status"),
    default_ordering=["sort", "create_datetime"],
)


# ---- value checks --------------------------------------------------------------------------


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def _is_id(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, str) and value != ""
    )


def _is_file_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict | str) for v in value)


# form_item_type → (does the value fit, what it must be)
_VALUE_RULES: dict[int, tuple[Any, str]] = {
    0: (lambda v: isinstance(v, str), "字符串"),
    1: (lambda v: isinstance(v, str), "日期时间字符串"),
    2: (lambda v: isinstance(v, str), "日期字符串"),
    3: (lambda v: isinstance(v, str), "字符串"),
    4: (_is_scalar, "单个选项值"),
    5: (lambda v: isinstance(v, list) and all(_is_scalar(i) for i in v), "选项值的列表"),
    6: (_is_scalar, "单个选项值"),
    7: (lambda v: isinstance(v, str) or _is_file_list(v), "图片地址或图片列表"),
    8: (lambda v: isinstance(v, str) or _is_file_list(v), "文件地址或文件列表"),
    9: (lambda v: isinstance(v, bool), "布尔值"),
    10: (lambda v: isinstance(v, int | float) and not isinstance(v, bool), "数字"),
    11: (
        lambda v: isinstance(v, list) and all(isinstance(i, dict) for i in v),
        "由 {key, title, value} 组成的列表",
    ),
    12: (_is_file_list, "图片列表"),
    13: (_is_id, "关联数据的主键"),
    14: (lambda v: isinstance(v, list) and all(_is_id(i) for i in v), "关联数据主键的列表"),
    15: (lambda v: isinstance(v, str), "时间字符串"),
}


def value_problem(form_item_type: int | None, value: Any) -> str | None:
    """Why ``value`` does not fit ``form_item_type`` (None when it fits; null always fits)."""
    if value is None:
        return None
    rule = _VALUE_RULES.get(form_item_type if form_item_type is not None else 0)
    if rule is None:
        return None
    fits, expected = rule
    if fits(value):
        return None
    return f"{FORM_ITEM_TYPES.get(form_item_type, form_item_type)} 类型的值必须是{expected}"


# ---- the association tables (differences #17) ---------------------------------------------

# Tables a foreign-key config may point at; "scope" says how the caller's data scope applies.
ASSOCIATION_TABLES: dict[str, str | None] = {
    "Users": "dept_belong_id",
    "Role": "dept_belong_id",
    "Dept": "id",
    "Menu": "dept_belong_id",
    "Dictionary": None,
    "Area": None,
    "FileList": "dept_belong_id",
}
# Never served, whatever the allow-list says.
SECRET_COLUMN = re.compile(r"passw|pwd|secret|token|salt|credential|private|access_?key|api_?key", re.I)
CORE_LABELS = {
    "id": "Id",
    "description": "描述",
    "creator": "创建人",
    "modifier": "修改人",
    "dept_belong_id": "数据归属部门",
    "update_datetime": "修改时间",
    "create_datetime": "创建时间",
}


def _models() -> dict[str, type]:
    found = {}
    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        found[getattr(cls, "wire_name", "") or cls.__name__] = cls
    return found


# Columns never offered whatever the caller: account internals of Users beside the secrets.
INTERNAL_COLUMNS = {"is_superuser", "is_staff", "last_login", "login_error_count", "pwd_change_count"}


def table_columns(model: type) -> dict[str, tuple[Any, str]]:
    """``{wire field: (column, title)}`` of a model's servable columns for the caller: no secrets,
    no account internals, none of the columns the caller's column permissions hide (#15)."""
    from app.core.auth import current_user
    from app.core.permissions import hidden_fields

    hidden = hidden_fields(current_user(), getattr(model, "wire_name", "") or model.__name__)
    out: dict[str, tuple[Any, str]] = {}
    for attr in sa.inspect(model).column_attrs:
        key = attr.key
        if SECRET_COLUMN.search(key) or key in INTERNAL_COLUMNS:
            continue
        name = key[: -len("_id")] if key.endswith("_id") and key != "dept_belong_id" else key
        if name in hidden:
            continue
        title = attr.columns[0].info.get("label") or CORE_LABELS.get(name) or name
        out[name] = (getattr(model, key), title)
    return out


def association_tables() -> list[dict[str, Any]]:
    """``[{tableName, table, tableFields:[{title, field}]}]`` of the allow-listed tables."""
    models = _models()
    result = []
    for wire in ASSOCIATION_TABLES:
        model = models.get(wire)
        if model is None:
            continue
        fields = [{"title": title, "field": name} for name, (_col, title) in table_columns(model).items()]
        result.append(
            {"tableName": getattr(model, "verbose_name", "") or wire, "table": wire, "tableFields": fields}
        )
    return result


def _wire(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


# ---- the CRUD ------------------------------------------------------------------------------


def _parent_clause(parent_id: int | None) -> Any:
    return SystemConfig.parent_id.is_(None) if parent_id is None else SystemConfig.parent_id == parent_id


class SystemConfigResource(Resource):
    """The config CRUD: two levels, unique keys, values that fit their form type."""

    def to_dicts(self, rows: Sequence[SystemConfig]) -> list[dict[str, Any]]:
        """Rows with ``form_item_type_label`` and their ``children`` (two queries in all)."""
        rows = list(rows)
        children: list[SystemConfig] = []
        if rows:
            children = list(
                db.session.execute(
                    sa.select(SystemConfig)
                    .where(SystemConfig.parent_id.in_([row.id for row in rows]))
                    .order_by(SystemConfig.sort, SystemConfig.create_datetime, SystemConfig.id)
                ).scalars()
            )
        dicts = serialize_rows(rows + children, fk_columns=("parent_id",))
        for out in dicts:
            out["form_item_type_label"] = FORM_ITEM_TYPES.get(out["form_item_type"], "")
        by_parent: dict[int, list[dict[str, Any]]] = {}
        for child, out in zip(children, dicts[len(rows) :], strict=True):
            by_parent.setdefault(child.parent_id, []).append(out)
        result = dicts[: len(rows)]
        for row, out in zip(rows, result, strict=True):
            out["children"] = by_parent.get(row.id, [])
        return result

    def serialize(self, rows: Sequence[SystemConfig]) -> list[dict[str, Any]]:
        """Wire dicts without hidden columns, in the nested items too."""
        dicts = super().serialize(rows)
        hidden = hidden_fields(current_user(), self.wire_model) if self.column_permissions else set()
        if hidden:
            for out in dicts:
                for child in out.get("children", []):
                    for name in hidden:
                        child.pop(name, None)
        return dicts

    def validate_write(self, obj: SystemConfig | None, data: dict[str, Any], *, creating: bool) -> None:
        """Parent is a visible group; key unique at its level; the value fits the form type."""
        for name in ("key", "title"):
            if isinstance(data.get(name), str):
                data[name] = data[name].strip()
        if data.get("key") == "":
            raise ApiError("键:该字段不能为空。")
        parent_id = data["parent"] if "parent" in data else getattr(obj, "parent_id", None)
        key = data["key"] if "key" in data else getattr(obj, "key", None)
        moved = obj is None or parent_id != obj.parent_id
        if parent_id is not None and moved:
            self._check_parent(obj, parent_id)
        renamed = obj is None or (key or "").lower() != (obj.key or "").lower()
        if key and (moved or renamed):
            stmt = sa.select(SystemConfig.id).where(
                _parent_clause(parent_id), sa.func.lower(SystemConfig.key) == key.lower()
            )
            if obj is not None:
                stmt = stmt.where(SystemConfig.id != obj.id)
            if db.session.execute(stmt.limit(1)).first():
                raise ApiError(MSG_DUPLICATE_KEY)
        form_type = data.get("form_item_type")
        if form_type is None:
            form_type = getattr(obj, "form_item_type", 0) or 0
        value = data["value"] if "value" in data else getattr(obj, "value", None)
        problem = value_problem(form_type, value)
        if problem:
            raise ApiError(f"值:{problem}")
        setting = data["setting"] if "setting" in data else getattr(obj, "setting", None)
        changed = obj is None or setting != obj.setting or form_type != obj.form_item_type
        if form_type in FOREIGN_KEY_TYPES and changed:
            table = setting.get("table") if isinstance(setting, dict) else None
            if table not in ASSOCIATION_TABLES:
                raise ApiError("配置:关联表不在允许范围内")

    def _check_parent(self, obj: SystemConfig | None, parent_id: int) -> None:
        if obj is not None and parent_id == obj.id:
            raise ApiError("父级:不能选择自己作为父级")
        parent = db.session.execute(
            self.query()
            .with_only_columns(SystemConfig.id, SystemConfig.parent_id)
            .where(SystemConfig.id == parent_id)
        ).first()
        if parent is None:
            raise ApiError(f"父级:无效主键 “{parent_id}” - 对象不存在。")
        if parent.parent_id is not None:
            # Two levels only (group → item): this also refuses any loop.
            raise ApiError("父级:配置只有两级，父级必须是分组")
        if obj is not None:
            has_items = db.session.execute(
                sa.select(SystemConfig.id).where(SystemConfig.parent_id == obj.id).limit(1)
            ).first()
            if has_items:
                raise ApiError("父级:该分组下还有配置项，不能移到其他分组之下")

    def before_delete(self, objs: Sequence[SystemConfig]) -> None:
        """Deleting a group deletes its items (the original's CASCADE)."""
        ids = [obj.id for obj in objs]
        if ids:
            db.session.execute(
                sa.delete(SystemConfig)
                .where(SystemConfig.parent_id.in_(ids), SystemConfig.id.not_in(ids))
                .execution_options(synchronize_session=False)
            )

    def list_response(self):
        """Filtered (``parent__isnull`` too), scoped and paginated; each row with its items."""
        stmt = self.query()
        raw = (request.args.get("parent__isnull") or "").strip()
        if raw:
            isnull = coerce_value("parent__isnull", sa.column("parent__isnull", sa.Boolean), raw)
            stmt = stmt.where(
                SystemConfig.parent_id.is_(None) if isnull else SystemConfig.parent_id.is_not(None)
            )
        spec = self.visible_filters()
        stmt = apply_ordering(apply_filters(stmt, spec), spec)
        args = page_args()
        rows, total = paginate(db.session, stmt, args)
        return envelope.paged(self.serialize(rows), page=args.page, limit=args.limit, total=total)

    # ---- save_content ----------------------------------------------------------------------

    def visible_groups(self, group_ids: set[int]) -> set[int]:
        """Those of ``group_ids`` the caller's data scope reaches."""
        if not group_ids:
            return set()
        stmt = self.query().with_only_columns(SystemConfig.id).where(SystemConfig.id.in_(group_ids))
        return set(db.session.execute(stmt).scalars())

    def save_content(self, items: list[dict[str, Any]]) -> None:
        """Create or update every item, all or nothing."""
        try:
            self._save_all(items)
        except ApiError:
            db.session.rollback()
            raise
        db.session.commit()

    def _save_all(self, items: list[dict[str, Any]]) -> None:
        ids = {item["id"] for item in items if item.get("id")}
        found = (
            {
                row.id: row
                for row in db.session.execute(
                    sa.select(SystemConfig).where(SystemConfig.id.in_(ids))
                ).scalars()
            }
            if ids
            else {}
        )
        parents = {
            item.get("parent") for item in items if not item.get("id") and isinstance(item.get("parent"), int)
        }
        visible = self.visible_groups({row.parent_id or row.id for row in found.values()} | parents)
        user = current_user()
        for number, raw in enumerate(items, start=1):
            item = dict(raw)
            obj_id = item.pop("id", None)
            name = item.get("title") or item.get("key") or f"第{number}条"
            obj = found.get(obj_id) if obj_id else None
            if obj_id and (obj is None or (obj.parent_id or obj.id) not in visible):
                raise ApiError(f"{name}:id:无效主键 “{obj_id}” - 对象不存在。")
            if obj is None and item.get("parent") not in visible:
                # save_content edits a group's items; new groups go through the plain create route
                raise ApiError(f"{name}:parent:新增的配置项必须属于一个可见的分组")
            try:
                self.check_columns(obj, item)
                self.validate_write(obj, item, creating=obj is None)
            except ApiError as error:
                raise ApiError(f"{name}:{error.msg}", error.code) from None
            creating = obj is None
            if obj is None:
                obj = SystemConfig()
                db.session.add(obj)
            self.assign(obj, item, creating=creating)
            stamp_core_fields(obj, user, creating=creating)
            # each item sees the ones before it (unique keys)
            db.session.flush()

    # ---- the foreign-key helpers -----------------------------------------------------------

    def table_data(self, config_id: int, search: str | None):
        """Rows of the config's associated table: allow-listed columns, scoped, paginated."""
        config = db.session.execute(self.query().where(SystemConfig.id == config_id)).scalar_one_or_none()
        if config is None or not isinstance(config.setting, dict):
            raise ApiError(MSG_QUERY_FAILED, 400)
        table = config.setting.get("table")
        model = _models().get(table) if table in ASSOCIATION_TABLES else None
        if model is None:
            raise ApiError("关联表不在允许范围内")
        columns = table_columns(model)
        stmt = sa.select(*(col.label(name) for name, (col, _title) in columns.items()))
        scope_column = ASSOCIATION_TABLES[table]
        if scope_column is not None:
            stmt = apply_scope(stmt, model, dept_column=getattr(model, scope_column))
        if hasattr(model, "is_superuser"):
            # superusers stay out of user lists for every caller (differences #14)
            stmt = stmt.where(model.is_superuser.is_(False))
        term = (search or "").strip()
        if term:
            wanted = [f.get("field") for f in config.setting.get("searchField") or [] if isinstance(f, dict)]
            clauses = [_contains(columns[name][0], term) for name in wanted if name in columns]
            if clauses:
                stmt = stmt.where(sa.or_(*clauses))
        args = page_args()
        total = db.session.execute(sa.select(sa.func.count()).select_from(stmt.subquery())).scalar_one()
        rows: list[dict[str, Any]] = []
        if args.offset < total:
            pk = sa.inspect(model).primary_key[0]
            page = db.session.execute(stmt.order_by(pk).limit(args.limit).offset(args.offset)).mappings()
            rows = [{key: _wire(value) for key, value in row.items()} for row in page]
        return envelope.paged(rows, page=args.page, limit=args.limit, total=total)

    def relation_info(self, var_name: str | None, table: str | None, relation_ids: str | None) -> dict:
        """The group holding the config whose value is among ``relationIds`` (contract §6.3)."""
        if not var_name or not table or relation_ids is None:
            raise ApiError(MSG_NO_RELATION, 400)
        configs = db.session.execute(sa.select(SystemConfig).where(SystemConfig.key == var_name)).scalars()
        config = next(
            (c for c in configs if isinstance(c.setting, dict) and c.setting.get("table") == table), None
        )
        if config is None:
            raise ApiError(MSG_NO_RELATION, 400)
        if config.form_item_type == 13:
            wanted = {relation_ids}
        elif config.form_item_type == 14:
            wanted = {part.strip() for part in relation_ids.split(",") if part.strip()}
        else:
            wanted = set()
        match = None
        if wanted:
            rows = db.session.execute(
                sa.select(SystemConfig).where(SystemConfig.value.is_not(None)).order_by(SystemConfig.id)
            ).scalars()
            match = next((row for row in rows if _value_in(row.value, wanted)), None)
        if match is None:
            raise ApiError(MSG_NO_RELATION, 400)
        group_id = match.parent_id or match.id
        group = db.session.execute(self.query().where(SystemConfig.id == group_id)).scalar_one_or_none()
        if group is None:
            raise ApiError(MSG_NO_RELATION, 400)
        return self.serialize_one(group)


def _contains(column: Any, term: str) -> Any:
    if isinstance(column.type, sa.String | sa.Text):
        return column.icontains(term, autoescape=True)
    return sa.cast(column, sa.String(255)).icontains(term, autoescape=True)


def _value_in(value: Any, wanted: set[str]) -> bool:
    if isinstance(value, dict | list) or isinstance(value, bool):
        return False
    return str(value) in wanted


resource = SystemConfigResource(
    model=SystemConfig,
    filters=CONFIG_FILTERS,
    create_schema=SystemConfigWriteSchema,
    fk_columns=("parent_id",),
)


# ---- /api/init/ --------------------------------------------------------------------------


def optional_user() -> Any:
    """The caller of a public route when a valid token came with it; anyone else is anonymous.

    A missing, bad, expired or revoked token, or an inactive user, reads as anonymous
    (decisions #8); the verification is the same as on protected routes.
    """
    if not request.headers.get("Authorization"):
        return None
    try:
        verify_jwt_in_request()
    except (JWTExtendedException, PyJWTError):
        return None
    user = g.get("token_user")
    return user if user is not None and user.is_active else None


def may_see_default_password() -> bool:
    """A logged-in superuser, or a user holding the ``user:Create`` route (differences #2)."""
    user = optional_user()
    return user is not None and (user.is_superuser or has_button(user, *USER_CREATE))


def init_settings(prefixes: str) -> dict[str, Any]:
    """``{group.key: value}`` of the enabled items, optionally only keys with the given prefixes."""
    data = cache.public_settings()
    if DEFAULT_PASSWORD_KEY in data and not may_see_default_password():
        del data[DEFAULT_PASSWORD_KEY]
    wanted = [p for p in (prefixes or "").split("|") if p]
    if not wanted:
        return data
    selected: dict[str, Any] = {}
    for prefix in wanted:
        selected.update((key, value) for key, value in data.items() if key.startswith(prefix))
    return selected


def init_dictionary(dictionary_key: str) -> list[Any]:
    """``all`` → every enabled dictionary with its values; a code → its values; nothing → []."""
    if not dictionary_key:
        return []
    entries = cache.dictionaries()
    if dictionary_key == "all":
        return entries
    for entry in entries:
        if entry["value"] == dictionary_key:
            return entry["children"]
    return []
