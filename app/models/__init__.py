"""The tables, one module per area. Importing this package registers them all."""

from .accounts import Member, User
from .awards import (
    AwardCategory,
    AwardEdition,
    AwardJudge,
    AwardProgramme,
    AwardSession,
    AwardWinner,
)
from .catalog import Project, SearchOutbox, SearchState
from .interest import Interest, InterestEvent
from .mail import OutboundEmail
from .privacy import PrivacyLogEntry

__all__ = [
    "AwardCategory",
    "AwardEdition",
    "AwardJudge",
    "AwardProgramme",
    "AwardSession",
    "AwardWinner",
    "Interest",
    "InterestEvent",
    "Member",
    "OutboundEmail",
    "PrivacyLogEntry",
    "Project",
    "SearchOutbox",
    "SearchState",
    "User",
]
