"""Flask CLI commands (each documented in README.md): seed, catalog, search, interest, users."""

import sys

import click
from flask.cli import with_appcontext


@click.command("seed")
@with_appcontext
def seed_command():
    """Load the bundled demo data (idempotent: records are upserted by slug)."""
    from .database import begin_write
    from .extensions import db
    from .seed import SEEDERS

    # Each seeder runs in the one transaction below and never commits.
    begin_write()
    for name, seeder in SEEDERS:
        click.echo(f"{name}: {seeder()}")
    db.session.commit()
    click.echo("Demo data loaded.")


@click.group("catalog")
def catalog_group():
    """Import and export the project catalogue."""


@catalog_group.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--skip-invalid", is_flag=True, help="Import the valid records, report the others.")
@with_appcontext
def catalog_import_command(path, skip_invalid):
    """Import projects from a JSON array, JSON Lines or CSV file (updates by slug)."""
    from .catalog.io import ImportFileError, read_records
    from .catalog.records import prepare_records, upsert_projects
    from .database import begin_write
    from .extensions import db

    try:
        records = read_records(path)
    except ImportFileError as error:
        raise click.ClickException(f"{path}: {error}") from None
    valid, problems = prepare_records(records)
    for number, field_name, message in problems:
        click.echo(f"{path}:record {number}: {field_name}: {message}", err=True)
    invalid_count = len({number for number, _, _ in problems})
    if problems and not skip_invalid:
        click.echo(f"{invalid_count} invalid record(s): nothing imported.", err=True)
        raise SystemExit(1)

    begin_write()
    show_progress = len(valid) >= 1000
    with click.progressbar(
        length=len(valid), label="Importing", file=sys.stderr, hidden=not show_progress
    ) as progress:
        result = upsert_projects(valid, progress)
    db.session.commit()
    click.echo(f"Imported {len(valid)} record(s): {result}.")
    if problems:
        click.echo(f"Skipped {invalid_count} invalid record(s).", err=True)


@catalog_group.command("export")
@with_appcontext
def catalog_export_command():
    """Write every project as JSON Lines on standard output (re-importable)."""
    from .catalog.io import export_lines

    for line in export_lines():
        click.echo(line)


@click.group("awards")
def awards_group():
    """Award editions: winners, judges and sessions."""


