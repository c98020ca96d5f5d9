"""Moderation's writes: a moderator approves, hides (with a reason) or restores contributions, one or many at once;
a citizen flags one; every decision is logged (``ModerationDecision``) and hidden contributions stay in the database.

What was decided is returned (the decisions), so that a notification to the author can follow it.
"""

from __future__ import annotations

import logging
from functools import partial

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from participation.errors import InvalidInput, NotOpenNow
from participation.models import (
    DECISION_REASON_MAX_LENGTH,
    FLAG_NOTE_MAX_LENGTH,
    Contribution,
    DecisionAction,
    Flag,
    FlagReason,
    ModerationDecision,
    ModerationState,
)
from participation.rules import account_of, require
from participation.selectors import WAITING_CACHE_KEY
from participation.services.notifications import notify_moderation_decision
from participation.services.queue import queue_task
from participation.services.results import publish_after_commit

logger = logging.getLogger(__name__)

CHECK_CONTRIBUTION = "participation.tasks.check_contribution"
MAIL_MODERATORS = "participation.tasks.mail_moderators"
# What a moderator may set; "pending" is what a new contribution or the automatic check sets.
DECIDED_STATES = (ModerationState.APPROVED, ModerationState.HIDDEN)


def _checked(state: str, reason: str) -> tuple[str, str]:
    if state not in DECIDED_STATES:
        raise InvalidInput(_("Unknown moderation state."), field="state")
    reason = (reason or "").strip()
    if state == ModerationState.HIDDEN and not reason:
        raise InvalidInput(_("Please give a reason for hiding: the author will see it."), field="reason")
    if len(reason) > DECISION_REASON_MAX_LENGTH:
        raise InvalidInput(
            _("Please keep the reason to %(limit)d characters.") % {"limit": DECISION_REASON_MAX_LENGTH},
            field="reason",
        )
    return state, reason


def _action(from_state: str, to_state: str) -> str:
    if to_state == ModerationState.HIDDEN:
        return DecisionAction.HIDE
    return DecisionAction.RESTORE if from_state == ModerationState.HIDDEN else DecisionAction.APPROVE


def _decide(*, moderator, contribution: Contribution, state: str, reason: str) -> ModerationDecision:
    """Set ``state`` on a locked contribution, close its open flags and log the decision."""
    from_state = contribution.moderation_state
    now = timezone.now()
    if from_state != state:
        contribution.moderation_state = state
        contribution.save(update_fields=["moderation_state"])
    resolved = Flag.objects.filter(contribution_id=contribution.pk, resolved_at__isnull=True).update(resolved_at=now)
    decision = ModerationDecision.objects.create(
        contribution=contribution,
        moderator=account_of(moderator),
        action=_action(from_state, state),
        from_state=from_state,
        to_state=state,
        reason=reason,
        flags_resolved=resolved,
        created_at=now,
    )
    if (from_state == ModerationState.APPROVED) != (state == ModerationState.APPROVED):
        publish_after_commit(contribution.consultation_id)  # screens and pages follow what is shown
    if from_state != state:
        # Its author hears of a change (if they asked to); a flagged comment kept as it was is no news to them.
        notify_moderation_decision(contribution_id=contribution.pk, decision=state, decision_id=decision.pk)
    transaction.on_commit(_forget_waiting_count)
    return decision


def _forget_waiting_count() -> None:
    cache.delete(WAITING_CACHE_KEY)  # the admin menu's number


@transaction.atomic
def moderate_contribution(*, moderator, contribution: Contribution, state: str, reason: str = "") -> ModerationDecision:
    """A moderator publishes (approves, or restores a hidden one) or hides a contribution; hiding needs a reason,
    which its author sees, and never deletes. Open flags on it are resolved. Returns the logged decision."""
    require("participation.moderate", moderator)
    state, reason = _checked(state, reason)
    locked = Contribution.objects.select_for_update(of=("self",)).get(pk=contribution.pk)
    return _decide(moderator=moderator, contribution=locked, state=state, reason=reason)


@transaction.atomic
def moderate_contributions(
    *, moderator, contribution_ids: list[int], state: str, reason: str = ""
) -> list[ModerationDecision]:
    """The same decision on many contributions, all or none (one transaction); as ``moderate_contribution``."""
    require("participation.moderate", moderator)
    state, reason = _checked(state, reason)
    ids = sorted({int(pk) for pk in contribution_ids})
    # Locked in the order of their ids, so two moderators' bulk actions cannot deadlock.
    locked = list(Contribution.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk"))
    if not locked:
        raise InvalidInput(_("Please choose at least one contribution."), field="contributions")
    if len(locked) != len(ids):
        raise InvalidInput(_("Some of the chosen contributions no longer exist."), field="contributions")
    return [_decide(moderator=moderator, contribution=item, state=state, reason=reason) for item in locked]


@transaction.atomic
def flag_contribution(*, user, contribution: Contribution, reason: str, note: str = "") -> Flag:
    """A citizen reports a contribution to the moderators, with a reason and maybe a note; once per account."""
    contribution = Contribution.objects.select_related("consultation").get(pk=contribution.pk)
    require("participation.flag", user, contribution)
    if reason not in FlagReason.values:
        raise InvalidInput(_("Please choose a reason."), field="reason")
    note = (note or "").strip()
    if len(note) > FLAG_NOTE_MAX_LENGTH:
        raise InvalidInput(
            _("Please keep the note to %(limit)d characters.") % {"limit": FLAG_NOTE_MAX_LENGTH}, field="note"
        )
    already = _("You have already reported this contribution. Thank you: our moderators will look at it.")
    account = account_of(user)
    if Flag.objects.filter(contribution_id=contribution.pk, user_id=account.pk).exists():
        raise AlreadyFlagged(already)
    try:
        with transaction.atomic():  # the constraint decides between two sends at once
            flag = Flag.objects.create(contribution=contribution, user=account, reason=reason, note=note)
    except IntegrityError:
        raise AlreadyFlagged(already) from None
    mail_moderators_after_commit(contribution.consultation_id)
    return flag


class AlreadyFlagged(NotOpenNow):
    """The account has flagged this contribution before (409)."""


def check_after_commit(contribution_id: int) -> None:
    """Queue the automatic check of a new contribution once it is committed; never fails the write."""
    transaction.on_commit(partial(_queue_quietly, CHECK_CONTRIBUTION, contribution_id))


def mail_moderators_after_commit(consultation_id: int) -> None:
    """Something new waits: the admin menu's number is counted again, and opted-in moderators hear of it."""
    transaction.on_commit(_forget_waiting_count)
    transaction.on_commit(partial(mail_moderators_later, consultation_id))


def mail_moderators_later(consultation_id: int) -> None:
    """Queue the mail to moderators who asked to hear of waiting contributions (at most one an hour)."""
    _queue_quietly(MAIL_MODERATORS, consultation_id)


def _queue_quietly(name: str, *args) -> None:
    try:
        queue_task(name, *args)
    except OperationalError as error:
        # The task queue (Redis) is down: the contribution is saved and shows in the queue's "New" or "Published"
        # tab as any other; it is not checked automatically. Said without a traceback: the outage is known.
        logger.warning("task %s%r not queued, the task queue is down: %s", name, args, error)
    except Exception:  # a check that failed eagerly: the contribution is saved
        logger.exception("task %s%r could not run", name, args)
