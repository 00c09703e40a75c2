"""Serving with gunicorn (gunicorn.conf.py): the worker warm-up, JSON-lines access logs,
and problem+json for the errors gunicorn answers before the app sees a request.
"""

import json
import logging
import time
from datetime import UTC, datetime

from gunicorn import util
from gunicorn.glogging import Logger

log = logging.getLogger(__name__)

# What a fresh worker renders once before it takes traffic: every main page
# type's templates get compiled and the search index opened (with its
# postings cache) and the database pool connected.
WARM_UP_PATHS = ("/", "/projects", "/projects?q=city", "/awards", "/members", "/interest")


def warm_up(app, paths=WARM_UP_PATHS):
    """Request the main pages once through the app itself; returns {path: status}.

    Runs in each worker after the fork (post_worker_init), so what it
    compiles and opens belongs to that worker. A failure (the database not
    up yet) is logged and the worker starts anyway: it would answer the same
    way on its first real request.
    """
    base_url = (app.config.get("PUBLIC_URL") or "http://localhost").rstrip("/")
    client = app.test_client()
    statuses = {}
    started = time.perf_counter()
    for path in paths:
        try:
            statuses[path] = client.get(path, base_url=base_url).status_code
        except Exception:  # the worker still starts; its requests will say what is wrong
            log.warning("warm-up request %s failed", path, exc_info=True)
            statuses[path] = None
    log.info("warm-up: %d page(s) in %.0f ms", len(paths), (time.perf_counter() - started) * 1000)
    return statuses


class JsonAccessLogger(Logger):
    """gunicorn's logger with one JSON object per line in the access log.

    json.dumps escapes whatever a client sends (quotes in a User-Agent cannot
    break the line). Fields: time (UTC, ISO 8601), remote, method, path,
    query, status, bytes, duration_ms, referer, agent, pid.
    """

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        record = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "remote": environ.get("REMOTE_ADDR"),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "query": environ.get("QUERY_STRING") or None,
            "status": int(status) if str(status).isdigit() else status,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 2),
            "referer": environ.get("HTTP_REFERER"),
            "agent": environ.get("HTTP_USER_AGENT"),
            "pid": _pid(),
        }
        try:
            self.access_log.info(json.dumps(record, ensure_ascii=False))
        except Exception:
            self.exception("writing the access log failed")


def write_problem_error(sock, status_int, reason, mesg):
    """gunicorn's own error answer (a request line or header beyond its hard limits, a
    malformed request) as an RFC 9457 problem document instead of its HTML page.

    Installed over ``gunicorn.util.write_error`` by gunicorn.conf.py. gunicorn's
    message (`mesg`) is not echoed: it can quote the client's bytes.
    """
    body = json.dumps(
        {
            "type": "about:blank",
            "title": reason,
            "status": status_int,
            "detail": _GUNICORN_DETAILS.get(status_int, "The server could not read this request."),
        }
    ).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/problem+json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Cache-Control: no-store\r\n\r\n"
    ).encode("latin-1")
    util.write_nonblock(sock, head + body)


_GUNICORN_DETAILS = {
    400: "The server could not read this request.",
    414: "The request URL is too long.",
    417: "The Expect header of this request is not supported.",
    431: "A request header is too large, or there are too many.",
    500: "The server failed to answer this request.",
    501: "The transfer coding of this request is not supported.",
}


def _pid():
    import os

    return os.getpid()