@awards_group.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def awards_import_command(path):
    """Import one edition (or a JSON array of editions); all or nothing, updates by slug."""
    from .awards.io import AwardImportError, import_documents, read_documents
    from .database import begin_write
    from .extensions import db

    begin_write()
    try:
        editions = import_documents(read_documents(path))
    except AwardImportError as error:
        db.session.rollback()
        for field_path, message in error.problems:
            click.echo(f"{path}:{field_path}: {message}", err=True)
        click.echo(f"{len(error.problems)} problem(s): nothing imported.", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    for edition in editions:
        click.echo(f"Imported {edition.title} ({edition.slug}): {len(edition.winners)} winner(s).")


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


@click.group("search")
def search_group():
    """Keep the search indexes in step with the database."""


@search_group.command("rebuild")
@with_appcontext
def search_rebuild_command():
    """Rebuild every index from the database into a new directory, swapped in atomically."""
    from .search import prune_outbox, rebuild_index

    count = rebuild_index()
    prune_outbox()
    click.echo(f"Indexed {count} document(s).")


@search_group.command("sync")
@click.option("--follow", is_flag=True, help="Keep running and apply new changes as they arrive.")
@click.option("--interval", default=0.5, show_default=True, help="Seconds between polls.")
@with_appcontext
def search_sync_command(follow, interval):
    """Apply pending changes (the outbox) to every index."""
    from sqlalchemy.exc import SQLAlchemyError

    from .extensions import db
    from .search import prune_outbox, sync_pending
    from .search.health import HEARTBEAT_SECONDS, record_heartbeat

    if not follow:
        click.echo(f"Applied {sync_pending()} change(s).")
        return
    import time

    click.echo("Following the search outbox (Ctrl-C to stop).")
    last_prune = last_beat = 0.0
    try:
        while True:
            try:
                if time.monotonic() - last_beat > HEARTBEAT_SECONDS:
                    record_heartbeat()
                    last_beat = time.monotonic()
                applied = sync_pending()
                if applied:
                    click.echo(f"Applied {applied} change(s).")
                if time.monotonic() - last_prune > 60:
                    prune_outbox()
                    last_prune = time.monotonic()
            except SQLAlchemyError as error:
                # The database restarting: keep following once it is back.
                db.session.rollback()
                click.echo(f"Database unavailable ({type(error).__name__}); retrying.", err=True)
                time.sleep(2.0)
            time.sleep(min(max(interval, 0.05), 5.0))
    except KeyboardInterrupt:
        click.echo("Stopped.")


@search_group.command("check")
@with_appcontext
def search_check_command():
    """Report documents missing from or orphaned in every index; exit 1 when there are any."""
    from sqlalchemy.exc import SQLAlchemyError

    from .search import check_index
    from .search.registry import index_names

    problems = 0
    for name in index_names():
        try:
            report = check_index(name)
        except SQLAlchemyError:
            raise  # the database, not an index: nothing can be checked
        except Exception as error:  # one damaged index is reported; the others are still checked
            click.echo(
                f"{name}: cannot be read ({type(error).__name__}): run `flask search rebuild`."
            )
            problems += 1
            continue
        for entity_id in report["missing"]:
            click.echo(f"missing: {name} {entity_id}")
        for entity_id in report["orphaned"]:
            click.echo(f"orphaned: {name} {entity_id}")
        click.echo(
            f"{name}: {len(report['missing'])} missing, {len(report['orphaned'])} orphaned, "
            f"{report['stale']} change(s) pending."
        )
        problems += len(report["missing"]) + len(report["orphaned"])
    if problems:
        raise SystemExit(1)


@click.group("interest")
def interest_group():
    """Expressions of interest."""


@interest_group.command("export")
@click.option(
    "--format",
    "export_format",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
)
@with_appcontext
def interest_export_command(export_format):
    """Write every expression of interest (suspected spam included) to standard output, newest first."""
    from .extensions import db
    from .interest.export import export_interests
    from .interest.inbox import InboxFilter, filtered_interests

    stmt, _degraded = filtered_interests(InboxFilter(spam="all"))
    click.echo(export_interests(db.session.scalars(stmt), export_format), nl=False)


@interest_group.command("follow-ups")
@with_appcontext
def interest_follow_ups_command():
    """Ask both parties how it went, 30 and 90 days after they accepted an introduction (idempotent)."""
    from .database import begin_write
    from .extensions import db
    from .interest.introductions import send_due_follow_ups

    begin_write()
    sent = send_due_follow_ups()
    db.session.commit()
    click.echo(f"Queued {sent} follow-up email(s).")


@click.group("events")
def events_group():
    """Events and the list of addresses that asked to hear about them."""


@events_group.command("announce")
@click.argument("slug")
@with_appcontext
def events_announce_command(slug):
    """Email every confirmed subscriber about the event SLUG, once (a second run sends nothing)."""
    from .database import begin_write
    from .events.subscriptions import announce_event, event_by_slug_for_cli
    from .extensions import db

    begin_write()
    event = event_by_slug_for_cli(slug)
    if event is None:
        raise click.ClickException(f"no event {slug!r}")
    from .events.records import today_utc

    if event.date < today_utc():
        raise click.ClickException(
            f"{slug} took place on {event.date}: only upcoming events are announced"
        )
    if event.announced_at is not None:
        click.echo(
            f"{slug} was already announced on {event.announced_at:%Y-%m-%d %H:%M} UTC; nothing sent."
        )
        return
    count = announce_event(event)
    db.session.commit()
    click.echo(f"Queued {count} announcement email(s).")


@click.group("users")
def users_group():
    """Manage the people who log in."""


@users_group.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["member", "staff", "admin"]), required=True)
@click.option("--name", default="", help="The person's name.")
@with_appcontext
def users_create_command(email, role, name):
    """Create an account; the password is asked twice (or read as two lines from stdin)."""
    from .users import UserError, create_user, read_new_password

    try:
        password = read_new_password()
        user = create_user(email, role, password, name=name)
    except UserError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {user.role} {user.email}.")


def register_commands(app):
    app.cli.add_command(seed_command)
    app.cli.add_command(catalog_group)
    app.cli.add_command(search_group)
    app.cli.add_command(awards_group)
    app.cli.add_command(mail_group)
    app.cli.add_command(interest_group)
    app.cli.add_command(users_group)
    app.cli.add_command(events_group)

    from .privacy.cli import privacy_group

    app.cli.add_command(privacy_group)
