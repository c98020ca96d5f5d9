"""Reads of the website's set-up."""

from __future__ import annotations

from wagtail.models import GroupPagePermission, Page


def groups_over_every_site() -> list[str]:
    """The groups holding a page permission on the tree's root, above every site's home page: their members
    manage every site's consultations (participation.selectors.consultations_managed_by)."""
    root = Page.get_first_root_node()
    if root is None:
        return []
    permissions = GroupPagePermission.objects.filter(page=root)
    return sorted(set(permissions.values_list("group__name", flat=True)))
