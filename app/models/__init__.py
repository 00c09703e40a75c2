"""The tables, one module per area. Importing this package registers them all."""

from .accounts import Member, User
from .catalog import Project, SearchOutbox, SearchState

__all__ = ["Member", "Project", "SearchOutbox", "SearchState", "User"]
