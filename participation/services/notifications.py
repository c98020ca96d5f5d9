"""Notifications by e-mail: what each citizen asked for, queued after the write that caused it, sent once.

Each kind is off until the citizen switches it on (``save_notification_settings``). An event queues one
``Notification`` row per citizen who asked for its kind, in the transaction of the write that caused it, and
its mail task only after that transaction commits; a rolled back write leaves neither. ``key`` names the event,
so the same event is queued once per citizen, whoever reports it again. Citizens who chose the daily digest get
their rows gathered once a day (``queue_daily_digests``, Celery beat) into one mail
(``participation.services.notification_mail``).

The events: a reply to one's comment (``post_contribution``); a moderator's decision on one's comment
(``notify_moderation_decision``); an official answer to one's comment (``notify_official_answer``); a phase of
a followed consultation starting (``notify_phase_changed``); news of a followed consultation
(``notify_news``, when a news page is first published). The last three are called by the code that makes the
decision, the answer or the phase; they take ids and read what they need.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from participation import selectors
from participation.errors import InvalidInput
from participation.models import (
    ConsultationPage,
    Contribution,
    Delivery,
    ModerationState,
    NewsPage,
    Notification,
    NotificationKind,
    NotificationSettings,
    Phase,
)
from participation.services.queue import queue_task

logger = logging.getLogger(__name__)

SEND_NOTIFICATION = "participation.tasks.send_notification"
SEND_DIGEST = "participation.tasks.send_digest"
QUEUE_DAILY_DIGESTS = "participation.tasks.queue_daily_digests"

UNSUBSCRIBE_SALT = "participation.notifications.unsubscribe"
ALL_KINDS = "all"  # a digest's unsubscribe link switches every kind off


# --- the citizen's choices ---------------------------------------------------------------------------------


@transaction.atomic
def save_notification_settings(
    *, user, kinds: Iterable[str], delivery: str, language: str | None = None
) -> NotificationSettings:
    """What ``user`` wants to be told (``kinds``), how (``delivery``) and in which language (default: the one
    they use now)."""
    kinds = set(kinds)
    if not kinds <= set(NotificationKind.values):
        raise InvalidInput(_("Please choose among the notifications offered."), field="kinds")
    if delivery not in Delivery.values:
        raise InvalidInput(_("Please choose how often you want to receive e-mails."), field="delivery")
    languages = {code for code, _name in settings.LANGUAGES}
    language = language or (get_language() or "").split("-")[0]
    if language not in languages:
        language = settings.LANGUAGE_CODE
    values = {NotificationSettings.field_of(kind): kind in kinds for kind in NotificationKind.values}
    chosen, _created = NotificationSettings.objects.update_or_create(
        user=user, defaults={**values, "delivery": delivery, "language": language}
    )
    return chosen


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    """The signed token of a mail's unsubscribe link: whose, and which kind (or ``ALL_KINDS``)."""
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=False)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """``(user_id, kind)`` of a token this site signed; InvalidInput for anything else."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_id, kind = int(data["u"]), str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(_("This unsubscribe link is not valid. Please use the link from the e-mail.")) from exc
    if kind != ALL_KINDS and kind not in NotificationKind.values:
        raise InvalidInput(_("This unsubscribe link is not valid. Please use the link from the e-mail."))
    return user_id, kind


@transaction.atomic
def unsubscribe(*, token: str) -> str:
    """Switch off the kind a mail's link names (every kind for a digest's); the kind. No login needed: the
    signed token says whose settings; a token that was tampered with is refused (InvalidInput)."""
    user_id, kind = read_unsubscribe_token(token)
    kinds = NotificationKind.values if kind == ALL_KINDS else [kind]
    NotificationSettings.objects.filter(user_id=user_id).update(
        **{NotificationSettings.field_of(each): False for each in kinds}, updated_at=timezone.now()
    )
    # What waits for this citizen of these kinds is not sent any more.
    Notification.objects.filter(recipient_id=user_id, kind__in=kinds, sent_at__isnull=True).delete()
    return kind


# --- events ------------------------------------------------------------------------------------------------


def _queue(*, kind: str, recipients: Iterable[NotificationSettings], key: str, **fields) -> int:
    """One row per recipient (a row for this event that exists already stays as it is); the immediate ones'
    tasks after the commit. The number of recipients."""
    recipients = list(recipients)
    if not recipients:
        return 0
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=chosen.user_id, kind=kind, key=key, digest=chosen.delivery == Delivery.DAILY, **fields
            )
            for chosen in recipients
        ],
        ignore_conflicts=True,
    )
    now_ids = list(
        Notification.objects.filter(
            key=key, recipient_id__in=[chosen.user_id for chosen in recipients], digest=False, sent_at__isnull=True
        ).values_list("pk", flat=True)
    )
    if now_ids:
        transaction.on_commit(partial(_enqueue, now_ids))
    return len(recipients)


def _enqueue(notification_ids: list[int]) -> None:
    for notification_id in notification_ids:
        try:
            queue_task(SEND_NOTIFICATION, notification_id)
        except OperationalError as error:  # the row waits unsent; the digest or a retry by hand can send it
            logger.warning("notification %s: cannot reach the task queue: %s", notification_id, error)


@transaction.atomic
def notify_reply(*, contribution_id: int) -> int:
    """Tell the author of the comment a published reply answers (if they asked); the number told."""
    reply = (
        Contribution.objects.select_related("parent")
        .filter(
            pk=contribution_id,
            parent__isnull=False,
            moderation_state=ModerationState.APPROVED,
            deleted_at__isnull=True,
        )
        .first()
    )
    if reply is None or reply.parent.author_id == reply.author_id:
        return 0
    return _tell(reply.parent.author_id, NotificationKind.REPLY, key=f"reply:{reply.pk}", contribution=reply)


def _tell(user_id: int | None, kind: str, *, key: str, contribution: Contribution, detail: str = "") -> int:
    """Queue ``kind`` about ``contribution`` for the account ``user_id``, if it asked for that kind."""
    if user_id is None:
        return 0
    recipients = selectors.subscribers(kind=kind, user_ids=[user_id])
    return _queue(
        kind=kind,
        recipients=recipients,
        key=key,
        contribution=contribution,
        consultation_id=contribution.consultation_id,
        detail=detail,
    )


@transaction.atomic
def notify_moderation_decision(
    *, contribution_id: int, decision: str | None = None, decision_id: int | None = None
) -> int:
    """Tell a comment's author what a moderator decided on it (``decision``: a moderation state, default the
    comment's current one); ``decision_id`` (an entry of the moderation log) tells repeated decisions apart.
    A reply that is published now is also told to the author of the comment it answers."""
    contribution = Contribution.objects.filter(pk=contribution_id).first()
    if contribution is None:
        return 0
    decision = decision or contribution.moderation_state
    if decision not in ModerationState.values:
        raise InvalidInput(_("Unknown moderation state."), field="decision")
    if decision == ModerationState.APPROVED and contribution.parent_id is not None:
        notify_reply(contribution_id=contribution.pk)
    return _tell(
        contribution.author_id,
        NotificationKind.MODERATION,
        key=f"moderation:{contribution.pk}:{decision_id if decision_id is not None else decision}",
        contribution=contribution,
        detail=decision,
    )


@transaction.atomic
def notify_official_answer(*, contribution_id: int, answer_id: int | None = None) -> int:
    """Tell a comment's author that it received an official answer (``answer_id`` tells several apart)."""
    contribution = Contribution.objects.filter(pk=contribution_id, deleted_at__isnull=True).first()
    if contribution is None:
        return 0
    return _tell(
        contribution.author_id,
        NotificationKind.OFFICIAL_ANSWER,
        key=f"official_answer:{contribution.pk}:{answer_id if answer_id is not None else ''}",
        contribution=contribution,
    )


