"""Consultations and proposals added in code (the demo, tests), as staff add them in the admin;
and the twin objects tied to them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from wagtail.models import Page

from participation.models import (
    ConsultationPage,
    ConsultationTwinFeature,
    NewsPage,
    ProposalPage,
    ProposalTwinFeature,
    TwinFeature,
)


@transaction.atomic
def add_consultation(*, parent: Page, **fields) -> ConsultationPage:
    """A published consultation under ``parent``; Wagtail cleans it on saving (area, bounding box, phases)."""
    consultation = ConsultationPage(**fields)
    return parent.add_child(instance=consultation)


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
