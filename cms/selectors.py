"""Reads of the website's set-up."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib.auth.models import Group
from wagtail.models import Collection, GroupPagePermission, Page, Site


def groups_over_every_site() -> list[str]:
    """The groups holding a page permission on the tree's root, above every site's home page: their members
    manage every site's consultations (participation.selectors.consultations_managed_by)."""
    root = Page.get_first_root_node()
    if root is None:
        return []
    permissions = GroupPagePermission.objects.filter(page=root)
    return sorted(set(permissions.values_list("group__name", flat=True)))


def site_staff_of(site) -> tuple[list[str], list[str]]:
    """The names of the groups holding a page permission on ``site``'s home page (the site's staff, as
    ``add_site_staff`` makes them), and of the collections those groups hold permissions on."""
    groups = Group.objects.filter(page_permissions__page=site.root_page_id).distinct()
    collections = Collection.objects.filter(group_permissions__group__in=groups).distinct()
    return sorted(groups.values_list("name", flat=True)), sorted(collections.values_list("name", flat=True))


def host_and_port(address: str) -> tuple[str | None, int]:
    """The host and port of a site's public address, as Wagtail keeps them (``https://a.example`` -> 443)."""
    parts = urlsplit(address)
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def site_at(address: str | None) -> Site | None:
    """The site answering at ``address``; without one, the default site."""
    if not address:
        return Site.objects.filter(is_default_site=True).select_related("root_page").first()
    hostname, port = host_and_port(address)
    return Site.objects.filter(hostname=hostname, port=port).select_related("root_page").first()
