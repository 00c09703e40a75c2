"""Creating accounts from the command line (`flask users create`).

There are no default accounts: every account is created by a person, through
registration or this command.
"""

import sys

import click
from email_validator import EmailNotValidError, validate_email

from .accounts import new_session_token, normalise_email
from .clock import utcnow
from .database import begin_write
from .extensions import db
from .models import User
from .passwords import hash_password, password_problem


class UserError(Exception):
    """A reason the account cannot be created, shown to the operator."""


def read_new_password():
    """Prompt twice on a terminal; otherwise read two lines from standard input."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    first, second = sys.stdin.readline().rstrip("\r\n"), sys.stdin.readline().rstrip("\r\n")
    if first != second:
        raise UserError("The two passwords do not match.")
    return first


def create_user(email, role, password, name=""):
    """Validate and create an account (committed); raises UserError."""
    try:
        email = normalise_email(validate_email(email, check_deliverability=False).normalized)
    except EmailNotValidError as error:
        raise UserError(f"Invalid email address: {error}") from None
    problem = password_problem(password)
    if problem:
        raise UserError(f"Password refused: {problem}")
    begin_write()
    if db.session.scalar(db.select(User.id).where(User.email == email)) is not None:
        db.session.rollback()
        raise UserError(f"An account with the email {email} already exists.")
    user = User(
        email=email,
        name=name,
        role=role,
        password_hash=hash_password(password),
        session_token=new_session_token(),
        # An operator creates it for someone they know: no confirmation link needed.
        email_verified_at=utcnow(),
    )
    db.session.add(user)
    db.session.commit()
    return user
