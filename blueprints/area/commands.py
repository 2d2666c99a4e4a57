"""``flask init-area``: load China's provinces, cities and counties into the area table."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from blueprints.area import services


@click.command("init-area")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A pca-code.json style tree [{code, name, children}] (default: the bundled china-division file).",
)
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 10000))
@with_appcontext
def init_area(path: Path | None, batch_size: int) -> None:
    """Insert missing areas and rename changed ones; a repeat run changes nothing.

    All in one transaction: on any failure nothing is written. Areas the file does not know,
    and the parent, level and enabled flag of the ones it knows, are left as they are.
    """
    started = time.monotonic()
    source = path or services.DATA_FILE
    try:
        records = services.read_division_file(source)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise click.ClickException(f"cannot read {source}: {exc}") from exc
    with click.progressbar(length=len(records), label="init-area") as bar:
        try:
            result = services.sync_areas(records, batch_size=batch_size, progress=bar.update)
        except Exception as exc:
            raise click.ClickException(f"init-area failed, nothing was written: {exc}") from exc
    seconds = time.monotonic() - started
    if not result.changed:
        click.echo(
            f"init-area: nothing to do, all {result.total} areas of {source.name} are up to date ({seconds:.1f} s)"
        )
        return
    click.echo(
        f"init-area: {result.total} areas in {source.name}: {result.inserted} inserted, "
        f"{result.renamed} renamed, {result.total - result.inserted - result.renamed} unchanged ({seconds:.1f} s)"
    )
