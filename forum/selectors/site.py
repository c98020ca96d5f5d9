"""The site as people know it: its name (participation.CityProfile) and its public address (BASE_URL).

Whatever leaves the site for later (mails, QR codes, the addresses commands print) names it with these,
never with the host a request happened to come in on.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from participation.selectors import public_base_url, site_profile


@dataclass(frozen=True)
class PublicSite:
    """What allauth's mail templates call ``current_site``: a name and a domain."""

    name: str
    domain: str


def site_name(*, site_id: int | None = None) -> str:
    """The name the site ``site_id`` (the default site) goes by, as in its header: "Bürgerforum Delft" (its
    CityProfile, or SITE_NAME with CITY_NAME)."""
    return site_profile(site_id=site_id).full_name


def public_host(*, site_id: int | None = None) -> str:
    """The host (and port) of the public address of the site ``site_id`` (None: the default site's):
    "beteiligung.example.de"."""
    return urlsplit(public_base_url(site_id=site_id)).netloc


def public_site(*, site_id: int | None = None) -> PublicSite:
    return PublicSite(name=site_name(site_id=site_id), domain=public_host(site_id=site_id))


def public_url(address: str, *, site_id: int | None = None) -> str:
    """``address`` (a path, or a full URL on any host) at the public address of the site ``site_id`` (None:
    the default site's, BASE_URL), query included."""
    parts = urlsplit(address)
    return public_base_url(site_id=site_id) + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
