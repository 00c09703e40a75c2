"""Configuration defaults.

The chain is: these defaults, then ``instance/config.py``, then ``FLASK_*``
environment variables (``app.config.from_prefixed_env``). Secrets never live
here: ``SECRET_KEY`` comes from the instance folder or the environment.
"""

# Database: SQLite in the instance folder unless a URI is configured.
SQLALCHEMY_DATABASE_URI = None  # filled in by create_app from the instance path
SQLALCHEMY_ENGINE_OPTIONS: dict = {}

# Search: the Whoosh index directory (default: instance/search-index).
SEARCH_INDEX_DIR = None
# Apply pending index changes in the web process right after a commit.
SEARCH_SYNC_ON_COMMIT = True
# Catch-up (app/search/catchup.py): each web process notices outbox rows
# written by other nodes and applies them itself, checking every
# SEARCH_CATCH_UP_INTERVAL seconds (and woken by PostgreSQL's NOTIFY when
# SEARCH_CATCH_UP_LISTEN). False: run `flask search sync --follow` instead.
SEARCH_CATCH_UP = True
SEARCH_CATCH_UP_INTERVAL = 0.5
SEARCH_CATCH_UP_LISTEN = True
# /healthz: an index behind the outbox for longer than this (seconds) is degraded.
SEARCH_LAG_DEGRADED_SECONDS = 10
# Whether `flask search sync --follow` is meant to run beside this node;
# /healthz warns when its heartbeat is older than SEARCH_FOLLOWER_STALE_SECONDS.
SEARCH_FOLLOWER_EXPECTED = False
SEARCH_FOLLOWER_STALE_SECONDS = 30
# Search results per page on /projects and the API.
PROJECTS_PER_PAGE = 20

# Languages (app/i18n/): BCP 47 tags, the first is the default language (unprefixed
# URLs); every other one is served under /<tag in lower case>/. Each needs a catalogue
# in translations/<Babel locale id>/ (see README, "Languages"). Content translations
# (app/i18n/content.py) use the same list. The Babel default locale is the first one.
LANGUAGES = ["en", "fr", "es", "pt", "ar", "ko", "zh-Hant"]
BABEL_DEFAULT_TIMEZONE = "UTC"

# Security.
# Request size limits (bytes): a larger body answers 413 before it is read.
# MAX_CONTENT_LENGTH bounds every request body; the two form limits are
# Werkzeug's for multipart bodies (size of one text field, number of parts).
# The public CSRF-exempt forms have their own, smaller caps.
MAX_CONTENT_LENGTH = 1_000_000
MAX_FORM_MEMORY_SIZE = 500_000
MAX_FORM_PARTS = 200
INTEREST_MAX_CONTENT_LENGTH = 64_000  # /interest: its fields together, even in 4-byte characters
LITE_MAX_CONTENT_LENGTH = 4_096  # /lite: two short fields
WTF_CSRF_TIME_LIMIT = 3600 * 8
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = False  # forced on in production (see create_app)
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
# "Keep me logged in" lasts this long (seconds): members, then staff and admins,
# whose restored sessions still need a fresh login for role changes,
# deactivation and exports.
REMEMBER_COOKIE_DURATION = 30 * 24 * 3600
STAFF_REMEMBER_COOKIE_DURATION = 12 * 3600
# "production" requires a configured SECRET_KEY and secure cookies.
ENV_NAME = "development"

# Rate limits (Flask-Limiter). memory:// suits one process; use redis://
# when several workers or machines serve the site.
RATELIMIT_ENABLED = True
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_HEADERS_ENABLED = True
RATELIMIT_STRATEGY = "moving-window"
# Worker processes serving the app (None: read from gunicorn's -w/--workers,
# GUNICORN_CMD_ARGS or WEB_CONCURRENCY). With more than one and memory://
# storage, the app logs a warning at start-up.
SERVER_WORKERS = None
# Limits of the public forms (app/limits.py), counted on POST only.
LOGIN_RATE_LIMIT = "10/minute;50/hour"  # per client IP
# Per account, no hard limit (it would let anyone lock the owner out): after
# LOGIN_DELAY_AFTER_FAILURES failures within LOGIN_FAILURE_WINDOW seconds, each
# attempt on that address waits 0.5 s, doubling per failure, up to the maximum.
LOGIN_DELAY_AFTER_FAILURES = 5
LOGIN_DELAY_MAX_SECONDS = 8
LOGIN_FAILURE_WINDOW = 3600
# The current-password check on /account/password, per user and per IP.
PASSWORD_CHECK_RATE_LIMIT = "5/15 minutes;20/day"  # noqa: S105 (a limit, not a password)
RESET_RATE_LIMIT = "5/hour"  # per IP and per email address
FORM_RATE_LIMIT = "10/minute;100/day"  # registration, interest: per IP

