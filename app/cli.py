"""``flask`` commands of the core."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext


@click.command("create-dev-superuser", hidden=True)
@click.option("--password", default=None, help="Raw password for the seeded users.")
@click.pass_context
@with_appcontext
def create_dev_superuser(ctx: click.Context, password: str | None) -> None:
    """Deprecated: runs ``flask init --no-input`` (kept until bench/ calls ``flask init``)."""
    from app.seed.commands import init_command

    ctx.invoke(init_command, no_input=True, password=password)


# Modules whose ``COMMANDS`` tuple joins ``flask`` (areas add theirs through their routes module).
COMMAND_MODULES = ("app.seed.commands", "app.adopt")


def register_commands(app: Flask) -> None:
    """Attach the commands to ``app.cli``."""
    from importlib import import_module

    app.cli.add_command(create_dev_superuser)
    for name in COMMAND_MODULES:
        for command in import_module(name).COMMANDS:
            app.cli.add_command(command)
