"""`flask privacy export|erase|purge` (the contract in DESIGN.md)."""

import json

import click
from flask.cli import with_appcontext

from ..database import begin_write
from ..extensions import db


@click.group("privacy")
def privacy_group():
    """Personal data: access, erasure and retention."""


@privacy_group.command("export")
@click.argument("email")
@with_appcontext
def export_command(email):
    """Print everything kept about EMAIL as JSON."""
    from .records import personal_data

    try:
        data = personal_data(email)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    db.session.rollback()
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@privacy_group.command("erase")
@click.argument("email")
@click.option("--dry-run", is_flag=True, help="Only count what would be erased; change nothing.")
@with_appcontext
def erase_command(email, dry_run):
    """Remove or anonymise everything kept about EMAIL: database, index segments, email outbox.

    It asks nothing (scripts and the contract call it as is): `--dry-run` shows the counts first.
    """
    from .erasure import erase_person, scrub_storage

    begin_write()
    try:
        counts = erase_person(email, source="cli")
    except ValueError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    if dry_run:
        db.session.rollback()
        click.echo(_counts_line("Would erase", counts))
        return
    db.session.commit()
    report = scrub_storage()
    click.echo(_counts_line("Erased", counts))
    click.echo(
        f"Search index files rewritten or removed: {report['index_files_removed']}; "
        f"database: {report['database']}."
    )


@privacy_group.command("purge")
@with_appcontext
def purge_command():
    """Apply the retention periods (idempotent: safe to run from cron)."""
    from .erasure import scrub_storage
    from .retention import purge

    begin_write()
    try:
        counts = purge()
    except ValueError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(_counts_line("Purged", counts))
    if any(counts.values()):
        report = scrub_storage()
        click.echo(f"database: {report['database']}.")


def _counts_line(verb, counts):
    return (
        f"{verb}: " + ", ".join(f"{name.replace('_', ' ')} {n}" for name, n in counts.items()) + "."
    )
