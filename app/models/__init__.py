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
from .catalog import Project, ProjectReview
from .events import Event, EventSession, EventSpeaker, EventSubscription
from .interest import Interest, InterestEvent
from .introductions import Introduction, IntroductionFollowUp, IntroductionParty
from .mail import OutboundEmail
from .matchmaking import Challenge, Match, Solution
from .privacy import PrivacyLogEntry
from .search import SearchOutbox, SearchState

__all__ = [
    "AwardCategory",
    "AwardEdition",
    "AwardJudge",
    "AwardProgramme",
    "AwardSession",
    "AwardWinner",
    "Challenge",
    "Event",
    "EventSession",
    "EventSpeaker",
    "EventSubscription",
    "Interest",
    "InterestEvent",
    "Introduction",
    "IntroductionFollowUp",
    "IntroductionParty",
    "Match",
    "Member",
    "OutboundEmail",
    "PrivacyLogEntry",
    "Project",
    "ProjectReview",
    "SearchOutbox",
    "SearchState",
    "Solution",
    "User",
]
