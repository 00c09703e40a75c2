"""Progressive delay per account for logins: it slows guessing without locking anyone out.

A hard limit per email address lets anyone lock a real user out by failing
on purpose. Instead, failures are counted per address (in the rate-limit
storage, so every worker sees them; redis:// in production), and once an
address has LOGIN_DELAY_AFTER_FAILURES recent failures, every attempt on it
waits before the password is checked, twice as long per further failure, up
to LOGIN_DELAY_MAX_SECONDS. The right password is still accepted, from any
client: guessing slows to a crawl while the owner just waits a few seconds.
Guessing from one address is cut off by the per-IP limit (LOGIN_RATE_LIMIT).
"""

import hashlib
import time

from flask import current_app

from .extensions import limiter

#: The wait itself; tests replace it to record the delays.
sleep = time.sleep


def _key(email):
    digest = hashlib.sha256(email.encode()).hexdigest()[:32]
    return f"{current_app.config.get('RATELIMIT_KEY_PREFIX', '')}login-failures:{digest}"


def _enabled():
    return current_app.config["RATELIMIT_ENABLED"]


def recent_failures(email):
    if not _enabled():
        return 0
    return limiter.storage.get(_key(email)) or 0


def record_failure(email):
    """Count a failed login on `email` for LOGIN_FAILURE_WINDOW seconds."""
    if _enabled():
        limiter.storage.incr(_key(email), current_app.config["LOGIN_FAILURE_WINDOW"])


def delay_for(failures):
    """Seconds to wait before checking a password, after `failures` recent failures."""
    config = current_app.config
    extra = failures - config["LOGIN_DELAY_AFTER_FAILURES"]
    if extra < 0:
        return 0.0
    return min(0.5 * 2**extra, float(config["LOGIN_DELAY_MAX_SECONDS"]))


def wait_before_checking(email):
    """Sleep as long as the address's recent failures ask for (no sleep at first)."""
    delay = delay_for(recent_failures(email))
    if delay:
        sleep(delay)
    return delay
