"""``flask`` commands of the core: each module in ``COMMAND_MODULES`` contributes ``COMMANDS``."""

from __future__ import annotations

from importlib import import_module

from flask import Flask

# Modules whose ``COMMANDS`` tuple joins ``flask`` (areas add theirs through their routes module).
COMMAND_MODULES = ("app.seed.commands", "app.adopt")


def register_commands(app: Flask) -> None:
    """Attach the commands to ``app.cli``."""
    for name in COMMAND_MODULES:
        for command in import_module(name).COMMANDS:
            app.cli.add_command(command)
