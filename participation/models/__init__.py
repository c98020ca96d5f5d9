"""The domain's data: consultations and proposals, participants, contributions, votes, polls, paper
entries, news, follows and notifications, the twin and its imports, exports.

Models hold data and the invariants the database can keep (constraints,
field validation). Who may do what lives in ``participation.rules``, every
write in ``participation.services``, every read in ``participation.selectors``.
One module per topic; every model is importable from here.
"""

from participation.models.analog import AnalogCount, AnalogEntry
from participation.models.contributions import (
    Channel,
    Contribution,
    ContributionRevision,
    ModerationState,
    OfficialAnswer,
)
from participation.models.exports import ExportFormat, ExportJob
from participation.models.jobs import JobStatus
from participation.models.moderation import (
    DECISION_REASON_MAX_LENGTH,
    FLAG_NOTE_MAX_LENGTH,
    DecisionAction,
    Flag,
    FlagReason,
    ModerationDecision,
    ModeratorMail,
    ModeratorSettings,
)
from participation.models.news import NewsPage
from participation.models.notifications import (
    Delivery,
    Follow,
    Notification,
    NotificationKind,
    NotificationSettings,
)
from participation.models.open_data import OpenDataDump
from participation.models.pages import (
    ConsultationPage,
    ModerationMode,
    Phase,
    PhaseAnnouncement,
    ProposalPage,
    ServedByView,
    VotingMethod,
)
from participation.models.participants import Participant, ParticipantKind
from participation.models.polls import (
    SCALE_VALUES,
    WORD_ANSWER_MAX_LENGTH,
    Poll,
    PollAnswer,
    PollChoice,
    PollKind,
    PollOption,
    PollState,
    Question,
    Upvote,
)
from participation.models.sites import CityProfile
from participation.models.twin import (
    BUILDING_KINDS,
    KIND_SEARCH_WORDS,
    ConsultationTwinFeature,
    ProposalTwinFeature,
    TwinFeature,
    TwinFeatureLink,
    TwinKind,
    twin_label,
)
from participation.models.twin_imports import TwinImportJob, TwinImportStatus, _twin_import_upload_to
from participation.models.votes import RATING_VALUES, RatingValue, ResultsRevision, Vote, VoteChoice

__all__ = [
    "BUILDING_KINDS",
    "DECISION_REASON_MAX_LENGTH",
    "FLAG_NOTE_MAX_LENGTH",
    "KIND_SEARCH_WORDS",
    "RATING_VALUES",
    "SCALE_VALUES",
    "WORD_ANSWER_MAX_LENGTH",
    "AnalogCount",
    "AnalogEntry",
    "Channel",
    "CityProfile",
    "ConsultationPage",
    "ConsultationTwinFeature",
    "Contribution",
    "ContributionRevision",
    "DecisionAction",
    "Delivery",
    "ExportFormat",
    "ExportJob",
    "Flag",
    "FlagReason",
    "Follow",
    "JobStatus",
    "ModerationDecision",
    "ModerationMode",
    "ModerationState",
    "ModeratorMail",
    "ModeratorSettings",
    "NewsPage",
    "Notification",
    "NotificationKind",
    "NotificationSettings",
    "OfficialAnswer",
    "OpenDataDump",
    "Participant",
    "ParticipantKind",
    "Phase",
    "PhaseAnnouncement",
    "Poll",
    "PollAnswer",
    "PollChoice",
    "PollKind",
    "PollOption",
    "PollState",
    "ProposalPage",
    "ProposalTwinFeature",
    "Question",
    "RatingValue",
    "ResultsRevision",
    "ServedByView",
    "TwinFeature",
    "TwinFeatureLink",
    "TwinImportJob",
    "TwinImportStatus",
    "TwinKind",
    "Upvote",
    "Vote",
    "VoteChoice",
    "VotingMethod",
    "_twin_import_upload_to",
    "twin_label",
]
