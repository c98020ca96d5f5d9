"""Every write of the domain. Views, the API, consumers, commands and tasks call these.

Each service checks permissions, validates, writes in one transaction and
schedules its side effects (live broadcasts, tasks) to run after the commit.
One module per topic; the names are re-exported here.
"""

from participation.services.contributions import moderate_contribution, post_contribution, tie_to_twin_feature
from participation.services.pages import add_consultation, add_proposal, tie_twin_features
from participation.services.twin_features import import_twin_file
from participation.services.twin_imports import run_twin_import_job, start_twin_import
from participation.services.votes import cast_vote

__all__ = [
    "add_consultation",
    "add_proposal",
    "cast_vote",
    "import_twin_file",
    "moderate_contribution",
    "post_contribution",
    "run_twin_import_job",
    "start_twin_import",
    "tie_to_twin_feature",
    "tie_twin_features",
]
