"""Read a seed directory and write it into the database (``flask init``'s engine).

The loader never commits: the command runs it inside one transaction and commits or rolls back
the whole run. Rows are identified by natural keys (dept ``key``, role ``key``, ``username``,
menu ``web_path``, button ``value``, column ``(menu, model, field_name)``, whitelist
``(url, method)``, dictionary ``value`` under its parent, config ``key`` under its group), so a
second run finds what the first one wrote. The format is documented in ``app/seed/README.md``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from app.core.passwords import make_password
from app.core.permissions import API_ALLOWED
from app.extensions import db

# Files in the order they are applied; any of them may be missing.
FILES = (
    "depts",
    "roles",
    "users",
    "menus",
    "role_grants",
    "whitelist",
    "dictionaries",
    "system_config",
)
METHODS = {"GET": 0, "POST": 1, "PUT": 2, "DELETE": 3}
# The original's seed password (contract §8.1); production refuses it unless told (differences #3).
DEFAULT_PASSWORD = "admin123456"

DEPT_FIELDS = ("name", "sort", "status", "owner", "phone", "email", "description")
ROLE_FIELDS = ("name", "sort", "status", "description")
USER_FIELDS = (
    "name",
    "email",
    "mobile",
    "avatar",
    "gender",
    "user_type",
    "is_superuser",
    "is_staff",
    "is_active",
    "description",
)
MENU_DEFAULTS: dict[str, Any] = {
    "icon": None,
    "sort": 1,
    "is_link": False,
    "link_url": None,
    "is_catalog": False,
    "component": None,
    "component_name": None,
    "status": True,
    "cache": False,
    "visible": True,
    "is_iframe": False,
    "is_affix": False,
    "description": None,
}
MENU_KEYS = {"name", "web_path", *MENU_DEFAULTS, "buttons", "columns", "columns_of", "children"}
BUTTON_KEYS = {"name", "value", "api", "method", "replaces", "description"}
DICT_FIELDS = ("label", "type", "color", "sort", "status", "remark", "description")
CONFIG_FIELDS = (
    "title",
    "value",
    "sort",
    "status",
    "data_options",
    "form_item_type",
    "rule",
    "placeholder",
    "setting",
    "description",
)
# What each kind counts as in the summary, in print order.
KINDS = (
    "depts",
    "roles",
    "users",
    "menus",
    "buttons",
    "columns",
    "role menus",
    "role buttons",
    "role columns",
    "whitelist",
    "dictionaries",
    "system config",
)


class SeedError(Exception):
    """A seed file that cannot be applied (bad JSON, a broken reference, an unknown key)."""


def read_seed_dir(seed_dir: Path) -> dict[str, Any]:
    """Parse the seed files present in ``seed_dir`` ({name: data}); raise SeedError on bad JSON."""
    if not seed_dir.is_dir():
        raise SeedError(f"seed directory {seed_dir} does not exist")
    data: dict[str, Any] = {}
    for name in FILES:
        path = seed_dir / f"{name}.json"
        if not path.exists():
            continue
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SeedError(f"{path}: {exc}") from None
        if not isinstance(value, list):
            raise SeedError(f"{path}: the top level must be a JSON list")
        data[name] = value
    return data


def method_number(value: Any, where: str) -> int:
    """A button or whitelist method given as GET/POST/PUT/DELETE (or the original's 0-3)."""
    if isinstance(value, int) and value in METHODS.values():
        return value
    if isinstance(value, str) and value.upper() in METHODS:
        return METHODS[value.upper()]
    raise SeedError(f"{where}: method must be one of GET, POST, PUT, DELETE, got {value!r}")


@dataclass
class Tally:
    """Created / updated / unchanged counts per kind."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        """True when the run wrote anything."""
        return bool(sum(self.created.values()) or sum(self.updated.values()))

    def lines(self) -> list[str]:
        """One summary line per kind the run touched."""
        out = []
        for kind in KINDS:
            c, u, n = self.created[kind], self.updated[kind], self.unchanged[kind]
            if c or u or n:
                out.append(f"  {kind:<14} {c:>4} created  {u:>4} updated  {n:>4} unchanged")
        return out


@dataclass
class Seeder:
    """Apply one seed directory's data. ``reset`` (``-y``) restores seeded values of existing rows."""

    data: dict[str, Any]
    reset: bool = False
    password: str = DEFAULT_PASSWORD
    echo: Callable[[str], None] = print
    tally: Tally = field(default_factory=Tally)
    # ids this run created, and ids the seed set names (for "*" in role grants)
    new_ids: dict[str, set[int]] = field(
        default_factory=lambda: {k: set() for k in ("role", "menu", "button", "column")}
    )
    seed_ids: dict[str, list[int]] = field(
        default_factory=lambda: {k: [] for k in ("menu", "button", "column")}
    )
    created_users: list[str] = field(default_factory=list)

    # ---- helpers ------------------------------------------------------------------------

    def _sync(self, kind: str, obj: Any, values: dict[str, Any], *, created: bool) -> None:
        """Set ``values`` on a new row; on an existing row only with ``reset``; count the outcome."""
        if created:
            for key, value in values.items():
                setattr(obj, key, value)
            self.tally.created[kind] += 1
            return
        changed = False
        if self.reset:
            for key, value in values.items():
                if getattr(obj, key) != value:
                    setattr(obj, key, value)
                    changed = True
        if changed:
            self.tally.updated[kind] += 1
        else:
            self.tally.unchanged[kind] += 1

    @staticmethod
    def _pick(node: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
        return {name: node[name] for name in names if name in node}

    @staticmethod
    def _need(node: Any, key: str, where: str) -> Any:
        if not isinstance(node, dict) or node.get(key) in (None, ""):
            raise SeedError(f"{where}: every entry needs {key!r}")
        return node[key]

    def run(self) -> Tally:
        """Apply every file present, in the fixed order."""
        for name in FILES:
            if name in self.data:
                self.echo(f"==> {name}")
                getattr(self, f"_seed_{name}")(self.data[name])
        db.session.flush()
        return self.tally

    # ---- depts, roles, users ------------------------------------------------------------

    def _dept_ids(self) -> dict[str, int]:
        from blueprints.dept.models import Dept

        return {key: id_ for id_, key in db.session.execute(sa.select(Dept.id, Dept.key)) if key}

    def _seed_depts(self, nodes: list[Any]) -> None:
        from blueprints.dept.models import Dept

        existing = {d.key: d for d in db.session.execute(sa.select(Dept)).scalars() if d.key}

        def walk(items: list[Any], parent_id: int | None) -> None:
            for node in items:
                key = self._need(node, "key", "depts.json")
                self._need(node, "name", f"depts.json {key}")
                dept = existing.get(key)
                created = dept is None
                if created:
                    dept = Dept(key=key)
                    db.session.add(dept)
                    existing[key] = dept
                values = {"sort": 1, "status": True, **self._pick(node, DEPT_FIELDS), "parent_id": parent_id}
                self._sync("depts", dept, values, created=created)
                db.session.flush()
                if created:
                    dept.dept_belong_id = str(dept.id)
                walk(node.get("children") or [], dept.id)

        walk(nodes, None)

    def _role_ids(self) -> dict[str, int]:
        from blueprints.role.models import Role

        return {key.lower(): id_ for id_, key in db.session.execute(sa.select(Role.id, Role.key))}

    def _seed_roles(self, nodes: list[Any]) -> None:
        from blueprints.role.models import Role

        existing = {r.key.lower(): r for r in db.session.execute(sa.select(Role)).scalars()}
        for node in nodes:
            key = self._need(node, "key", "roles.json")
            self._need(node, "name", f"roles.json {key}")
            role = existing.get(key.lower())
            created = role is None
            if created:
                role = Role(key=key)
                db.session.add(role)
                existing[key.lower()] = role
            self._sync(
                "roles", role, {"sort": 1, "status": True, **self._pick(node, ROLE_FIELDS)}, created=created
            )
            db.session.flush()
            if created:
                self.new_ids["role"].add(role.id)

    def _seed_users(self, nodes: list[Any]) -> None:
        from blueprints.role.models import Role
        from blueprints.user.models import User

        depts = self._dept_ids()
        roles = {r.key.lower(): r for r in db.session.execute(sa.select(Role)).scalars()}
        existing = {u.username.lower(): u for u in db.session.execute(sa.select(User)).scalars()}
        for node in nodes:
            username = self._need(node, "username", "users.json")
            where = f"users.json {username}"
            dept_key = node.get("dept")
            if dept_key is not None and dept_key not in depts:
                raise SeedError(f"{where}: unknown dept key {dept_key!r}")
            wanted = []
            for key in node.get("roles") or []:
                if str(key).lower() not in roles:
                    raise SeedError(f"{where}: unknown role key {key!r}")
                wanted.append(roles[str(key).lower()])
            user = existing.get(username.lower())
            if user is None:
                dept_id = depts.get(dept_key) if dept_key is not None else None
                user = User(
                    username=username,
                    password=make_password(node.get("password") or self.password),
                    pwd_change_count=0,  # the SPA asks for a new password at first login (differences #3)
                    login_error_count=0,
                    dept_id=dept_id,
                    dept_belong_id=str(dept_id) if dept_id is not None else None,
                    **{"is_staff": True, "is_active": True, **self._pick(node, USER_FIELDS)},
                )
                user.role = wanted
                db.session.add(user)
                existing[username.lower()] = user
                self.tally.created["users"] += 1
                self.created_users.append(username)
                continue
            # Existing users keep everything (password, pwd_change_count, profile); -y only adds
            # the seeded roles they lack, so an adopted install's admin gets its role (differences #26).
            missing = [r for r in wanted if r not in user.role] if self.reset else []
            if missing:
                user.role = [*user.role, *missing]
                self.tally.updated["users"] += 1
            else:
                self.tally.unchanged["users"] += 1
        db.session.flush()

    # ---- menus, buttons, columns --------------------------------------------------------

    def _seed_menus(self, nodes: list[Any]) -> None:
        from blueprints.menu.models import Menu, MenuButton, MenuField

        menus: dict[str, Menu] = {}
        for menu in db.session.execute(sa.select(Menu).order_by(Menu.id)).scalars():
            if menu.web_path:
                menus.setdefault(menu.web_path, menu)
        buttons = {b.value: b for b in db.session.execute(sa.select(MenuButton)).scalars()}
        columns = {
            (c.menu_id, c.model, c.field_name): c for c in db.session.execute(sa.select(MenuField)).scalars()
        }
        seen_paths: set[str] = set()
        seen_values: set[str] = set()

        def walk(items: list[Any], parent_id: int | None) -> None:
            for node in items:
                path = self._need(node, "web_path", "menus.json")
                where = f"menus.json {path}"
                self._need(node, "name", where)
                unknown = set(node) - MENU_KEYS
                if unknown:
                    raise SeedError(f"{where}: unknown keys {sorted(unknown)}")
                if path in seen_paths:
                    raise SeedError(f"{where}: web_path appears twice")
                seen_paths.add(path)
                menu = menus.get(path)
                created = menu is None
                if created:
                    menu = Menu(web_path=path)
                    db.session.add(menu)
                    menus[path] = menu
                values = {**MENU_DEFAULTS, **{k: node[k] for k in MENU_DEFAULTS if k in node}}
                values.update(name=node["name"], parent_id=parent_id)
                self._sync("menus", menu, values, created=created)
                db.session.flush()
                if created:
                    self.new_ids["menu"].add(menu.id)
                self.seed_ids["menu"].append(menu.id)
                for button in node.get("buttons") or []:
                    self._seed_button(menu, button, buttons, seen_values, where)
                for column in self._columns_of(node, where):
                    self._seed_column(menu, column, columns, where)
                walk(node.get("children") or [], menu.id)

        walk(nodes, None)
        db.session.flush()

    def _seed_button(self, menu: Any, node: Any, buttons: dict[str, Any], seen: set[str], where: str) -> None:
        from blueprints.menu.models import MenuButton

        value = self._need(node, "value", f"{where} buttons")
        where = f"{where} button {value}"
        self._need(node, "name", where)
        api = self._need(node, "api", where)
        unknown = set(node) - BUTTON_KEYS
        if unknown:
            raise SeedError(f"{where}: unknown keys {sorted(unknown)}")
        if value in seen:
            raise SeedError(f"{where}: value appears twice")
        seen.add(value)
        if not API_ALLOWED.match(api):
            raise SeedError(f"{where}: api {api!r} has characters outside letters, digits, _ / {{ }} . -")
        method = method_number(node.get("method", "GET"), where)
        button = buttons.get(value)
        created = button is None
        if created:
            button = MenuButton(value=value)
            db.session.add(button)
            buttons[value] = button
        values = {"name": node["name"], "api": api, "method": method, "menu_id": menu.id}
        if "description" in node:
            values["description"] = node["description"]
        if not created and not self.reset:
            # A known wrong path of the original's seed is corrected without -y: the row still
            # holds exactly what the original wrote, so nobody edited it (differences #26).
            old = [
                (r.get("api"), method_number(r.get("method", "GET"), where))
                for r in node.get("replaces") or []
            ]
            if (button.api, button.method) in old:
                button.api, button.method = api, method
                self.tally.updated["buttons"] += 1
            else:
                self.tally.unchanged["buttons"] += 1
        else:
            self._sync("buttons", button, values, created=created)
        db.session.flush()
        if created:
            self.new_ids["button"].add(button.id)
        self.seed_ids["button"].append(button.id)

    def _columns_of(self, node: dict[str, Any], where: str) -> list[dict[str, Any]]:
        columns = list(node.get("columns") or [])
        model = node.get("columns_of")
        if model:
            from blueprints.menu.services import known_models, model_fields

            cls = known_models().get(model)
            if cls is None:
                raise SeedError(f"{where}: columns_of names an unknown model {model!r}")
            columns += [
                {"model": model, "field_name": name, "title": title} for name, title in model_fields(cls)
            ]
        return columns

    def _seed_column(self, menu: Any, node: Any, columns: dict[tuple, Any], where: str) -> None:
        from blueprints.menu.models import MenuField

        model = self._need(node, "model", f"{where} columns")
        name = self._need(node, "field_name", f"{where} columns")
        key = (menu.id, model, name)
        column = columns.get(key)
        created = column is None
        if created:
            column = MenuField(menu_id=menu.id, model=model, field_name=name)
            db.session.add(column)
            columns[key] = column
        elif column.id in self.seed_ids["column"]:
            return  # listed twice (columns and columns_of): once is enough
        self._sync("columns", column, {"title": node.get("title") or name}, created=created)
        db.session.flush()
        if created:
            self.new_ids["column"].add(column.id)
        self.seed_ids["column"].append(column.id)

    # ---- role grants --------------------------------------------------------------------

    def _resolve(self, spec: Any, kind: str, where: str) -> list[tuple[int, dict[str, Any]]]:
        """``"*"`` (everything this seed set lists) or a list of references → [(id, options)]."""
        from blueprints.menu.models import Menu, MenuButton, MenuField

        if spec in (None, []):
            return []
        if spec == "*":
            return [(id_, {}) for id_ in dict.fromkeys(self.seed_ids[kind])]
        if not isinstance(spec, list):
            raise SeedError(f'{where}: {kind}s must be "*" or a list')
        out = []
        for item in spec:
            options = item if isinstance(item, dict) else {}
            if kind == "menu":
                ref = options.get("web_path", item)
                stmt = sa.select(Menu.id).where(Menu.web_path == ref).order_by(Menu.id)
            elif kind == "button":
                ref = options.get("value", item)
                stmt = sa.select(MenuButton.id).where(MenuButton.value == ref)
            else:
                ref = (options.get("menu"), options.get("model"), options.get("field_name"))
                stmt = (
                    sa.select(MenuField.id)
                    .join(Menu, Menu.id == MenuField.menu_id)
                    .where(Menu.web_path == ref[0], MenuField.model == ref[1], MenuField.field_name == ref[2])
                    .order_by(MenuField.id)
                )
            found = db.session.execute(stmt.limit(1)).scalar()
            if found is None:
                raise SeedError(f"{where}: unknown {kind} {ref!r}")
            out.append((found, options))
        return out

    def _seed_role_grants(self, entries: list[Any]) -> None:
        from blueprints.permission.models import FieldPermission, RoleMenuButtonPermission, RoleMenuPermission

        roles = self._role_ids()
        session = db.session
        menu_grants = {
            (r, m)
            for r, m in session.execute(sa.select(RoleMenuPermission.role_id, RoleMenuPermission.menu_id))
        }
        button_grants: dict[tuple[int, int], list[Any]] = {}
        for row in session.execute(sa.select(RoleMenuButtonPermission)).scalars():
            button_grants.setdefault((row.role_id, row.menu_button_id), []).append(row)
        field_grants = {
            (f.role_id, f.field_id): f for f in session.execute(sa.select(FieldPermission)).scalars()
        }

        for entry in entries:
            key = self._need(entry, "role", "role_grants.json")
            where = f"role_grants.json {key}"
            role_id = roles.get(str(key).lower())
            if role_id is None:
                raise SeedError(f"{where}: unknown role key {key!r}")
            role_new = role_id in self.new_ids["role"]
            default_range = entry.get("data_range", 0)

            # A grant is written once: when its role or its target is first created, or on -y.
            # So a grant an admin revoked stays revoked on the next plain run.
            for menu_id, _ in self._resolve(entry.get("menus"), "menu", where):
                if (role_id, menu_id) in menu_grants:
                    self.tally.unchanged["role menus"] += 1
                elif self.reset or role_new or menu_id in self.new_ids["menu"]:
                    session.add(RoleMenuPermission(role_id=role_id, menu_id=menu_id))
                    menu_grants.add((role_id, menu_id))
                    self.tally.created["role menus"] += 1
            for button_id, options in self._resolve(entry.get("buttons"), "button", where):
                data_range = options.get("data_range", default_range)
                if data_range not in (0, 1, 2, 3, 4):
                    raise SeedError(f"{where}: data_range must be 0-4, got {data_range!r}")
                rows = button_grants.get((role_id, button_id))
                if rows:
                    self._sync("role buttons", rows[0], {"data_range": data_range}, created=False)
                elif self.reset or role_new or button_id in self.new_ids["button"]:
                    row = RoleMenuButtonPermission(
                        role_id=role_id, menu_button_id=button_id, data_range=data_range
                    )
                    session.add(row)
                    button_grants[(role_id, button_id)] = [row]
                    self.tally.created["role buttons"] += 1
            for field_id, options in self._resolve(entry.get("columns"), "column", where):
                flags = {
                    name: bool(options.get(name, True)) for name in ("is_query", "is_create", "is_update")
                }
                row = field_grants.get((role_id, field_id))
                if row is not None:
                    self._sync("role columns", row, flags, created=False)
                elif self.reset or role_new or field_id in self.new_ids["column"]:
                    row = FieldPermission(role_id=role_id, field_id=field_id, **flags)
                    session.add(row)
                    field_grants[(role_id, field_id)] = row
                    self.tally.created["role columns"] += 1
        session.flush()

    # ---- whitelist, dictionaries, config ------------------------------------------------

    def _seed_whitelist(self, nodes: list[Any]) -> None:
        from blueprints.whitelist.models import ApiWhiteList

        existing: dict[tuple[str, int], Any] = {}
        for row in db.session.execute(sa.select(ApiWhiteList).order_by(ApiWhiteList.id)).scalars():
            existing.setdefault((row.url, row.method), row)
        for node in nodes:
            url = self._need(node, "url", "whitelist.json")
            where = f"whitelist.json {url}"
            if not API_ALLOWED.match(url):
                raise SeedError(f"{where}: url has characters outside letters, digits, _ / {{ }} . -")
            method = method_number(node.get("method", "GET"), where)
            row = existing.get((url, method))
            created = row is None
            if created:
                row = ApiWhiteList(url=url, method=method)
                db.session.add(row)
                existing[(url, method)] = row
            values = {"enable_datasource": bool(node.get("enable_datasource", True))}
            self._sync("whitelist", row, values, created=created)
        db.session.flush()

    def _seed_dictionaries(self, nodes: list[Any]) -> None:
        from blueprints.dictionary.models import Dictionary

        rows = list(db.session.execute(sa.select(Dictionary).order_by(Dictionary.id)).scalars())
        parents: dict[str, Any] = {}
        children: dict[tuple[int, str], Any] = {}
        for row in rows:
            if row.parent_id is None:
                parents.setdefault(row.value, row)
            else:
                children.setdefault((row.parent_id, row.value), row)
        for node in nodes:
            value = self._need(node, "value", "dictionaries.json")
            parent = parents.get(value)
            created = parent is None
            if created:
                parent = Dictionary(value=value, parent_id=None)
                db.session.add(parent)
                parents[value] = parent
            values = {
                "type": 0,
                "status": True,
                "sort": 1,
                **self._pick(node, DICT_FIELDS),
                "is_value": False,
            }
            self._sync("dictionaries", parent, values, created=created)
            db.session.flush()
            for child_node in node.get("children") or []:
                child_value = str(self._need(child_node, "value", f"dictionaries.json {value}"))
                child = children.get((parent.id, child_value))
                child_created = child is None
                if child_created:
                    child = Dictionary(value=child_value, parent_id=parent.id)
                    db.session.add(child)
                    children[(parent.id, child_value)] = child
                child_values = {"type": 0, "status": True, "sort": 1, **self._pick(child_node, DICT_FIELDS)}
                child_values["is_value"] = True
                self._sync("dictionaries", child, child_values, created=child_created)
        db.session.flush()

    def _seed_system_config(self, nodes: list[Any]) -> None:
        from blueprints.system_config.models import SystemConfig

        rows = list(db.session.execute(sa.select(SystemConfig).order_by(SystemConfig.id)).scalars())
        groups = {r.key: r for r in rows if r.parent_id is None}
        items = {(r.parent_id, r.key): r for r in rows if r.parent_id is not None}
        for node in nodes:
            key = self._need(node, "key", "system_config.json")
            group = groups.get(key)
            created = group is None
            if created:
                group = SystemConfig(key=key, parent_id=None)
                db.session.add(group)
                groups[key] = group
            values = {
                "sort": 0,
                "status": True,
                "form_item_type": 0,
                "title": key,
                **self._pick(node, CONFIG_FIELDS),
            }
            self._sync("system config", group, values, created=created)
            db.session.flush()
            for item_node in node.get("children") or []:
                item_key = self._need(item_node, "key", f"system_config.json {key}")
                item = items.get((group.id, item_key))
                item_created = item is None
                if item_created:
                    item = SystemConfig(key=item_key, parent_id=group.id)
                    db.session.add(item)
                    items[(group.id, item_key)] = item
                item_values = {
                    "sort": 0,
                    "status": True,
                    "form_item_type": 0,
                    "title": item_key,
                    "value": None,
                    **self._pick(item_node, CONFIG_FIELDS),
                }
                self._sync("system config", item, item_values, created=item_created)
        db.session.flush()


def pending_users(data: dict[str, Any]) -> list[str]:
    """Usernames the seed set would create (those not in the database yet)."""
    from blueprints.user.models import User

    names = [
        str(n.get("username")) for n in data.get("users", []) if isinstance(n, dict) and n.get("username")
    ]
    if not names:
        return []
    existing = {
        u.lower()
        for u in db.session.execute(
            sa.select(User.username).where(sa.func.lower(User.username).in_([n.lower() for n in names]))
        ).scalars()
    }
    return [n for n in names if n.lower() not in existing]
