"""Everything Whoosh. Nothing outside this package imports whoosh."""

from ..models import Project
from .outbox import enqueue, track


def init_app(app):
    track(Project, "projects")


__all__ = ["enqueue", "init_app", "track"]
