"""``flask`` commands of the core."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

DEV_PASSWORD = "admin123456"


@click.command("create-dev-superuser")
@click.option("--username", default="superadmin", show_default=True)
@click.option("--password", default=None, help="Raw password (development default: admin123456).")
@with_appcontext
def create_dev_superuser(username: str, password: str | None) -> None:
    """Create a department, the admin role and a superuser, unless the user exists."""
    import sqlalchemy as sa

    from app.core.passwords import make_password, policy_errors
    from app.extensions import db
    from blueprints.dept.models import Dept
    from blueprints.role.models import Role
    from blueprints.user.models import User

    production = current_app.config["APP_ENV"] == "production"
    if password is None:
        if production:
            raise click.ClickException("in production give --password (the well-known default is refused)")
        password = DEV_PASSWORD
    elif production and policy_errors(password):
        raise click.ClickException(policy_errors(password))
    existing = db.session.execute(
        sa.select(User).where(sa.func.lower(User.username) == username.lower())
    ).scalar_one_or_none()
    if existing is not None:
        click.echo(f"user {existing.username!r} exists; nothing changed")
        return
    dept = db.session.execute(sa.select(Dept).order_by(Dept.id).limit(1)).scalar_one_or_none()
    if dept is None:
        dept = Dept(name="DVAdmin团队", key="dvadmin", sort=1, status=True)
        db.session.add(dept)
        db.session.flush()
    role = db.session.execute(sa.select(Role).where(Role.key == "admin")).scalar_one_or_none()
    if role is None:
        role = Role(name="管理员", key="admin", sort=1, status=True)
        db.session.add(role)
        db.session.flush()
    user = User(
        username=username,
        name="超级管理员",
        password=make_password(password),
        is_superuser=True,
        is_staff=True,
        is_active=True,
        dept_id=dept.id,
        dept_belong_id=str(dept.id),
    )
    user.role = [role]
    db.session.add(user)
    db.session.commit()
    click.echo(f"created superuser {username!r} in dept {dept.name!r}")


# Modules whose ``COMMANDS`` tuple joins ``flask`` (areas add theirs through their routes module).
COMMAND_MODULES = ("app.seed.commands", "app.adopt")


def register_commands(app: Flask) -> None:
    """Attach the commands to ``app.cli``."""
    from importlib import import_module

    app.cli.add_command(create_dev_superuser)
    for name in COMMAND_MODULES:
        for command in import_module(name).COMMANDS:
            app.cli.add_command(command)
