"""``flask example-hello``: the plugin's CLI command."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db
from plugins.example.models import Note


@click.command("example-hello")
@with_appcontext
def example_hello() -> None:
    """Print the plugin's greeting and how many notes there are."""
    count = db.session.execute(sa.select(sa.func.count()).select_from(Note)).scalar_one()
    click.echo(f"{current_app.config.get('EXAMPLE_GREETING', 'hello')} ({count} notes)")
