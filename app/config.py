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
# Search results per page on /projects and the API.
PROJECTS_PER_PAGE = 20

# Babel: every string marked for translation.
BABEL_DEFAULT_LOCALE = "en"
BABEL_DEFAULT_TIMEZONE = "UTC"
# The languages of the interface and of content translations (BCP 47); the first is the default.
LANGUAGES = ["en", "fr", "es", "pt", "ar", "ko", "zh-Hant"]

# Security.
WTF_CSRF_TIME_LIMIT = 3600 * 8
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = False  # forced on in production (see create_app)
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
# "production" requires a configured SECRET_KEY and secure cookies.
ENV_NAME = "development"

# Rate limits (Flask-Limiter). memory:// suits one process; use redis://
# when several workers or machines serve the site.
RATELIMIT_ENABLED = True
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_HEADERS_ENABLED = True
RATELIMIT_STRATEGY = "moving-window"
# Limits of the public forms (app/limits.py), counted on POST only.
LOGIN_RATE_LIMIT = "10/minute;50/hour"  # per client IP
LOGIN_EMAIL_RATE_LIMIT = "20/hour"  # per email address typed, whatever the IP
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
INTEREST_NOTIFY_EMAIL = None
# Submissions per page in the staff inbox.
INTEREST_PER_PAGE = 25

# Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host
# headers are trusted (Werkzeug's ProxyFix); 0 trusts none.
PROXY_COUNT = 0

# Name shown in the header and in emails.
SITE_NAME = "Smart City Exchange"

# Address shown on the contact page (the secretariat); unset: the page offers the interest form only.
CONTACT_EMAIL = None