@transaction.atomic
def notify_phase_changed(*, consultation_id: int, phase: str) -> int:
    """Tell the followers of a published consultation that ``phase`` began (the end of participation is the
    start of the evaluation). Once per phase and phase date: the date the phase began is in the event's key."""
    if phase not in Phase.values:
        raise InvalidInput(_("Unknown phase."), field="phase")
    consultation = ConsultationPage.objects.live().filter(pk=consultation_id).first()
    if consultation is None:
        return 0
    now = timezone.now()
    dates = (
        consultation.participation_starts,
        consultation.participation_ends,
        consultation.voting_starts,
        consultation.voting_ends,
    )
    began = max((date for date in dates if date is not None and date <= now), default=None)
    recipients = selectors.followers(consultation_id=consultation.pk, kind=NotificationKind.PHASE)
    return _queue(
        kind=NotificationKind.PHASE,
        recipients=recipients,
        key=f"phase:{consultation.pk}:{phase}:{began.isoformat() if began else ''}",
        consultation=consultation,
        detail=phase,
    )


@transaction.atomic
def notify_news(*, news_page_id: int) -> int:
    """Tell the followers of its consultation about a published news page; once per page, however often it is
    published again."""
    news = NewsPage.objects.live().filter(pk=news_page_id).first()
    if news is None:
        return 0
    consultation = selectors.consultation_of_news(news)
    if consultation is None or not consultation.live:
        return 0
    recipients = selectors.followers(consultation_id=consultation.pk, kind=NotificationKind.NEWS)
    return _queue(
        kind=NotificationKind.NEWS,
        recipients=recipients,
        key=f"news:{news.pk}",
        consultation=consultation,
        page=news,
    )


def queue_daily_digests() -> int:
    """Queue one digest task per citizen with notifications waiting for it (Celery beat, daily); the number."""
    queued = 0
    for user_id in selectors.digest_recipients():
        try:
            queue_task(SEND_DIGEST, user_id)
            queued += 1
        except OperationalError:
            logger.exception("digest of %s: cannot reach the task queue", user_id)
    return queued
