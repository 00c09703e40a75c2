"""The mail outbox: queued in the caller's transaction, sent by `flask mail send`."""

import smtplib

from app.extensions import db
from app.mail import MAX_ATTEMPTS, queue_email, send_pending
from app.models import OutboundEmail


def all_emails(app):
    with app.app_context():
        return db.session.scalars(db.select(OutboundEmail).order_by(OutboundEmail.id)).all()


def test_queue_email_joins_the_callers_transaction(app):
    with app.app_context():
        queue_email("a@example.org", "Rolled back", "body")
        db.session.rollback()
        queue_email("b@example.org", "Committed", "body")
        db.session.commit()
    assert [email.subject for email in all_emails(app)] == ["Committed"]


def test_send_without_mail_server_writes_to_the_log(app, runner, caplog):
    with app.app_context():
        queue_email("a@example.org", "Hello", "The body text")
        db.session.commit()
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent 1 email(s), 0 failed." in result.output
    assert "The body text" in caplog.text
    (email,) = all_emails(app)
    assert email.sent_at is not None and email.attempts == 1
    # Sent emails are not sent again.
    assert "Sent 0 email(s)" in runner.invoke(args=["mail", "send"]).output


class FakeSMTP:
    """Records messages instead of talking to a server; `fail` makes it refuse."""

    sent: list = []
    fail = False

    def __init__(self, host, port, timeout):
        self.host, self.port = host, port

    def __enter__(self):
        if FakeSMTP.fail:
            raise smtplib.SMTPConnectError(421, "try later")
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, username, password):
        self.username = username

    def send_message(self, message):
        FakeSMTP.sent.append(message)


def test_smtp_delivery_and_retry_after_failure(app, monkeypatch):
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setattr(FakeSMTP, "sent", [])
    app.config.update(MAIL_SERVER="smtp.example.org", MAIL_USERNAME="user", MAIL_PASSWORD="pw")
    with app.app_context():
        queue_email("a@example.org", "Reset your password", "Follow the link")
        db.session.commit()

        monkeypatch.setattr(FakeSMTP, "fail", True)
        assert send_pending() == (0, 1)
        (email,) = all_emails(app)
        assert email.sent_at is None and email.attempts == 1
        assert "SMTPConnectError" in email.last_error

        monkeypatch.setattr(FakeSMTP, "fail", False)
        assert send_pending() == (1, 0)
    (email,) = all_emails(app)
    assert email.sent_at is not None and email.attempts == 2 and email.last_error == ""
    (message,) = FakeSMTP.sent
    assert message["To"] == "a@example.org"
    assert message["Subject"] == "Reset your password"
    assert message["From"] == app.config["MAIL_DEFAULT_SENDER"]


def test_gives_up_after_max_attempts(app, monkeypatch):
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setattr(FakeSMTP, "fail", True)
    app.config.update(MAIL_SERVER="smtp.example.org")
    with app.app_context():
        queue_email("a@example.org", "Hi", "body")
        db.session.commit()
        for _ in range(MAX_ATTEMPTS + 2):
            send_pending()
    (email,) = all_emails(app)
    assert email.attempts == MAX_ATTEMPTS and email.sent_at is None
