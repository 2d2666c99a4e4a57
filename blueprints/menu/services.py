"""Menus, menu buttons and menu fields (contract §6.3 menu, menu_button, column; §5.1).

Buttons and fields feed the compiled grants, so their writes bump the permission version;
so does deleting a menu, which takes its buttons, fields and grants with it (traps #7).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask import request

from app.core import envelope
from app.core.auth import current_user
from app.core.crud import Resource
from app.core.errors import ApiError
from app.core.listing import apply_filters, apply_ordering, auto_filter_spec
from app.core.permissions import API_ALLOWED, bump_permission_version, held_menus, role_ids
from app.core.serialize import serialize_rows, stamp_core_fields
from app.extensions import db
from blueprints.dept.services import move_among_siblings
from blueprints.menu.models import Menu, MenuButton, MenuField
from blueprints.menu.schemas import ButtonWriteSchema, ColumnWriteSchema, MenuWriteSchema

MSG_NO_MENU = "菜单不存在"
MSG_SUPERUSER_ONLY = "只有超级管理员可以新增按钮或修改按钮的接口地址和请求方法"
MSG_BAD_API = "api:接口地址只能包含字母、数字和 _ / { } . - 字符"
# Query parameters that do not count as "any other params" for the lazy menu list.
PAGING_PARAMS = {"page", "limit"}
ROUTER_FIELDS = (
    "id",
    "parent",
    "icon",
    "sort",
    "path",
    "name",
    "title",
    "is_link",
    "link_url",
    "is_catalog",
    "web_path",
    "component",
    "component_name",
    "cache",
    "visible",
    "is_iframe",
    "is_affix",
    "status",
)
# The buttons ``batch_create`` makes for a menu whose component name is C (contract §6.3);
# export is a GET, as the SPA calls it (the original seeded POST).
BATCH_BUTTONS = (
    ("新增", "Create", 1, "/api/{c}/"),
    ("删除", "Delete", 3, "/api/{c}/{{id}}/"),
    ("编辑", "Update", 2, "/api/{c}/{{id}}/"),
    ("查询", "Search", 0, "/api/{c}/"),
    ("详情", "Retrieve", 0, "/api/{c}/{{id}}/"),
    ("复制", "Copy", 1, "/api/{c}/"),
    ("导入", "Import", 1, "/api/{c}/import_data/"),
    ("导出", "Export", 0, "/api/{c}/export_data/"),
)
# The original's app registry order for ``get_models``; models not listed follow by name.
MODEL_ORDER = (
    "Role",
    "Users",
    "Post",
    "Dept",
    "Menu",
    "MenuField",
    "FieldPermission",
    "MenuButton",
    "RoleMenuPermission",
    "RoleMenuButtonPermission",
    "Dictionary",
    "OperationLog",
    "FileList",
    "Area",
    "ApiWhiteList",
    "SystemConfig",
    "LoginLog",
    "MessageCenter",
    "MessageCenterTargetUser",
    "DownloadCenter",
)
# CoreModel columns carry no label in the models; the original's verbose names.
CORE_LABELS = {
    "id": "Id",
    "description": "描述",
    "modifier": "修改人",
    "dept_belong_id": "数据归属部门",
    "update_datetime": "修改时间",
    "create_datetime": "创建时间",
    "creator": "创建人",
}
# Never offered as columns: the password hash and the project's own token counter.
UNMATCHED_FIELDS = {"password", "token_version"}


def _parent_clause(column: Any, parent_id: int | None) -> Any:
    return column.is_(None) if parent_id is None else column == parent_id


def _missing_pk(label: str, value: Any) -> ApiError:
    return ApiError(f"{label}:无效主键 “{value}” - 对象不存在。")


def _menu_exists(menu_id: int) -> bool:
    return db.session.execute(sa.select(Menu.id).where(Menu.id == menu_id)).first() is not None


def _menu_children() -> dict[int | None, list[int]]:
    children: dict[int | None, list[int]] = {}
    for menu_id, parent_id in db.session.execute(sa.select(Menu.id, Menu.parent_id)):
        children.setdefault(parent_id, []).append(menu_id)
    return children


def _below(children: dict[int | None, list[int]], root: int) -> set[int]:
    seen: set[int] = set()
    stack = [root]
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(children.get(current, ()))
    return seen


def delete_button_grants(button_ids: Sequence[int]) -> None:
    """Delete the role grants of buttons and their custom-dept links (the caller commits)."""
    from blueprints.permission.models import RoleMenuButtonPermission, role_menu_button_permission_dept

    if not button_ids:
        return
    rmbp = RoleMenuButtonPermission
    grant_ids = sa.select(rmbp.id).where(rmbp.menu_button_id.in_(button_ids)).scalar_subquery()
    links = role_menu_button_permission_dept
    db.session.execute(sa.delete(links).where(links.c.rolemenubuttonpermission_id.in_(grant_ids)))
    db.session.execute(sa.delete(rmbp).where(rmbp.menu_button_id.in_(button_ids)))


def delete_field_grants(field_ids: Sequence[int]) -> None:
    """Delete the column permissions of menu fields (the caller commits)."""
    from blueprints.permission.models import FieldPermission

    if field_ids:
        db.session.execute(sa.delete(FieldPermission).where(FieldPermission.field_id.in_(field_ids)))


# ---- menus -------------------------------------------------------------------------------


class MenuResource(Resource):
    """The menu CRUD: a lazy tree list, sort after the last sibling, no cycles."""

    def to_dicts(self, rows: Sequence[Menu]) -> list[dict[str, Any]]:
        """Columns plus ``menuPermission`` and ``hasChild`` (three queries in all)."""
        dicts = serialize_rows(rows, fk_columns=("parent_id",))
        if not rows:
            return dicts
        ids = [row.id for row in rows]
        buttons: dict[int, list[dict[str, Any]]] = {}
        stmt = (
            sa.select(MenuButton.menu_id, MenuButton.id, MenuButton.name, MenuButton.value)
            .where(MenuButton.menu_id.in_(ids))
            .order_by(MenuButton.name.desc(), MenuButton.id)
        )
        for menu_id, button_id, name, value in db.session.execute(stmt):
            buttons.setdefault(menu_id, []).append({"id": button_id, "name": name, "value": value})
        parents = set(
            db.session.execute(sa.select(Menu.parent_id).where(Menu.parent_id.in_(ids)).distinct()).scalars()
        )
        for row, out in zip(rows, dicts, strict=True):
            out["menuPermission"] = buttons.get(row.id) or None
            out["hasChild"] = row.id in parents
        return dicts

    def validate_write(self, obj: Menu | None, data: dict[str, Any], *, creating: bool) -> None:
        """The parent must exist and, on update, not be the menu itself or below it."""
        if creating and data.get("name") is None:
            data["name"] = ""
        parent = data.get("parent")
        if parent is None or (not creating and parent == obj.parent_id):
            return
        if not _menu_exists(parent):
            raise _missing_pk("上级菜单", parent)
        if not creating and parent in _below(_menu_children(), obj.id):
            raise ApiError("上级菜单:不能把菜单移到它自己或它的下级菜单之下", 400)

    def create(self, data: dict[str, Any] | list[dict[str, Any]]) -> list[Menu]:
        """Create menus; without a ``sort`` a menu goes after its last sibling."""
        items = data if isinstance(data, list) else [data]
        created = []
        for item in items:
            self.check_columns(None, item)
            self.validate_write(None, item, creating=True)
            obj = Menu()
            self.assign(obj, item, creating=True)
            if obj.sort is None:
                last = db.session.execute(
                    sa.select(sa.func.max(Menu.sort)).where(_parent_clause(Menu.parent_id, obj.parent_id))
                ).scalar()
                obj.sort = (last or 0) + 1
            stamp_core_fields(obj, current_user(), creating=True)
            db.session.add(obj)
            db.session.flush()
            created.append(obj)
        db.session.commit()
        return created

    def before_delete(self, objs: Sequence[Menu]) -> None:
        """Refuse menus with sub-menus left; delete the rest's buttons, fields and grants."""
        from blueprints.permission.models import RoleMenuPermission

        ids = {obj.id for obj in objs}
        if not ids:
            return
        children = _menu_children()
        for obj in objs:
            left = [c for c in children.get(obj.id, ()) if c not in ids]
            if left:
                raise ApiError(f"菜单“{obj.name}”下还有{len(left)}个子菜单，请先删除子菜单", 400)
        button_ids = list(
            db.session.execute(sa.select(MenuButton.id).where(MenuButton.menu_id.in_(ids))).scalars()
        )
        field_ids = list(
            db.session.execute(sa.select(MenuField.id).where(MenuField.menu_id.in_(ids))).scalars()
        )
        delete_button_grants(button_ids)
        delete_field_grants(field_ids)
        db.session.execute(sa.delete(MenuButton).where(MenuButton.menu_id.in_(ids)))
        db.session.execute(sa.delete(MenuField).where(MenuField.menu_id.in_(ids)))
        db.session.execute(sa.delete(RoleMenuPermission).where(RoleMenuPermission.menu_id.in_(ids)))

    def delete(self, objs: Sequence[Menu]) -> None:
        """Delete menus with everything hanging off them, in one transaction."""
        super().delete(objs)
        bump_permission_version()

    def list_response(self):
        """Lazy list: roots without params, children with ``parent``, else all menus filtered."""
        stmt = self.query()
        if not [name for name in request.args if name not in PAGING_PARAMS]:
            stmt = stmt.where(Menu.parent_id.is_(None))
        stmt = apply_ordering(apply_filters(stmt, self.filters), self.filters)
        return envelope.listing(self.serialize(list(db.session.execute(stmt).scalars())))


