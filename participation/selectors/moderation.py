"""Moderation's reads: the queue (its tabs and filters), what waits (the admin menu's count, the moderators' mail),
the history of a contribution, and an author's hidden contributions with the reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from participation.models import (
    ConsultationPage,
    Contribution,
    DecisionAction,
    Flag,
    ModerationDecision,
    ModerationMode,
    ModerationState,
)
from participation.selectors.staff import consultations_managed_by, managed_consultation_ids, managers_of

MODERATORS_GROUP = "Moderators"  # participation.rules.MODERATORS_GROUP (selectors sit below the rules)


class Tab:
    PENDING = "pending"
    FLAGGED = "flagged"
    PUBLISHED = "approved"
    HIDDEN = "hidden"
    ALL = (PENDING, FLAGGED, PUBLISHED, HIDDEN)


@dataclass(frozen=True)
class QueueFilters:
    """What the queue shows: a tab, and optionally one consultation, one channel, and a date range (created);
    ``scope``: the consultations the moderator manages (``consultations_managed_by``), None for all."""

    tab: str = Tab.PENDING
    scope: QuerySet | None = None
    consultation_id: int | None = None
    channel: str | None = None
    since: date | None = None
    until: date | None = None


def _open_flags() -> Exists:
    return Exists(Flag.objects.filter(contribution_id=OuterRef("pk"), resolved_at__isnull=True))


def _waiting() -> Q:
    """Waiting for a moderator: new (pending) or flagged and not yet decided on."""
    return Q(moderation_state=ModerationState.PENDING) | Q(_open_flags())


def _filtered(filters: QueueFilters) -> QuerySet:
    contributions = Contribution.objects.filter(deleted_at__isnull=True)
    if filters.scope is not None:
        contributions = contributions.filter(consultation_id__in=filters.scope.values("pk"))
    if filters.consultation_id is not None:
        contributions = contributions.filter(consultation_id=filters.consultation_id)
    if filters.channel:
        contributions = contributions.filter(channel=filters.channel)
    if filters.since:
        contributions = contributions.filter(created_at__date__gte=filters.since)
    if filters.until:
        contributions = contributions.filter(created_at__date__lte=filters.until)
    return contributions


def moderation_queue(filters: QueueFilters) -> QuerySet:
    """The queue's rows, newest first, each with its open flags (``open_flags``), its decisions (``history``, the
    moderator with each) and what a moderator needs to judge it. Three queries per page, whatever its size."""
    contributions = _filtered(filters)
    if filters.tab == Tab.FLAGGED:
        contributions = contributions.filter(_open_flags())
    elif filters.tab in (Tab.PENDING, Tab.PUBLISHED, Tab.HIDDEN):
        contributions = contributions.filter(moderation_state=filters.tab)
    return (
        contributions.select_related("author", "consultation", "proposal", "parent", "twin_feature")
        .defer("twin_feature__geometry", "twin_feature__attributes", "consultation__body", "proposal__body")
        .prefetch_related(
            Prefetch(
                "flags",
                queryset=Flag.objects.filter(resolved_at__isnull=True).order_by("created_at", "id"),
                to_attr="open_flags",
            ),
            Prefetch(
                "decisions",
                queryset=ModerationDecision.objects.select_related("moderator").order_by("created_at", "id"),
                to_attr="history",
            ),
        )
        .order_by("-created_at", "-id")
    )


def moderation_tab_counts(filters: QueueFilters) -> dict[str, int]:
    """How many contributions each tab holds under the other filters. One query."""
    counts = _filtered(filters).aggregate(
        pending=Count("pk", filter=Q(moderation_state=ModerationState.PENDING)),
        flagged=Count("pk", filter=Q(_open_flags())),
        approved=Count("pk", filter=Q(moderation_state=ModerationState.APPROVED)),
        hidden=Count("pk", filter=Q(moderation_state=ModerationState.HIDDEN)),
    )
    return {tab: counts[tab] for tab in Tab.ALL}


def outside_scope(*, contribution_ids: list[int], scope: QuerySet) -> bool:
    """Whether any of the contributions belongs to a consultation outside ``scope`` (another site's). One query."""
    return Contribution.objects.filter(pk__in=contribution_ids).exclude(consultation_id__in=scope.values("pk")).exists()


def moderated_consultations(*, user) -> list[ConsultationPage]:
    """The consultations ``user`` may filter the queue by (those they manage), in the tree's order. One query."""
    return list(consultations_managed_by(user=user).order_by("path").only("pk", "title", "path"))


WAITING_CACHE_KEY = "moderation:waiting"
WAITING_CACHE_SECONDS = 30


def waiting_count_kept(*, user) -> int:
    """Contributions waiting (new or flagged) in what ``user`` manages: the admin menu's number. The counts per
    consultation are kept in the cache for up to 30 seconds (a decision or a flag forgets them at once), one
    entry for the moderators of every site."""
    per_consultation = cache.get_or_set(WAITING_CACHE_KEY, waiting_per_consultation, WAITING_CACHE_SECONDS)
    managed = managed_consultation_ids(user=user)
    return sum(count for pk, count in per_consultation.items() if managed is None or pk in managed)


def waiting_per_consultation() -> dict[int, int]:
    """Contributions waiting for a moderator (new or flagged), per consultation id. One query."""
    rows = (
        Contribution.objects.filter(_waiting(), deleted_at__isnull=True)
        .values("consultation_id")
        .annotate(waiting=Count("pk"))
        .order_by()
    )
    return {row["consultation_id"]: row["waiting"] for row in rows}


def waiting_in_consultation(*, consultation_id: int) -> int:
    return Contribution.objects.filter(_waiting(), consultation_id=consultation_id, deleted_at__isnull=True).count()


def moderators_to_mail(*, consultation: ConsultationPage) -> QuerySet:
    """Active moderators (and superusers) with an address who asked to be mailed when contributions wait, and who
    manage ``consultation`` (staff of another site are not told)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, moderator_settings__mail_when_waiting=True)
        .filter(Q(is_superuser=True) | Q(groups__name=MODERATORS_GROUP))
        .filter(managers_of(consultation=consultation))
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def mail_when_waiting(*, user) -> bool:
    settings_row = getattr(user, "moderator_settings", None) if user.is_authenticated else None
    return bool(settings_row and settings_row.mail_when_waiting)


def has_flagged(*, user, contribution_id: int) -> bool:
    return user.is_authenticated and Flag.objects.filter(contribution_id=contribution_id, user_id=user.pk).exists()


def own_hidden_comments(*, user, consultation: ConsultationPage, proposal=None) -> list[Contribution]:
    """The visitor's own contributions on a page that moderation holds back: hidden ones, each with the reason given
    (``hidden_reason``), and, where comments are published at once, those the automatic check holds for review
    (a pre-moderated page lists its waiting ones itself: ``own_pending_comments``). Shown to them alone. One query,
    none for visitors without an account."""
    if not user.is_authenticated:
        return []
    reason = (
        ModerationDecision.objects.filter(contribution_id=OuterRef("pk"), action=DecisionAction.HIDE)
        .order_by("-created_at", "-id")
        .values("reason")[:1]
    )
    states = [ModerationState.HIDDEN]
    if consultation.moderation_mode != ModerationMode.PRE:
        states.append(ModerationState.PENDING)
    held = Contribution.objects.filter(
        consultation_id=consultation.pk, author_id=user.pk, moderation_state__in=states, deleted_at__isnull=True
    )
    if proposal is not None:
        held = held.filter(proposal_id=proposal.pk)
    return list(held.annotate(hidden_reason=Subquery(reason)).order_by("created_at", "id"))


def contribution_url(contribution: Contribution, *, request=None) -> str:
    """Where a contribution is on the site: its page (the proposal's, else the consultation's) and its anchor."""
    page = contribution.proposal if contribution.proposal_id else contribution.consultation
    return f"{page.get_url(request)}#comment-{contribution.pk}"
