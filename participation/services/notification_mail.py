"""The mails of notifications: one at a time, or a citizen's day in one digest; each sent once.

A task takes an id, locks the row(s), reads what the mail tells afresh (a reply hidden since, a news page
unpublished, a kind switched off: nothing is sent, the row goes), marks them sent and hands the mail to the
mail server in one transaction: a second delivery of the task waits for the lock and then finds the mark (as
``twin_import_mail``). A mail server that refuses rolls the mark back, for a retry of the task.

Mails are in the citizen's language (their settings), in the name of the consultation's site (sender and
subject; a digest's: its consultations' site if they share one, else the default site's), with links at that
site's public address (BASE_URL for the default site), plain text and HTML, and an unsubscribe link that needs
no login (RFC 8058: also as the ``List-Unsubscribe`` and ``List-Unsubscribe-Post`` headers). They name other
people only by their public name.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlsplit

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participation.models import (
    ModerationState,
    Notification,
    NotificationKind,
    NotificationSettings,
    Phase,
)
from participation.selectors import mail_sender, public_base_url, public_page_url, site_id_of_page, site_profile
from participation.services.notifications import ALL_KINDS, unsubscribe_token

logger = logging.getLogger(__name__)

QUOTE_LENGTH = 500  # of a comment's text in a mail


class Sent(Enum):
    SENT = "sent"
    NOTHING = "nothing"  # nothing (more) to send: sent already, switched off, or no longer there
    FAILED = "failed"  # the mail server refused; nothing marked, a retry may send it


@dataclass(frozen=True)
class Item:
    """One notification as a mail tells it."""

    title: str
    context: str
    text: str
    link: str
    link_text: str


def public_link(address: str, fragment: str = "", *, site_id: int | None = None) -> str:
    """A path (or a page's full URL on any host) at the public address of the site (the default one)."""
    path = urlsplit(address).path or "/"
    return public_base_url(site_id=site_id) + path + (f"#{fragment}" if fragment else "")


def _quote(text: str) -> str:
    return text if len(text) <= QUOTE_LENGTH else text[: QUOTE_LENGTH - 1].rstrip() + "…"


def _comment_link(contribution) -> str:
    return public_page_url(contribution.proposal or contribution.consultation, f"comment-{contribution.pk}")


def _phase_sentence(phase: str) -> str:
    return {
        Phase.INFORM: _("The information phase has begun."),
        Phase.PARTICIPATE: _("Participation has started: you can comment now."),
        Phase.VOTE: _("Voting has started: you can vote now."),
        Phase.EVALUATE: _("Participation has ended. The results are being evaluated."),
    }.get(phase, "")


def _item(notification: Notification) -> Item | None:
    """What the mail says about ``notification``, read now; None if there is nothing to say any more."""
    kind = notification.kind
    contribution = notification.contribution
    consultation = notification.consultation
    in_consultation = _("In “%(consultation)s”") % {"consultation": consultation.title} if consultation else ""
    if kind == NotificationKind.REPLY:
        if contribution.deleted_at or contribution.moderation_state != ModerationState.APPROVED:
            return None
        name = contribution.author.username if contribution.author else _("Someone")
        return Item(
            title=_("%(name)s replied to your comment") % {"name": name},
            context=in_consultation,
            text=_quote(contribution.text),
            link=_comment_link(contribution),
            link_text=_("Read the reply"),
        )
    if kind == NotificationKind.MODERATION:
        titles = {
            ModerationState.APPROVED: _("Your comment has been published"),
            ModerationState.HIDDEN: _("A moderator has hidden your comment"),
            ModerationState.PENDING: _("Your comment is waiting for review"),
        }
        return Item(
            title=titles.get(notification.detail, _("A moderator has decided on your comment")),
            context=in_consultation,
            text=_quote(contribution.text),
            link=(
                _comment_link(contribution)
                if notification.detail == ModerationState.APPROVED
                else public_page_url(consultation)
            ),
            link_text=_("Open the consultation"),
        )
    if kind == NotificationKind.OFFICIAL_ANSWER:
        if contribution.deleted_at:
            return None
        return Item(
            title=_("Your comment has received an official answer"),
            context=in_consultation,
            text=_quote(contribution.text),
            link=_comment_link(contribution),
            link_text=_("Read the answer"),
        )
    if kind == NotificationKind.PHASE:
        if not consultation.live:
            return None
        return Item(
            title=_("“%(consultation)s”: a new phase") % {"consultation": consultation.title},
            context=in_consultation,
            text=_phase_sentence(notification.detail),
            link=public_page_url(consultation),
            link_text=_("Open the consultation"),
        )
    if kind == NotificationKind.NEWS:
        news = notification.page.specific if notification.page else None
        if news is None or not news.live or not consultation.live:
            return None
        return Item(
            title=news.title,
            context=_("News of “%(consultation)s”") % {"consultation": consultation.title},
            text=news.intro,
            link=public_page_url(news),
            link_text=_("Read the news"),
        )
    return None


def _message(
    chosen: NotificationSettings, items: list[Item], *, subject: str, kind: str, site_id: int | None = None
) -> EmailMultiAlternatives:
    """The mail, in the name of the site ``site_id`` (the consultation's; None: the default site)."""
    token = unsubscribe_token(user_id=chosen.user_id, kind=kind)
    unsubscribe = public_link(reverse("participation:notifications-unsubscribe", args=[token]), site_id=site_id)
    profile = site_profile(site_id=site_id)
    context = {
        "site_name": profile.full_name,
        "items": items,
        "subject": subject,
        "digest": len(items) > 1 or kind == ALL_KINDS,
        "settings_link": public_link(reverse("participation:notification-settings"), site_id=site_id),
        "unsubscribe_link": unsubscribe,
        "unsubscribe_all": kind == ALL_KINDS,
        "language": chosen.language,
    }
    mail = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("participation/mail/notification.txt", context),
        from_email=mail_sender(profile),
        to=[chosen.user.email],
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    mail.attach_alternative(render_to_string("participation/mail/notification.html", context), "text/html")
    return mail


def _usable(chosen: NotificationSettings | None) -> bool:
    return bool(chosen and chosen.user.is_active and chosen.user.email)


def _pending():
    return Notification.objects.select_related(
        "contribution__author", "contribution__consultation", "contribution__proposal", "consultation", "page"
    )


def send_notification(*, notification_id: int) -> Sent:
    """Mail one notification that is not part of a digest, unless it went out already."""
    try:
        with transaction.atomic():
            notification = (
                _pending()
                .select_for_update(of=("self",))
                .filter(pk=notification_id, digest=False, sent_at__isnull=True)
                .first()
            )
            if notification is None:
                return Sent.NOTHING
            chosen = NotificationSettings.objects.select_related("user").filter(user=notification.recipient_id).first()
            item = None
            if _usable(chosen) and chosen.wants(notification.kind):
                with translation.override(chosen.language):
                    item = _item(notification)
                    if item is not None:
                        site_id = site_id_of_page(notification.consultation) if notification.consultation else None
                        subject = f"{site_profile(site_id=site_id).full_name}: {item.title}"
                        mail = _message(chosen, [item], subject=subject, kind=notification.kind, site_id=site_id)
            if item is None:
                notification.delete()
                return Sent.NOTHING
            Notification.objects.filter(pk=notification.pk).update(sent_at=timezone.now())
            mail.send()
    except Exception:
        logger.exception("notification %s: the mail was not sent", notification_id)
        return Sent.FAILED
    return Sent.SENT


def send_digest(*, user_id: int) -> Sent:
    """Mail a citizen's waiting notifications as one digest: at most one a day (the citizen's settings row is
    locked while it is made, so two deliveries of the task make one mail), none when nothing waits."""
    try:
        with transaction.atomic():
            chosen = NotificationSettings.objects.select_for_update(of=("self",)).select_related("user")
            chosen = chosen.filter(user_id=user_id).first()
            mine = Notification.objects.filter(recipient_id=user_id, digest=True)
            if chosen is None or mine.filter(sent_at__date=timezone.localdate()).exists():
                return Sent.NOTHING
            pending = list(_pending().filter(recipient_id=user_id, digest=True, sent_at__isnull=True))
            pending.sort(key=lambda notification: (notification.created_at, notification.pk))
            items, told, dropped, sites = [], [], [], set()
            with translation.override(chosen.language):
                for notification in pending:
                    item = _item(notification) if _usable(chosen) and chosen.wants(notification.kind) else None
                    (dropped if item is None else told).append(notification.pk)
                    if item is not None:
                        items.append(item)
                        sites.add(site_id_of_page(notification.consultation) if notification.consultation else None)
                if items:
                    site_id = sites.pop() if len(sites) == 1 else None
                    subject = ngettext(
                        "%(site)s: %(count)s new notification today",
                        "%(site)s: %(count)s new notifications today",
                        len(items),
                    ) % {"site": site_profile(site_id=site_id).full_name, "count": len(items)}
                    mail = _message(chosen, items, subject=subject, kind=ALL_KINDS, site_id=site_id)
            Notification.objects.filter(pk__in=dropped).delete()
            if not items:
                return Sent.NOTHING
            Notification.objects.filter(pk__in=told).update(sent_at=timezone.now())
            mail.send()
    except Exception:
        logger.exception("digest of %s: the mail was not sent", user_id)
        return Sent.FAILED
    return Sent.SENT
