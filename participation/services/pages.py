"""Consultations and proposals added in code (the demo, tests), as staff add them in the admin;
and the twin objects tied to them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from participation.models import (
    AnalogEntry,
    ConsultationPage,
    ConsultationTwinFeature,
    Contribution,
    NewsPage,
    ProposalPage,
    ProposalTwinFeature,
    TwinFeature,
    Vote,
)
from participation.services.results import page_changed, publish_after_commit


@transaction.atomic
def add_consultation(*, parent: Page, **fields) -> ConsultationPage:
    """A published consultation under ``parent``; Wagtail cleans it on saving (area, bounding box, phases).
    Published now, as the admin's "Publish" records it (``services.switch_phases`` starts from that moment)."""
    now = timezone.now()
    consultation = ConsultationPage(**{"first_published_at": now, "last_published_at": now, **fields})
    return parent.add_child(instance=consultation)


@transaction.atomic
def end_consultation(
    *, consultation: ConsultationPage, ended_at: dt.datetime, publish_results: bool, lasted: int = 14
) -> ConsultationPage:
    """End a consultation in code (the demo) as staff do in the admin: its phases moved to ``lasted`` days up
    to ``ended_at`` (voting in the last ten) and, if asked, its results published; as a new published
    revision. Its open data download is then made by ``build_open_data`` (the demo calls it; a publication
    in the admin queues it)."""
    page = ConsultationPage.objects.get(pk=consultation.pk)
    page.participation_starts = ended_at - dt.timedelta(days=lasted)
    page.participation_ends = ended_at
    if page.has_voting:
        page.voting_starts = ended_at - dt.timedelta(days=min(10, lasted))
        page.voting_ends = ended_at
    page.results_published = publish_results
    page.save_revision().publish()
    page_changed(page=page)
    return ConsultationPage.objects.get(pk=page.pk)


@transaction.atomic
def spread_over_days(*, consultation: ConsultationPage, days: int, until: dt.datetime) -> None:
    """For the demo only: its contributions, votes and paper entries dated over the ``days`` days up to
    ``until``, in turns, as if they had come over time (every service dates what it writes now)."""
    rows = [
        (Contribution.objects.filter(consultation=consultation), ("created_at",)),
        (Vote.objects.filter(proposal__in=ProposalPage.objects.child_of(consultation)), ("created_at", "updated_at")),
        (AnalogEntry.objects.filter(consultation=consultation), ("entered_at",)),
    ]
    for queryset, fields in rows:
        ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        for day in range(days):
            moment = until - dt.timedelta(days=days - 1 - day)
            queryset.model.objects.filter(pk__in=ids[day::days]).update(**dict.fromkeys(fields, moment))
    publish_after_commit(consultation.pk)


@transaction.atomic
def add_proposal(*, consultation: ConsultationPage, **fields) -> ProposalPage:
    return consultation.add_child(instance=ProposalPage(**fields))


@transaction.atomic
def add_news(*, consultation: ConsultationPage, **fields) -> NewsPage:
    """A news item of ``consultation``, published as staff publish it (a revision): its followers are told."""
    news = consultation.add_child(instance=NewsPage(live=False, **fields))
    news.save_revision().publish()
    news.refresh_from_db()
    return news


@transaction.atomic
def tie_twin_features(*, page: ConsultationPage | ProposalPage, features: Iterable[TwinFeature]) -> int:
    """Tie twin objects to a page after those it has, in order; an object tied already is left out."""
    link = ConsultationTwinFeature if isinstance(page, ConsultationPage) else ProposalTwinFeature
    existing = set(link.objects.filter(page=page).values_list("twin_feature_id", flat=True))
    start = link.objects.filter(page=page).count()
    new = [feature for feature in dict.fromkeys(features) if feature.pk not in existing]
    link.objects.bulk_create(
        link(page=page, twin_feature=feature, sort_order=start + order) for order, feature in enumerate(new)
    )
    return len(new)