# Compression (Flask-Compress): brotli first, gzip as fallback; ETags and
# conditional GET for pages.
COMPRESS_ALGORITHM = ["br", "gzip"]
COMPRESS_MIN_SIZE = 256
COMPRESS_BR_LEVEL = 5
COMPRESS_EVALUATE_CONDITIONAL_REQUEST = True
COMPRESS_MIMETYPES = [
    "text/html",
    "text/css",
    "text/plain",
    "text/csv",
    "text/xml",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/atom+xml",
    "application/xml",
    "image/svg+xml",
]

# Static files are fingerprinted (?v=<hash>) and cached for a year.
STATIC_MAX_AGE = 31536000

# Mail: without MAIL_SERVER, outgoing mail is written to the log.
MAIL_SERVER = None
MAIL_PORT = 587
MAIL_USE_TLS = True
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_DEFAULT_SENDER = "Smart City Exchange <no-reply@localhost>"

# Expressions of interest: the shortest time (seconds) a person takes to fill
# the form (faster is kept as suspected spam, with no email; the rate limit is FORM_RATE_LIMIT),
# and where staff are told of new ones (None: no notification email).
INTEREST_MIN_FILL_SECONDS = 3
# How long (seconds) a shown form's signed start time stays valid; it is also
# bound to the session and good for one submission.
INTEREST_FORM_MAX_AGE = 24 * 3600
# Confirmation emails to one address per 24 hours (the address is typed by a
# stranger: the limit keeps the form from becoming a way to flood someone).
INTEREST_CONFIRMATIONS_PER_ADDRESS = 3
INTEREST_NOTIFY_EMAIL = None
# Submissions per page in the staff inbox.
INTEREST_PER_PAGE = 25

# How long the emailed links stay valid (seconds): confirming an event subscription,
# answering an introduction, answering a follow-up.
EVENTS_CONFIRM_MAX_AGE = 7 * 86400
INTRODUCTION_LINK_MAX_AGE = 14 * 86400
INTRODUCTION_FOLLOW_UP_MAX_AGE = 60 * 86400

# The site's canonical external address, e.g. "https://exchange.example.org"
# (with a path if the site is mounted under one). Every absolute URL (email
# links, feed, sitemap, robots.txt, API) is built from it, never from the Host
# header. Required in production; in development, unset means the request's own
# loopback address.
PUBLIC_URL = None
# Hosts the site answers for (a list, or comma-separated); others get 400.
# Unset: the PUBLIC_URL host, plus localhost/127.0.0.1/[::1] outside production.
# A leading dot (".example.org") accepts every subdomain.
TRUSTED_HOSTS = None

# Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host
# headers are trusted (Werkzeug's ProxyFix); 0 trusts none.
PROXY_COUNT = 0

# Name shown in the header and in emails.
SITE_NAME = "Smart City Exchange"

# The longest request line (method, URL, version) and header value the app
# accepts; longer ones get 414 / 431 (problem+json under /api/). gunicorn's own
# limit_request_line / limit_request_field_size are set higher (gunicorn.conf.py:
# 8190), so these limits, not gunicorn's HTML page, answer.
MAX_REQUEST_LINE = 8100
MAX_REQUEST_HEADER_FIELD = 8000

# Open data: the licence of every case study that states none (an SPDX id),
# how many days after its "last checked" date a case study is listed for staff
# review, and the most rows one download or feed of a search carries.
DEFAULT_LICENCE = "CC-BY-4.0"
REVIEW_AFTER_DAYS = 365
EXPORT_MAX_ROWS = 10000

# Address shown on the contact page (the secretariat); unset: the page offers the interest form only.
CONTACT_EMAIL = None
# Privacy (app/privacy/): who runs the portal, named on /privacy, and how long
# personal data is kept; `flask privacy purge` applies these periods (days).
PRIVACY_OPERATOR_NAME = "The Smart City Exchange secretariat"
PRIVACY_CONTACT_EMAIL = "privacy@localhost"
RETENTION_CLOSED_INTEREST_DAYS = 730  # closed expressions of interest are then anonymised
RETENTION_SPAM_DAYS = 30  # suspected spam is then deleted
RETENTION_EMAIL_BODY_DAYS = 90  # sent (or abandoned) emails then lose their address and body
RETENTION_UNCONFIRMED_ACCOUNT_DAYS = (
    7  # accounts whose address was never confirmed are then deleted
)
