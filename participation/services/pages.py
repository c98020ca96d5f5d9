"""Consultations and proposals added in code (the demo, tests), as staff add them in the admin;
and the twin objects tied to them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from participation.models import (
    ConsultationPage,
    ConsultationTwinFeature,
    ProposalPage,
    ProposalTwinFeature,
    TwinFeature,
)


@transaction.atomic
def add_consultation(*, parent: Page, **fields) -> ConsultationPage:
    """A published consultation under ``parent``; Wagtail cleans it on saving (area, bounding box, phases).
    Published now, as the admin's "Publish" records it (``services.switch_phases`` starts from that moment)."""
    now = timezone.now()
    consultation = ConsultationPage(**{"first_published_at": now, "last_published_at": now, **fields})
    return parent.add_child(instance=consultation)


@transaction.atomic
def add_proposal(*, consultation: ConsultationPage, **fields) -> ProposalPage:
    return consultation.add_child(instance=ProposalPage(**fields))


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
