"""What a site shows of everything published, when one installation serves several municipalities.

A site shows the consultations under its home page and the joint ones shared with it
(``ConsultationPage.shared_with_sites``), everything hanging off those (proposals, contributions, votes, rooms,
screens), and the twin objects of the datasets it names. Every public read narrows its rows with these; staff,
tasks and mails read with ``EVERY_SITE``. Each adds subqueries to the read's own query, never a query of its own;
the site itself is found in them by host and port (``SiteScope``).
"""

from __future__ import annotations

from django.db.models import Case, Q, QuerySet, Subquery, Value, When
from wagtail.models import Site

from participation.models import ConsultationPage
from participation.selectors.sites import SiteProfile, SiteScope, site_id_of_page, site_profile


def _the_site(site: SiteScope) -> QuerySet:
    """The one site Wagtail serves the host and port with, as a subquery: the site of that host (and port, where
    hosts share a name), else the default site."""
    host = Q(hostname=site.hostname)
    rank = Case(When(host & Q(port=site.port), then=Value(0)), When(host, then=Value(1)), default=Value(2))
    return Site.objects.filter(host | Q(is_default_site=True)).annotate(rank=rank).order_by("rank", "pk")[:1]


def consultations_on_site(consultations: QuerySet, *, site: SiteScope) -> QuerySet:
    """``consultations`` narrowed to those the site shows."""
    if site.hostname is None:
        return consultations
    the_site = _the_site(site)
    home = Subquery(the_site.values("root_page__path"))
    shared = ConsultationPage.shared_with_sites.through.objects.filter(site_id=Subquery(the_site.values("pk")))
    return consultations.filter(Q(path__startswith=home) | Q(pk__in=shared.values("consultationpage_id")))


def on_site(rows: QuerySet, *, site: SiteScope, consultation: str = "consultation") -> QuerySet:
    """``rows`` narrowed to those whose consultation (the field path ``consultation``) the site shows."""
    if site.hostname is None:
        return rows
    shown = consultations_on_site(ConsultationPage.objects.all(), site=site)
    return rows.filter(**{f"{consultation}__in": shown.values("pk")})


def home_site_of(consultation: ConsultationPage, *, site: SiteScope) -> SiteProfile | None:
    """The profile of the site a joint consultation lives on, where it is not ``site`` (whose lists link to it
    there); None for the site's own."""
    home = site_id_of_page(consultation)
    return None if home is None or home == site.site_id else site_profile(site_id=home)


def twin_features_on_site(features: QuerySet, *, site: SiteScope) -> QuerySet:
    """``features`` narrowed to the datasets the site names; a site naming none shows them all."""
    return features.filter(source__in=site.twin_sources) if site.twin_sources else features
