"""Bench data: 1,000 depts in a tree of depth 4, 100,000 users, roles with mixed data ranges.

``python bench/generate.py DATABASE_URL`` fills a migrated database (bulk inserts, about a
minute on MariaDB). The bench scripts call :func:`generate` before the server starts.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SCOPED_USERNAME = "scoped"
SCOPED_PASSWORD = "Scoped-bench-42"
# user list, dept lazy list and the pages' buttons; login-only routes need none
BUTTONS = [
    ("查询", "user:Search", "/api/system/user/", 0),
    ("详情", "user:Retrieve", "/api/system/user/{id}/", 0),
    ("部门查询", "dept:Search", "/api/system/dept/", 0),
    ("全部部门", "dept:SearchAll", "/api/system/dept/all_dept/", 0),
    ("菜单查询", "menu:Search", "/api/system/menu/", 0),
]
MENUS = [
    ("系统管理", None, "/system", "", True),
    ("用户管理", 0, "/user", "system/user/index", False),
    ("部门管理", 0, "/dept", "system/dept/index", False),
    ("角色管理", 0, "/role", "system/role/index", False),
    ("菜单管理", 0, "/menu", "system/menu/index", False),
]


def generate(database_url: str, users: int = 100_000, fanout: int = 9, seed_log=print) -> dict:
    """Fill the database; returns ids the bench needs (root dept, the scoped user's dept)."""
    import sqlalchemy as sa

    from app import create_app
    from app.core.passwords import make_password
    from app.core.timeutil import local_now
    from app.extensions import db
    from blueprints.dept.models import Dept
    from blueprints.menu.models import Menu, MenuButton
    from blueprints.permission.models import RoleMenuButtonPermission, RoleMenuPermission
    from blueprints.role.models import Role
    from blueprints.user.models import User, users_role

    started = time.perf_counter()
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": None})
    with app.app_context():
        now = local_now()
        conn = db.session.connection()
        # depts: 1 root, then `fanout` children per node for three more levels (1+9+81+729 = 820),
        # topped up at the last level to 1,000
        root = Dept(name="总部", key="bench-root", sort=1, status=True)
        db.session.add(root)
        db.session.flush()
        levels, next_id_name = [[root.id]], 0
        for depth in range(1, 4):
            rows = []
            for parent in levels[-1]:
                for i in range(fanout):
                    next_id_name += 1
                    rows.append(
                        {
                            "name": f"部门{depth}-{next_id_name}",
                            "sort": i + 1,
                            "status": True,
                            "parent_id": parent,
                            "create_datetime": now,
                            "update_datetime": now,
                        }
                    )
            conn.execute(sa.insert(Dept), rows)
            ids = list(
                db.session.execute(sa.select(Dept.id).where(Dept.name.like(f"部门{depth}-%"))).scalars()
            )
            levels.append(ids)
        extra = 1000 - sum(len(level) for level in levels)
        if extra > 0:
            conn.execute(
                sa.insert(Dept),
                [
                    {
                        "name": f"部门4-extra{i}",
                        "sort": 100 + i,
                        "status": True,
                        "parent_id": levels[2][i % len(levels[2])],
                        "create_datetime": now,
                        "update_datetime": now,
                    }
                    for i in range(extra)
                ],
            )
        all_depts = list(db.session.execute(sa.select(Dept.id)).scalars())
        seed_log(f"depts: {len(all_depts)}")

        roles = {}
        for key, name in (
            ("all", "全部数据"),
            ("scoped", "部门数据"),
            ("own", "本人数据"),
            ("custom", "自定数据"),
        ):
            role = Role(name=name, key=key, sort=len(roles) + 1, status=True)
            db.session.add(role)
            roles[key] = role
        db.session.flush()
        menus = []
        for name, parent, path, component, catalog in MENUS:
            menu = Menu(
                name=name,
                parent_id=menus[parent].id if parent is not None else None,
                web_path=path,
                component=component,
                component_name=path.strip("/"),
                is_catalog=catalog,
                sort=len(menus) + 1,
            )
            db.session.add(menu)
            db.session.flush()
            menus.append(menu)
        buttons = []
        for name, value, api, method in BUTTONS:
            # `flask init` may have seeded the same button already (values are unique)
            button = db.session.execute(
                sa.select(MenuButton).where(MenuButton.value == value)
            ).scalar_one_or_none()
            if button is None:
                button = MenuButton(name=name, value=value, api=api, method=method, menu_id=menus[1].id)
                db.session.add(button)
            buttons.append(button)
        db.session.flush()
        ranges = {"all": 3, "scoped": 1, "own": 0, "custom": 4}
        for key, role in roles.items():
            for menu in menus:
                db.session.add(RoleMenuPermission(role_id=role.id, menu_id=menu.id))
            for button in buttons:
                db.session.add(
                    RoleMenuButtonPermission(
                        role_id=role.id, menu_button_id=button.id, data_range=ranges[key]
                    )
                )
        db.session.flush()

        # users, spread evenly over the depts; dept_belong_id is the dept, as the original saves it
        unusable = "!"
        batch, role_cycle = [], list(roles.values())
        for i in range(users):
            dept_id = all_depts[i % len(all_depts)]
            batch.append(
                {
                    "username": f"user{i:06d}",
                    "name": f"用户{i}",
                    "password": unusable,
                    "dept_id": dept_id,
                    "dept_belong_id": str(dept_id),
                    "is_active": True,
                    "is_superuser": False,
                    "is_staff": False,
                    "first_name": "",
                    "last_name": "",
                    "date_joined": now,
                    "login_error_count": 0,
                    "pwd_change_count": 1,
                    "gender": i % 3,
                    "user_type": 0,
                    "create_datetime": now,
                    "update_datetime": now,
                }
            )
            if len(batch) == 5000:
                conn.execute(sa.insert(User), batch)
                batch.clear()
        if batch:
            conn.execute(sa.insert(User), batch)
        user_ids = list(db.session.execute(sa.select(User.id).where(User.username.like("user%"))).scalars())
        links = [
            {"users_id": uid, "role_id": role_cycle[i % len(role_cycle)].id} for i, uid in enumerate(user_ids)
        ]
        for start in range(0, len(links), 10000):
            conn.execute(users_role.insert(), links[start : start + 10000])
        scoped_dept = levels[1][0]
        scoped = User(
            username=SCOPED_USERNAME,
            name="部门管理员",
            password=make_password(SCOPED_PASSWORD),
            dept_id=scoped_dept,
            dept_belong_id=str(scoped_dept),
            pwd_change_count=1,
        )
        scoped.role = [roles["scoped"]]
        db.session.add(scoped)
        db.session.commit()
        seed_log(f"users: {len(user_ids) + 1}, roles: {len(roles)}, in {time.perf_counter() - started:.1f}s")
        return {"root_dept": root.id, "scoped_dept": scoped_dept}


def main() -> None:
    """Fill the database named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--users", type=int, default=100_000)
    args = parser.parse_args()
    generate(args.database_url, users=args.users)


if __name__ == "__main__":
    main()