menu_resource = MenuResource(
    model=Menu,
    filters=auto_filter_spec(
        Menu,
        fk_columns=("parent_id",),
        exact_only=("parent", "name", "status", "is_link", "visible", "cache", "is_catalog"),
        search=[
            lambda q: Menu.name.icontains(q, autoescape=True),
            lambda q: sa.cast(Menu.status, sa.String).icontains(q, autoescape=True),
        ],
        default_ordering=["sort"],
    ),
    create_schema=MenuWriteSchema,
    fk_columns=("parent_id",),
    paginated=False,
)


def _router_rows(menus: Sequence[Menu]) -> list[dict[str, Any]]:
    rows = []
    for menu in menus:
        rows.append(
            {
                "id": menu.id,
                "parent": menu.parent_id,
                "icon": menu.icon,
                "sort": menu.sort,
                "path": menu.web_path,
                "name": menu.name,
                "title": menu.name,
                "is_link": menu.is_link,
                "link_url": menu.link_url,
                "is_catalog": menu.is_catalog,
                "web_path": menu.web_path,
                "component": menu.component,
                "component_name": menu.component_name,
                "cache": menu.cache,
                "visible": menu.visible,
                "is_iframe": menu.is_iframe,
                "is_affix": menu.is_affix,
                "status": menu.status,
            }
        )
    return rows


