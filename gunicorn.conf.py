"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app` (see docs/deployment.md).

Every setting here can be overridden on the command line or through
GUNICORN_CMD_ARGS; the environment variables below are read first.
"""

import multiprocessing
import os

import gunicorn.util

from app.serving import write_problem_error

# Where to listen: the reverse proxy forwards here (loopback by default).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Workers from the cores (2 per core + 1, at most 12), unless WEB_CONCURRENCY says.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(multiprocessing.cpu_count() * 2 + 1, 12))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# The app is imported once in the master (configuration errors, such as an
# unreachable Redis, stop the server before any worker starts); each worker
# then warms up in post_worker_init before it takes traffic.
preload_app = True

# Graceful reloads: `kill -HUP <master>` starts new workers and lets the old
# ones finish their requests for up to graceful_timeout seconds.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# gunicorn's own limits at their maximum, above the app's MAX_REQUEST_LINE and
# MAX_REQUEST_HEADER_FIELD: an over-long URL or header then gets the app's 414/431
# (problem+json under /api/) instead of gunicorn's HTML page.
limit_request_line = 8190
limit_request_field_size = 8190
# Beyond those limits gunicorn answers by itself: problem+json there too.
gunicorn.util.write_error = write_problem_error
# Recycle workers now and then (jittered, so they never restart together).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10

# Logs on standard output/error; access lines are JSON objects (app/serving.py).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logger_class = "app.serving.JsonAccessLogger"
# The warm-up (app/serving.py) logs how long it took at info level.
logconfig_dict = {"loggers": {"app.serving": {"level": "INFO", "handlers": ["error_console"]}}}


def post_fork(server, worker):
    """Connections opened in the master (preload) must not be shared: each worker opens its own."""
    from app.extensions import db

    with worker.app.wsgi().app_context():
        db.engine.dispose(close=False)


def post_worker_init(worker):
    """Before taking traffic: compile the templates, open the index, start the search catch-up."""
    from app.search import catchup
    from app.serving import warm_up

    app = worker.app.wsgi()
    if os.environ.get("GUNICORN_WARM_UP", "1") != "0":
        warm_up(app)
    if app.config.get("SEARCH_CATCH_UP", True):
        catchup.ensure_started(app)
