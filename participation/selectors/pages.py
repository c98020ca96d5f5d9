"""Consultations and proposals: which are published, and how a proposal finds its consultation."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Min, Q, QuerySet
from django.db.models.functions import Length, Substr
from django.utils import timezone
from wagtail.models import ModelLogEntry, Page, PageLogEntry, PageViewRestriction

from participation.models import ConsultationPage, PhaseAnnouncement, ProposalPage, ResultsRevision
from participation.selectors.site_scope import consultations_on_site
from participation.selectors.sites import EVERY_SITE, SiteScope


def parent_path(page: Page) -> str:
    return page.path[: -Page.steplen]


def consultation_of(proposal: ProposalPage) -> ConsultationPage:
    """The consultation a proposal belongs to: one query, remembered on the proposal."""
    if getattr(proposal, "_consultation", None) is None:
        proposal._consultation = ConsultationPage.objects.get(path=parent_path(proposal))
    return proposal._consultation


def proposals_of(consultation: ConsultationPage, *, live_only: bool = True) -> QuerySet:
    pages = ProposalPage.objects.child_of(consultation).order_by("path")
    return pages.live() if live_only else pages


def live_consultations(*, site: SiteScope = EVERY_SITE) -> QuerySet:
    """Published consultations the site shows (``EVERY_SITE``: all of them)."""
    return consultations_on_site(ConsultationPage.objects.live(), site=site)


def published_consultations(*, site: SiteScope = EVERY_SITE) -> QuerySet:
    """Published consultations, newest first."""
    return live_consultations(site=site).order_by("-participation_starts", "pk")


def published_consultation(*, pk: int, site: SiteScope = EVERY_SITE) -> ConsultationPage | None:
    return live_consultations(site=site).filter(pk=pk).first()


def consultation_by_slug(*, slug: str) -> ConsultationPage | None:
    """A consultation, published or not (the demo finds its own by slug)."""
    return ConsultationPage.objects.filter(slug=slug).first()


def open_consultations(*, site: SiteScope = EVERY_SITE) -> QuerySet:
    """Published consultations whose participation or voting is open now or ahead, soonest ending first."""
    now = timezone.now()
    return (
        live_consultations(site=site)
        .filter(Q(participation_ends__gt=now) | Q(voting_ends__gt=now))
        .order_by("participation_ends", "pk")
    )


def published_proposals(*, consultation_id: int | None = None, site: SiteScope = EVERY_SITE) -> QuerySet:
    """Live proposals of live consultations (Wagtail does not unpublish children with their parent) the site
    shows."""
    proposals = (
        ProposalPage.objects.live()
        .annotate(parent_path=Substr("path", 1, Length("path") - Page.steplen))
        .filter(parent_path__in=live_consultations(site=site).values("path"))
        .order_by("path")
    )
    if consultation_id is not None:
        consultation = ConsultationPage.objects.filter(pk=consultation_id).first()
        if consultation is None:
            return proposals.none()
        proposals = proposals.child_of(consultation)
    return proposals


def view_restrictions(page: Page) -> list[PageViewRestriction]:
    """The privacy restrictions of a page and its ancestors (password, login, groups): one query."""
    paths = [page.path[:end] for end in range(Page.steplen, len(page.path) + 1, Page.steplen)]
    return list(PageViewRestriction.objects.filter(page__path__in=paths))


def site_revision(*, consultation_id: int | None = None) -> tuple[int, ...]:
    """Numbers that move on whenever what pages show of the CMS may have changed: the newest entries of
    Wagtail's logs of page actions (publish, unpublish, move, delete, view restrictions) and of other models'
    edits (the site settings), and the newest page (pages added in code are not logged); with
    ``consultation_id``, its results revision after them. One query."""
    quote = connection.ops.quote_name
    # Only our models' table and column names (quoted by the backend) are formatted in; values are parameters.
    logs = [quote(model._meta.db_table) for model in (PageLogEntry, ModelLogEntry, Page)]
    numbers = [f"(SELECT MAX(id) FROM {table})" for table in logs]  # nosec B608 # model table names, no input
    params = []
    if consultation_id is not None:
        table, key = quote(ResultsRevision._meta.db_table), quote(ResultsRevision._meta.pk.column)
        numbers.append(f"(SELECT value FROM {table} WHERE {key} = %s)")  # nosec B608 # model names, no input
        params.append(consultation_id)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(numbers)}", params)
        return tuple(value or 0 for value in cursor.fetchone())


def next_phase_date(moment: dt.datetime) -> dt.datetime | None:
    """The first phase date (start or end) after ``moment`` of any published consultation: until then, no
    consultation's phase changes and none opens or closes. One query."""
    fields = ("participation_starts", "participation_ends", "voting_starts", "voting_ends")
    found = ConsultationPage.objects.live().aggregate(
        **{field: Min(field, filter=Q(**{f"{field}__gt": moment})) for field in fields}
    )
    return min((date for date in found.values() if date is not None), default=None)


def announced_phases() -> list[tuple[ConsultationPage, PhaseAnnouncement | None]]:
    """Every published consultation with the phase last announced for it (None before its first look):
    what ``services.switch_phases`` compares with the clock. One query."""
    consultations = ConsultationPage.objects.live().select_related("phase_announcement").order_by("pk")
    return [(c, getattr(c, "phase_announcement", None)) for c in consultations]