def drop_orphans(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep only rows whose parent is kept too (the SPA builds a strict tree)."""
    while True:
        ids = {row["id"] for row in rows}
        kept = [row for row in rows if row["parent"] is None or row["parent"] in ids]
        if len(kept) == len(rows):
            return kept
        rows = kept


def router_menus(user: Any, *, active_only: bool) -> list[dict[str, Any]]:
    """Menus for the SPA's router: a superuser's all, others' granted to their enabled roles."""
    stmt = sa.select(Menu).order_by(Menu.sort, Menu.id)
    if active_only:
        stmt = stmt.where(Menu.status.is_(True))
    if not user.is_superuser:
        granted = held_menus(user)
        if not granted:
            return []
        stmt = stmt.where(Menu.id.in_(sorted(granted)))
    return drop_orphans(_router_rows(list(db.session.execute(stmt).scalars())))


def move_menu(menu_id: int, step: int) -> None:
    """Move a menu one place up (``-1``) or down (``1``) among its siblings."""
    menu = db.session.execute(menu_resource.query().where(Menu.id == menu_id)).scalar_one_or_none()
    if menu is None:
        raise ApiError(MSG_NO_MENU, 400)
    siblings = list(
        db.session.execute(
            sa.select(Menu).where(_parent_clause(Menu.parent_id, menu.parent_id)).order_by(Menu.sort, Menu.id)
        ).scalars()
    )
    move_among_siblings(siblings, menu, step)
    db.session.commit()


# ---- menu buttons ------------------------------------------------------------------------


def check_api(api: str) -> str:
    """A button ``api`` stripped, or code 4000 naming ``api`` (differences #16)."""
    api = (api or "").strip()
    if not API_ALLOWED.match(api):
        raise ApiError(MSG_BAD_API)
    return api


def _value_taken(value: str, exclude_id: int | None = None) -> bool:
    stmt = sa.select(MenuButton.id).where(sa.func.lower(MenuButton.value) == value.lower())
    if exclude_id is not None:
        stmt = stmt.where(MenuButton.id != exclude_id)
    return db.session.execute(stmt.limit(1)).first() is not None


class ButtonResource(Resource):
    """The menu button CRUD: unique values, safe APIs, API changes for superusers only."""

    def to_dicts(self, rows: Sequence[MenuButton]) -> list[dict[str, Any]]:
        """``{id, name, value, api, method, menu}`` per button, as the original."""
        return [
            {
                "id": r.id,
                "name": r.name,
                "value": r.value,
                "api": r.api,
                "method": r.method,
                "menu": r.menu_id,
            }
            for r in rows
        ]

    def validate_write(self, obj: MenuButton | None, data: dict[str, Any], *, creating: bool) -> None:
        """Superuser-only API changes, a safe ``api``, a unique ``value``, an existing menu."""
        user = current_user()
        if not user.is_superuser:
            changes_api = "api" in data and (data["api"] or "").strip() != (obj.api if obj else None)
            changes_method = "method" in data and (data["method"] or 0) != (
                (obj.method or 0) if obj else None
            )
            if creating or changes_api or changes_method:
                raise ApiError(MSG_SUPERUSER_ONLY)
        if "api" in data:
            data["api"] = check_api(data["api"])
        if "value" in data:
            data["value"] = data["value"].strip()
            if _value_taken(data["value"], None if obj is None else obj.id):
                raise ApiError(f"权限值“{data['value']}”已存在，权限值必须唯一", 400)
        if "menu" in data and (obj is None or data["menu"] != obj.menu_id) and not _menu_exists(data["menu"]):
            raise _missing_pk("关联菜单", data["menu"])

    def assign(self, obj: MenuButton, data: dict[str, Any], *, creating: bool) -> None:
        """Copy input onto the row; a null method means GET."""
        if "method" in data and data["method"] is None:
            data = {**data, "method": 0}
        super().assign(obj, data, creating=creating)

    def create(self, data: dict[str, Any] | list[dict[str, Any]]) -> list[MenuButton]:
        """Create buttons (superusers only)."""
        created = super().create(data)
        bump_permission_version()
        return created

    def update(self, obj_id: int, data: dict[str, Any]) -> MenuButton:
        """Update a button."""
        obj = super().update(obj_id, data)
        bump_permission_version()
        return obj

    def before_delete(self, objs: Sequence[MenuButton]) -> None:
        """Delete the role grants of the buttons."""
        delete_button_grants([obj.id for obj in objs])

    def delete(self, objs: Sequence[MenuButton]) -> None:
        """Delete buttons and their grants."""
        super().delete(objs)
        bump_permission_version()

    def list_response(self):
        """Every button (of ``menu`` when given), by name, not paginated."""
        stmt = apply_ordering(apply_filters(self.query(), self.filters), self.filters)
        return envelope.listing(self.serialize(list(db.session.execute(stmt).scalars())), "获取成功")


button_resource = ButtonResource(
    model=MenuButton,
    filters=auto_filter_spec(MenuButton, fk_columns=("menu_id",), default_ordering=["name"]),
    create_schema=ButtonWriteSchema,
    fk_columns=("menu_id",),
    paginated=False,
    scoped=False,
)


def button_values(user: Any) -> list[str]:
    """Permission codes the SPA shows buttons for: all for a superuser, else enabled roles' grants."""
    from blueprints.permission.models import RoleMenuButtonPermission

    stmt = sa.select(MenuButton.value).order_by(MenuButton.name.desc(), MenuButton.id)
    if not user.is_superuser:
        roles = role_ids(user)
        if not roles:
            return []
        granted = sa.select(RoleMenuButtonPermission.menu_button_id).where(
            RoleMenuButtonPermission.role_id.in_(roles)
        )
        stmt = stmt.where(MenuButton.id.in_(granted))
    return list(dict.fromkeys(db.session.execute(stmt).scalars()))


def batch_create(menu_id: int) -> list[MenuButton]:
    """Create the eight standard buttons of a menu from its component name (superusers only)."""
    user = current_user()
    if not user.is_superuser:
        raise ApiError(MSG_SUPERUSER_ONLY)
    menu = db.session.get(Menu, menu_id)
    if menu is None:
        raise ApiError(MSG_NO_MENU, 400)
    component = (menu.component_name or "").strip()
    if not component:
        raise ApiError("该菜单没有组件名称，无法批量创建按钮", 400)
    wanted = [
        (name, f"{component}:{suffix}", method, check_api(api.format(c=component)))
        for name, suffix, method, api in BATCH_BUTTONS
    ]
    existing = {
        v.lower()
        for v in db.session.execute(
            sa.select(MenuButton.value).where(
                sa.func.lower(MenuButton.value).in_([w[1].lower() for w in wanted])
            )
        ).scalars()
    }
    created = []
    for name, value, method, api in wanted:
        if value.lower() in existing:
            continue
        button = MenuButton(name=name, value=value, api=api, method=method, menu_id=menu.id)
        stamp_core_fields(button, user, creating=True)
        db.session.add(button)
        created.append(button)
    db.session.commit()
    bump_permission_version()
    return created


# ---- menu fields (columns) ---------------------------------------------------------------


def known_models() -> dict[str, type]:
    """``{wire name: mapped class}`` of every model, in the original's app order."""
    models = {}
    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        wire = getattr(cls, "wire_name", "") or cls.__name__
        models[wire] = cls
    rank = {name: i for i, name in enumerate(MODEL_ORDER)}
    return dict(sorted(models.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0])))


