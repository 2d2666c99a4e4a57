"""``flask purge-logs``: delete login and operation log rows past the retention period."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.core.timeutil import format_datetime
from blueprints.log import services


@click.command("purge-logs")
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=None,
    help="Keep this many days (default: config LOG_RETENTION_DAYS, 180; 0 keeps everything).",
)
@click.option("--dry-run", is_flag=True, help="Only count the rows that would be deleted.")
@click.option("--batch", type=click.IntRange(min=1), default=services.PURGE_BATCH, show_default=True)
@with_appcontext
def purge_logs(days: int | None, dry_run: bool, batch: int) -> None:
    """Delete login-log and operation-log rows older than the retention period."""
    days = services.retention_days() if days is None else days
    if days == 0:
        click.echo("retention is 0 days: logs are kept forever, nothing purged")
        return
    cutoff = services.purge_cutoff(days)
    counts = services.purge_logs(cutoff, dry_run=dry_run, batch=batch)
    verb = "would delete" if dry_run else "deleted"
    for name, count in counts.items():
        click.echo(f"{name}: {verb} {count} rows created before {format_datetime(cutoff)}")
