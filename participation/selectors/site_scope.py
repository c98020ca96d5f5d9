"""What a site shows of everything published, when one installation serves several municipalities.

A site shows the consultations under its home page and the joint ones shared with it
(``ConsultationPage.shared_with_sites``), everything hanging off those (proposals, contributions, votes, rooms,
screens), and the twin objects of the datasets it names. Every public read narrows its rows with these; staff,
tasks and mails read with ``EVERY_SITE``. Each adds a subquery to the read's own query, never a query of its own.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from participation.models import ConsultationPage
from participation.selectors.sites import SiteProfile, SiteScope, site_id_of_page, site_profile


def consultations_on_site(consultations: QuerySet, *, site: SiteScope) -> QuerySet:
    """``consultations`` narrowed to those the site shows."""
    if site.site_id is None:
        return consultations
    shared = ConsultationPage.shared_with_sites.through.objects.filter(site_id=site.site_id)
    return consultations.filter(Q(path__startswith=site.root_path) | Q(pk__in=shared.values("consultationpage_id")))


def on_site(rows: QuerySet, *, site: SiteScope, consultation: str = "consultation") -> QuerySet:
    """``rows`` narrowed to those whose consultation (the field path ``consultation``) the site shows."""
    if site.site_id is None:
        return rows
    shown = consultations_on_site(ConsultationPage.objects.all(), site=site)
    return rows.filter(**{f"{consultation}__in": shown.values("pk")})


def home_site_of(consultation: ConsultationPage, *, site: SiteScope) -> SiteProfile | None:
    """The profile of the site a joint consultation lives on, where it is not ``site`` (whose lists link to it
    there); None for the site's own."""
    if consultation.path.startswith(site.root_path):
        return None
    return site_profile(site_id=site_id_of_page(consultation))


def twin_features_on_site(features: QuerySet, *, site: SiteScope) -> QuerySet:
    """``features`` narrowed to the datasets the site names; a site naming none shows them all."""
    return features.filter(source__in=site.twin_sources) if site.twin_sources else features
