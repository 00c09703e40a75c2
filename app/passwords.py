"""Password hashing (Argon2id) and the password policy."""

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext

_hasher = PasswordHasher()  # argon2-cffi's defaults follow RFC 9106's recommendations


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


MIN_LENGTH = 8
MAX_LENGTH = 1000  # long passphrases are welcome; the cap only stops hashing megabytes
COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def password_problem(password: str) -> str | None:
    """Why `password` breaks the policy (a translated message), or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return gettext("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return gettext("Use at most %(n)d characters.", n=MAX_LENGTH)
    if password.strip().lower() in common_passwords():
        return gettext("This password is too common. Choose one that is harder to guess.")
    return None


@cache
def _dummy_hash() -> str:
    return hash_password("not-a-real-password-only-for-timing")


def burn_verification_time(password: str) -> None:
    """Verify against a throwaway hash so an unknown email takes as long as a known one."""
    verify_password(_dummy_hash(), password)
