"""How a site presents itself (``CityProfile``), with the environment's values where staff left a field empty.

Read on every page (header, title, colours, the map), so kept in the cache per site until staff save the
profile (``forget_site_profile``, connected in ``ParticipationConfig.ready``): no query on a page once kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.cache import cache
from django.http.request import split_domain_port
from wagtail.models import Site

from participation.colours import darker
from participation.models.sites import CityProfile

CACHE_SECONDS = 3600
DEFAULT_BRAND_COLOUR = "#0b4f8a"  # static/css/site.css --brand
LOGO_RENDITION = "height-96"  # twice the header's 48 px, sharp on dense screens


@dataclass(frozen=True)
class SiteScope:
    """What a site shows of everything published (participation.selectors.site_scope): the consultations under
    its home page and those shared with it, and the objects of the twin datasets it names (none named: all).
    ``EVERY_SITE`` is the scope of staff, tasks and mails.

    Which site that is, the database finds by ``hostname`` and ``port`` in the read's own query, as Wagtail
    routes (that host, else the default site): never by an id kept in a cache, which a restored or replaced
    database would leave pointing at another site. ``site_id`` is as the profile was read, for what a page says
    (a joint consultation's label), never for what it shows."""

    hostname: str | None
    port: int | None = None
    twin_sources: tuple[str, ...] = ()
    site_id: int | None = None


EVERY_SITE = SiteScope(hostname=None)


@dataclass(frozen=True)
class SiteProfile:
    site_name: str
    city_name: str
    brand_colour: str
    brand_colour_dark: str
    logo_url: str
    map_center: tuple[float, float]
    map_zoom: int
    tile_url: str
    tile_attribution: str
    site_id: int | None = None
    twin_sources: tuple[str, ...] = ()

    @property
    def full_name(self) -> str:
        """The name the site goes by, as in its header: "Bürgerforum Delft"."""
        return f"{self.site_name} {self.city_name}".strip()

    @property
    def custom_colour(self) -> bool:
        return self.brand_colour != DEFAULT_BRAND_COLOUR


_generation = 0  # moves on when a test changes a setting the profiles fall back to


def _cache_key(site_id: int | None) -> str:
    return f"site-profile:{_generation}:{site_id or 0}"


def _by_host_key() -> str:
    """The profiles by the host and port requests come in on, all in one entry: a page needs no query for its site."""
    return f"site-profiles-by-host:{_generation}"


BY_HOST_LIMIT = 50  # hosts kept; the Host header is the visitor's to send


def site_profile(*, site_id: int | None = None) -> SiteProfile:
    """The profile of the site ``site_id``, or of the default site (mails, tasks, commands)."""
    key = _cache_key(site_id)
    profile = cache.get(key)
    if profile is None:
        profile = _read_profile(site_id)
        cache.set(key, profile, CACHE_SECONDS)
    return profile


def site_profile_for_request(request) -> SiteProfile:
    """The profile of the site the request came in on (Wagtail's match of host and port; kept on the request)."""
    profile = getattr(request, "_site_profile", None)
    if profile is None:
        host = request._get_raw_host()
        by_host = cache.get(_by_host_key()) or {}
        profile = by_host.get(host)
        if profile is None:
            site = Site.find_for_request(request)
            profile = site_profile(site_id=site.pk if site else None)
            if len(by_host) < BY_HOST_LIMIT:
                cache.set(_by_host_key(), {**by_host, host: profile}, CACHE_SECONDS)
        request._site_profile = profile
    return profile


def site_scope_for_request(request) -> SiteScope:
    """The scope of the site the request came in on: every public read passes it on. No query of its own."""
    scope = getattr(request, "_site_scope", None)
    if scope is None:
        profile = site_profile_for_request(request)
        hostname = split_domain_port(request._get_raw_host())[0]
        scope = SiteScope(
            hostname=hostname,
            port=int(request.get_port()),
            twin_sources=profile.twin_sources,
            site_id=profile.site_id,
        )
        request._site_scope = scope
    return scope


def site_scope(*, site_id: int) -> SiteScope:
    """The scope of the site ``site_id`` (a task or test that speaks for one site). One query, and the profile's."""
    hostname, port = Site.objects.filter(pk=site_id).values_list("hostname", "port").get()
    profile = site_profile(site_id=site_id)
    return SiteScope(hostname, port, profile.twin_sources, profile.site_id)


def public_base_url(*, site_id: int | None = None) -> str:
    """Where people reach a site, without a trailing slash: BASE_URL for the default site (the operator's public
    address), else the Wagtail site's own (its host name; https on port 443). For whatever leaves the site for
    later: mails, QR codes, the addresses commands print."""
    if site_id is None or site_id == site_profile().site_id:
        return settings.BASE_URL.rstrip("/")
    root = next((root for root in Site.get_site_root_paths() if root.site_id == site_id), None)
    return (root.root_url if root else settings.BASE_URL).rstrip("/")


def site_id_of_page(page) -> int | None:
    """The site whose home page ``page`` lies under (Wagtail's site root paths, kept in the cache)."""
    parts = page.get_url_parts()
    return parts[0] if parts else None


def public_page_url(page, fragment: str = "") -> str:
    """The address of a page at its own site's public address (``public_base_url``), with ``#fragment``."""
    parts = page.get_url_parts()
    path = parts[2] if parts else "/"
    return public_base_url(site_id=parts[0] if parts else None) + path + (f"#{fragment}" if fragment else "")


def mail_sender(profile: SiteProfile | None = None) -> str:
    """DEFAULT_FROM_EMAIL, with the site's name (of ``profile``, else the default site's) shown as the sender
    unless it names one itself."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return settings.DEFAULT_FROM_EMAIL if name else formataddr(((profile or site_profile()).full_name, address))


def forget_site_profile(sender=None, instance=None, **kwargs) -> None:
    """Drop the kept profiles when staff save one or change a site (its host, the default): all of them, as a
    site's change moves hosts between profiles."""
    site_ids = {getattr(instance, "site_id", None), getattr(instance, "pk", None) if sender is Site else None}
    cache.delete_many([_by_host_key(), _cache_key(None), *(_cache_key(site_id) for site_id in site_ids if site_id)])


def forget_every_site_profile() -> None:
    """Drop every kept profile, and Wagtail's kept site addresses: after the database changed behind the
    signals' back (a restore), the next request reads them afresh. ``manage.py forget_site_profiles``."""
    site_ids = Site.objects.values_list("pk", flat=True)
    cache.delete_many([_by_host_key(), _cache_key(None), *(_cache_key(site_id) for site_id in site_ids)])
    Site.clear_site_root_paths_cache()


# The settings a profile falls back to (``_read_profile``).
FALLBACK_SETTINGS = {"SITE_NAME", "CITY_NAME", "MAP_CENTER", "MAP_ZOOM", "MAP_TILE_URL", "MAP_TILE_ATTRIBUTION"}


def forget_profiles_on_setting_change(*, setting: str, **kwargs) -> None:
    """Tests change settings in one process: its keys move on, and what was kept under the old ones is not read."""
    global _generation
    if setting in FALLBACK_SETTINGS:
        _generation += 1


def _read_profile(site_id: int | None) -> SiteProfile:
    if site_id is None:
        site_id = Site.objects.filter(is_default_site=True).values_list("pk", flat=True).first()
    row = CityProfile.objects.select_related("logo").filter(site_id=site_id).first() if site_id else None
    row = row or CityProfile()
    colour = row.brand_colour or DEFAULT_BRAND_COLOUR
    has_center = row.map_latitude is not None and row.map_longitude is not None
    return SiteProfile(
        site_name=row.site_name or settings.SITE_NAME,
        city_name=row.city_name or settings.CITY_NAME,
        brand_colour=colour.lower(),
        brand_colour_dark=darker(colour.lower()),
        logo_url=row.logo.get_rendition(LOGO_RENDITION).url if row.logo_id else "",
        map_center=(row.map_latitude, row.map_longitude) if has_center else tuple(settings.MAP_CENTER),
        map_zoom=row.map_zoom or settings.MAP_ZOOM,
        tile_url=row.tile_url or settings.MAP_TILE_URL,
        tile_attribution=row.tile_attribution if row.tile_url else settings.MAP_TILE_ATTRIBUTION,
        site_id=site_id,
        twin_sources=row.twin_source_names,
    )
