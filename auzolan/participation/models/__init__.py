from auzolan.participation.models.budgets import Ballot, BallotLine, Budget, Project
from auzolan.participation.models.comments import MAX_COMMENT_DEPTH, Comment, CommentVersion, Report, UserBlock
from auzolan.participation.models.follows import Follow
from auzolan.participation.models.followup import FollowUp, FollowUpUpdate
from auzolan.participation.models.processes import (
    District,
    Guide,
    Phase,
    Process,
    ProcessTransition,
    Theme,
    VerificationLevel,
)
from auzolan.participation.models.proposals import Category, Proposal, ProposalAttachment, ProposalImage, Support
from auzolan.participation.models.surveys import Answer, Choice, Question, Survey, SurveyResponse
from auzolan.participation.models.verification import AccessCode, CensusEntry, CensusList, Residency

__all__ = [
    "MAX_COMMENT_DEPTH",
    "AccessCode",
    "Answer",
    "Ballot",
    "BallotLine",
    "Budget",
    "Category",
    "CensusEntry",
    "CensusList",
    "Choice",
    "Comment",
    "CommentVersion",
    "District",
    "Follow",
    "FollowUp",
    "FollowUpUpdate",
    "Guide",
    "Phase",
    "Process",
    "ProcessTransition",
    "Project",
    "Proposal",
    "ProposalAttachment",
    "ProposalImage",
    "Question",
    "Report",
    "Residency",
    "Support",
    "Survey",
    "SurveyResponse",
    "Theme",
    "UserBlock",
    "VerificationLevel",
]