def _app_label(cls: type) -> str:
    module = cls.__module__
    if module.startswith("plugins."):
        return ".".join(module.split(".")[:2])
    return "dvadmin.system"


def model_list() -> list[dict[str, str]]:
    """``[{app, title, key}]`` of the models column permissions can be set on."""
    return [
        {"app": _app_label(cls), "title": getattr(cls, "verbose_name", "") or wire, "key": wire}
        for wire, cls in known_models().items()
    ]


def model_fields(cls: type) -> list[tuple[str, str]]:
    """``(wire field name, title)`` of a model's columns (``dept_id`` is ``dept``)."""
    result = []
    for attr in sa.inspect(cls).column_attrs:
        key = attr.key
        name = key[: -len("_id")] if key.endswith("_id") and key != "dept_belong_id" else key
        if name in UNMATCHED_FIELDS:
            continue
        label = attr.columns[0].info.get("label") or CORE_LABELS.get(name) or name
        result.append((name, label))
    return result


class ColumnResource(Resource):
    """The menu field CRUD: known models only, one row per (menu, model, field)."""

    def to_dicts(self, rows: Sequence[MenuField]) -> list[dict[str, Any]]:
        """Columns with ``menu`` as the menu id."""
        return serialize_rows(rows, fk_columns=("menu_id",))

    def validate_write(self, obj: MenuField | None, data: dict[str, Any], *, creating: bool) -> None:
        """A known model, an existing menu, and no duplicate field for the menu and model."""
        if "model" in data and data["model"] not in known_models():
            raise ApiError("模型表不存在", 400)
        if "menu" in data and (obj is None or data["menu"] != obj.menu_id) and not _menu_exists(data["menu"]):
            raise _missing_pk("菜单", data["menu"])
        menu_id = data.get("menu", getattr(obj, "menu_id", None))
        model = data.get("model", getattr(obj, "model", None))
        field_name = data.get("field_name", getattr(obj, "field_name", None))
        stmt = sa.select(MenuField.id).where(
            MenuField.menu_id == menu_id, MenuField.model == model, MenuField.field_name == field_name
        )
        if obj is not None:
            stmt = stmt.where(MenuField.id != obj.id)
        if db.session.execute(stmt.limit(1)).first():
            title = data.get("title", getattr(obj, "title", ""))
            raise ApiError(f"‘{title}’ 字段权限已有，不可重复创建", 400)

    def create(self, data: dict[str, Any] | list[dict[str, Any]]) -> list[MenuField]:
        """Create menu fields."""
        created = super().create(data)
        bump_permission_version()
        return created

    def update(self, obj_id: int, data: dict[str, Any]) -> MenuField:
        """Update a menu field."""
        obj = super().update(obj_id, data)
        bump_permission_version()
        return obj

    def before_delete(self, objs: Sequence[MenuField]) -> None:
        """Delete the column permissions of the fields."""
        delete_field_grants([obj.id for obj in objs])

    def delete(self, objs: Sequence[MenuField]) -> None:
        """Delete menu fields and their column permissions."""
        super().delete(objs)
        bump_permission_version()

    def list_response(self):
        """The fields of ``?menu=<id>``; without a menu, an empty list."""
        if not (request.args.get("menu") or "").strip():
            return envelope.listing([])
        stmt = apply_ordering(apply_filters(self.query(), self.filters), self.filters)
        return envelope.listing(self.serialize(list(db.session.execute(stmt).scalars())), "获取成功")


