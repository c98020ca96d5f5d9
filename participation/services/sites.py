"""Writes of a site's profile (``CityProfile``) that are not the admin's form: a new site's name."""

from __future__ import annotations

from django.db import transaction

from participation.models import CityProfile


@transaction.atomic
def name_site(*, site_id: int, city_name: str) -> CityProfile:
    """Give a site its city's name (its pages, mails and screens say it); the rest stays as the environment's."""
    profile, _ = CityProfile.objects.update_or_create(site_id=site_id, defaults={"city_name": city_name})
    return profile
