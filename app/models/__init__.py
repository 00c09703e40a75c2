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
from .matchmaking import Challenge, Match, Solution

__all__ = [
    "AwardCategory",
    "AwardEdition",
    "AwardJudge",
    "AwardProgramme",
    "AwardSession",
    "AwardWinner",
    "Challenge",
    "Interest",
    "InterestEvent",
    "Match",
    "Member",
    "OutboundEmail",
    "Project",
    "SearchOutbox",
    "SearchState",
    "Solution",
    "User",
]
