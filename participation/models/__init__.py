"""The domain's data: consultations and proposals, contributions, votes, the twin and its imports.

Models hold data and the invariants the database can keep (constraints,
field validation). Who may do what lives in ``participation.rules``, every
write in ``participation.services``, every read in ``participation.selectors``.
One module per topic; every model is importable from here.
"""

from participation.models.contributions import Channel, Contribution, ModerationState
from participation.models.pages import (
    ConsultationPage,
    ModerationMode,
    Phase,
    ProposalPage,
    ServedByView,
    VotingMethod,
)
from participation.models.twin import (
    ConsultationTwinFeature,
    ProposalTwinFeature,
    TwinFeature,
    TwinFeatureLink,
    TwinKind,
)
from participation.models.twin_imports import TwinImportJob, TwinImportStatus, _twin_import_upload_to
from participation.models.votes import ResultsRevision, Vote, VoteChoice

__all__ = [
    "Channel",
    "ConsultationPage",
    "ConsultationTwinFeature",
    "Contribution",
    "ModerationMode",
    "ModerationState",
    "Phase",
    "ProposalPage",
    "ProposalTwinFeature",
    "ResultsRevision",
    "ServedByView",
    "TwinFeature",
    "TwinFeatureLink",
    "TwinImportJob",
    "TwinImportStatus",
    "TwinKind",
    "Vote",
    "VoteChoice",
    "VotingMethod",
    "_twin_import_upload_to",
]
