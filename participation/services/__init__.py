"""Every write of the domain. Views, the API, consumers, commands and tasks call these.

Each service checks permissions, validates, writes in one transaction and
schedules its side effects (live broadcasts, tasks) to run after the commit.
One module per topic; the names are re-exported here.
"""

from participation.services.accounts import forget_account
from participation.services.analog import enter_paper_counts, transcribe_postcard
from participation.services.contributions import post_contribution, tie_to_twin_feature
from participation.services.exports import delete_expired_exports, download_name, run_export_job, start_export
from participation.services.follows import follow_consultation, unfollow_consultation
from participation.services.moderation import (
    AlreadyFlagged,
    flag_contribution,
    moderate_contribution,
    moderate_contributions,
)
from participation.services.moderator_mail import mail_moderators, set_moderator_settings
from participation.services.notification_mail import Sent, send_digest, send_notification
from participation.services.notifications import (
    notify_moderation_decision,
    notify_news,
    notify_official_answer,
    notify_phase_changed,
    notify_reply,
    queue_daily_digests,
    read_unsubscribe_token,
    save_notification_settings,
    unsubscribe,
    unsubscribe_token,
)
from participation.services.official_answers import answer_contribution
from participation.services.open_data import build_open_data, open_data_changed, refresh_open_data
from participation.services.own_contributions import edit_contribution, withdraw_contribution
from participation.services.pages import (
    add_consultation,
    add_news,
    add_proposal,
    end_consultation,
    spread_over_days,
    tie_twin_features,
)
from participation.services.participants import (
    device_participant,
    device_participants,
    new_participant_key,
    participant_of,
    start_terminal_session,
    terminal_participant,
)
from participation.services.phases import PhaseChange, switch_phases
from participation.services.polls import (
    add_poll,
    answer_poll,
    answer_question_now,
    ask_question,
    moderate_question,
    reset_poll,
    reveal_poll,
    set_poll_state,
    upvote_question,
)
from participation.services.precheck import check_contribution
from participation.services.results import page_changed, publish_after_commit
from participation.services.scheduled_pages import publish_scheduled_pages
from participation.services.sites import name_site
from participation.services.twin_features import import_twin_file
from participation.services.twin_imports import run_twin_import_job, start_twin_import
from participation.services.twin_tiles import twin_changed, warm_twin_tiles
from participation.services.votes import Ballot, cast_vote, cast_votes

__all__ = [
    "AlreadyFlagged",
    "Ballot",
    "PhaseChange",
    "Sent",
    "add_consultation",
    "add_news",
    "add_poll",
    "add_proposal",
    "answer_contribution",
    "answer_poll",
    "answer_question_now",
    "ask_question",
    "build_open_data",
    "cast_vote",
    "cast_votes",
    "check_contribution",
    "delete_expired_exports",
    "device_participant",
    "device_participants",
    "download_name",
    "edit_contribution",
    "end_consultation",
    "enter_paper_counts",
    "flag_contribution",
    "follow_consultation",
    "forget_account",
    "import_twin_file",
    "mail_moderators",
    "moderate_contribution",
    "moderate_contributions",
    "moderate_question",
    "name_site",
    "new_participant_key",
    "notify_moderation_decision",
    "notify_news",
    "notify_official_answer",
    "notify_phase_changed",
    "notify_reply",
    "open_data_changed",
    "page_changed",
    "participant_of",
    "post_contribution",
    "publish_after_commit",
    "publish_scheduled_pages",
    "queue_daily_digests",
    "read_unsubscribe_token",
    "refresh_open_data",
    "reset_poll",
    "reveal_poll",
    "run_export_job",
    "run_twin_import_job",
    "save_notification_settings",
    "send_digest",
    "send_notification",
    "set_moderator_settings",
    "set_poll_state",
    "spread_over_days",
    "start_export",
    "start_terminal_session",
    "start_twin_import",
    "switch_phases",
    "terminal_participant",
    "tie_to_twin_feature",
    "tie_twin_features",
    "transcribe_postcard",
    "twin_changed",
    "unfollow_consultation",
    "unsubscribe",
    "unsubscribe_token",
    "upvote_question",
    "warm_twin_tiles",
    "withdraw_contribution",
]
