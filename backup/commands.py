"""``vrp backup FILE`` and ``vrp restore FILE``: thin wrappers over ``backup.services``.

A refusal is one line on stderr and exit code 1, never a traceback; nothing is written.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from backup.archive import BackupError
from backup.services import create_backup, restore_backup

FILE = click.Path(dir_okay=False, path_type=Path)


@click.command("backup", help="Write the whole database to FILE (gzip-compressed JSON lines).")
@click.argument("file", type=FILE)
@click.option("--force", is_flag=True, help="Replace FILE if it already exists.")
@with_appcontext
def backup_command(file: Path, force: bool) -> None:
    try:
        summary = create_backup(file, overwrite=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Backed up {summary.rows} rows in {summary.tables} tables at schema revision "
        f"{summary.schema_revision} to {summary.path} (sha256 {summary.checksum})."
    )


@click.command(
    "restore",
    short_help="Load a backup FILE into an empty database, all or nothing.",
    help="Load a backup FILE into this empty database, migrated first with `vrp db upgrade`; "
    "all or nothing.",
)
@click.argument("file", type=FILE)
@with_appcontext
def restore_command(file: Path) -> None:
    def report(table: str, rows: int) -> None:
        click.echo(f"  {table}: {rows} row{'' if rows == 1 else 's'}")

    try:
        summary = restore_backup(file, on_table=report)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Restored {summary.rows} rows in {summary.tables} tables from a backup of a "
        f"{summary.database} database taken at {summary.created_at} (schema revision "
        f"{summary.schema_revision}, app version {summary.app_version})."
    )