column_resource = ColumnResource(
    model=MenuField,
    filters=auto_filter_spec(MenuField, fk_columns=("menu_id",), default_ordering=["id"]),
    create_schema=ColumnWriteSchema,
    fk_columns=("menu_id",),
    paginated=False,
)


def auto_match_fields(menu: Any, model: Any) -> list[MenuField]:
    """Create a menu field for every column of ``model`` the menu does not list yet."""
    if menu in (None, "") or not model:
        raise ApiError("参数错误", 400)
    try:
        menu_id = int(menu)
    except (TypeError, ValueError):
        raise ApiError("参数错误", 400) from None
    cls = known_models().get(str(model))
    if cls is None:
        raise ApiError("模型表不存在", 400)
    if not _menu_exists(menu_id):
        raise ApiError(MSG_NO_MENU, 400)
    existing = set(
        db.session.execute(
            sa.select(MenuField.field_name).where(MenuField.menu_id == menu_id, MenuField.model == model)
        ).scalars()
    )
    user = current_user()
    created = []
    for name, title in model_fields(cls):
        if name in existing:
            continue
        row = MenuField(menu_id=menu_id, model=model, field_name=name, title=title)
        stamp_core_fields(row, user, creating=True)
        db.session.add(row)
        created.append(row)
    db.session.commit()
    bump_permission_version()
    return created
