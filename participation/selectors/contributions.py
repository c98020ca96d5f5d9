"""Which contributions are public, and the lists built on that: the one visibility rule.

A contribution is public when all of this holds:

- a moderator has not hidden it and it is not waiting for review (``approved``), and it is not deleted;
- its consultation is published;
- it is about no proposal, or about a published one;
- it is no reply, or a reply to a public contribution (a hidden thread hides its replies).

Every public surface (pages, maps, the JSON and OGC APIs, the 3D scene, kiosk counts, twin object
pages, exports) reads contributions through ``public_contributions``.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils.text import Truncator

from participation.models import (
    ConsultationPage,
    Contribution,
    ModerationMode,
    ModerationState,
    OfficialAnswer,
    ProposalPage,
)
from participation.selectors.site_scope import on_site
from participation.selectors.sites import EVERY_SITE, SiteScope

WALL_SIZE = 12  # comments on a kiosk's wall: what a screen can show at once, and a small frame
WALL_TEXT_LENGTH = 280  # characters of each; the whole comment is on the consultation's page

# Keep in step with the partial index "contribution_not_shown" (models.contributions).
_SHOWN = Q(moderation_state=ModerationState.APPROVED, deleted_at__isnull=True)


def _not_shown_ids() -> QuerySet:
    return Contribution.objects.exclude(_SHOWN).values("pk")


def public_contributions(
    *, consultation_id: int | None = None, proposal_id: int | None = None, site: SiteScope = EVERY_SITE
) -> QuerySet:
    """Every public contribution (see the module) the site shows, optionally of one consultation or proposal."""
    contributions = (
        Contribution.objects.filter(_SHOWN, consultation__live=True)
        # Unpublished proposals and hidden parents are few: excluded by id, no join per row.
        .exclude(proposal__in=ProposalPage.objects.filter(live=False).values("pk"))
        .exclude(parent__in=_not_shown_ids())
    )
    if consultation_id is not None:
        contributions = contributions.filter(consultation_id=consultation_id)
    if proposal_id is not None:
        contributions = contributions.filter(proposal_id=proposal_id)
    return on_site(contributions, site=site)


def comment_threads(*, consultation: ConsultationPage, proposal: ProposalPage | None = None) -> QuerySet:
    """Public top-level comments of a page, oldest first, each with its public replies (``visible_replies``)."""
    replies = (
        Contribution.objects.filter(_SHOWN).select_related("author", "official_answer").order_by("created_at", "id")
    )
    threads = (
        public_contributions(consultation_id=consultation.pk, proposal_id=proposal.pk if proposal else None)
        .filter(parent__isnull=True)
        .select_related("author", "proposal", "twin_feature", "official_answer")
        .defer("twin_feature__geometry", "twin_feature__attributes")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="visible_replies"))
    )
    return threads.order_by("created_at", "id")


def own_pending_comments(*, user, consultation: ConsultationPage, proposal: ProposalPage | None = None) -> list:
    """The visitor's own comments on a page that wait for review: shown to them alone, marked as such.

    Only a pre-moderated consultation holds such comments, so other pages read nothing."""
    if not user.is_authenticated or consultation.moderation_mode != ModerationMode.PRE:
        return []
    pending = Contribution.objects.filter(
        consultation_id=consultation.pk,
        author_id=user.pk,
        moderation_state=ModerationState.PENDING,
        deleted_at__isnull=True,
    )
    if proposal is not None:
        pending = pending.filter(proposal_id=proposal.pk)
    return list(pending.select_related("proposal").order_by("created_at", "id"))


def public_contribution_list(
    *, consultation_id: int | None = None, proposal_id: int | None = None, site: SiteScope = EVERY_SITE
) -> QuerySet:
    """Public contributions in the order they were written, with their official answer: the open API's list."""
    contributions = public_contributions(consultation_id=consultation_id, proposal_id=proposal_id, site=site)
    return contributions.select_related("official_answer").order_by("created_at", "id")


def comment_wall(*, consultation_id: int, limit: int = WALL_SIZE) -> list[dict]:
    """The newest public comments and ideas of a consultation (no replies), for the kiosk's wall. One query.

    Nothing personal: no author, no participant, no place; the channel says where it was made.
    """
    rows = (
        public_contributions(consultation_id=consultation_id)
        .filter(parent__isnull=True)
        .order_by("-created_at", "-id")
        .values("id", "text", "channel", "proposal_id", "created_at")[:limit]
    )
    return [
        {
            "id": row["id"],
            "text": Truncator(row["text"]).chars(WALL_TEXT_LENGTH),
            "channel": row["channel"],
            "proposal": row["proposal_id"],
            "created_at": row["created_at"].isoformat(),
        }
        for row in rows
    ]


def located(contributions: QuerySet) -> QuerySet:
    """Those with a place on the map: a point, line or area of their own, or a twin object."""
    return contributions.filter(Q(geometry__isnull=False) | Q(latitude__isnull=False) | Q(twin_feature__isnull=False))


def contributions_for_moderation(*, state: str | None = None) -> QuerySet:
    """Contributions for the moderation queue, newest first, with what a moderator needs to judge them."""
    contributions = (
        Contribution.objects.filter(deleted_at__isnull=True)
        .select_related("author", "consultation", "proposal", "parent")
        .order_by("-created_at", "-id")
    )
    if state:
        contributions = contributions.filter(moderation_state=state)
    return contributions


def official_answer_of(*, contribution: Contribution):
    """The city's answer to ``contribution``, with who wrote and last changed it, or None."""
    return OfficialAnswer.objects.filter(contribution=contribution).select_related("author", "updated_by").first()


def contribution_by_id(*, pk: int) -> Contribution | None:
    """A contribution whatever its state: what a reply or a moderator names (services decide what may be done)."""
    return Contribution.objects.filter(pk=pk).first()
