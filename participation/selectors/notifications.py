"""Reads of news, follows and notifications: what a consultation's page lists, whom an event concerns, what waits."""

from __future__ import annotations

from django.db.models import QuerySet

from participation.models import (
    ConsultationPage,
    Follow,
    NewsPage,
    Notification,
    NotificationSettings,
)
from participation.selectors.pages import parent_path

NEWS_LISTED = 20  # on a consultation's page; older ones stay reachable by their addresses


def consultation_news(*, consultation: ConsultationPage, limit: int = NEWS_LISTED) -> list[NewsPage]:
    """The consultation's published news, newest first: one query."""
    return list(
        NewsPage.objects.live()
        .child_of(consultation)
        .only("id", "title", "slug", "url_path", "path", "depth", "date", "intro", "locale_id")
        .order_by("-date", "-pk")[:limit]
    )


def consultation_of_news(news: NewsPage) -> ConsultationPage | None:
    return ConsultationPage.objects.filter(path=parent_path(news)).first()


def is_following(*, user, consultation: ConsultationPage) -> bool:
    if not (user and user.is_authenticated):
        return False
    return Follow.objects.filter(user=user, consultation=consultation).exists()


def notification_settings(*, user) -> NotificationSettings | None:
    return NotificationSettings.objects.filter(user=user).first()


def subscribers(*, kind: str, user_ids: QuerySet | list[int] | None = None) -> QuerySet:
    """The settings of active accounts with an address that switched ``kind`` on (of ``user_ids``, if given)."""
    wanted = NotificationSettings.objects.filter(**{NotificationSettings.field_of(kind): True}).filter(
        user__is_active=True
    )
    wanted = wanted.exclude(user__email="")
    if user_ids is not None:
        wanted = wanted.filter(user_id__in=user_ids)
    return wanted


def followers(*, consultation_id: int, kind: str) -> QuerySet:
    """The settings of the followers of a consultation that switched ``kind`` on."""
    return subscribers(kind=kind, user_ids=Follow.objects.filter(consultation_id=consultation_id).values("user_id"))


def digest_recipients() -> list[int]:
    """Accounts with notifications waiting for their daily digest."""
    pending = Notification.objects.filter(digest=True, sent_at__isnull=True)
    return sorted(set(pending.values_list("recipient_id", flat=True)))
