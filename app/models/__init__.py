"""The tables, one module per area. Importing this package registers them all."""

from .accounts import Member, User
from .catalog import Project, SearchOutbox, SearchState
from .mail import OutboundEmail

__all__ = ["Member", "OutboundEmail", "Project", "SearchOutbox", "SearchState", "User"]
