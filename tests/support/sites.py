"""Several municipalities on one installation: a second Wagtail site with its own home page, and staff who look
after one site only (a group per site with a page permission on its root, as a city sets them up)."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Page, Site

from cms.models import HomePage
from participation.rules import MODERATORS_GROUP
from tests.support import factories

EDITORS_GROUP = "Editors"


def second_site(*, hostname: str = "lemgo.example.org", title: str = "Lemgo") -> HomePage:
    """Another municipality: its own home page under the tree's root, served at ``hostname``."""
    factories.home_page()  # the default site first (its home page is the first HomePage)
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title=title, slug=title.lower()))
    Site.objects.create(hostname=hostname, port=80, root_page=home, site_name=title)
    return home


def roles_without_tree_grants() -> None:
    """As a city with several sites does: Wagtail's migrations grant Moderators and Editors the tree's root (every
    site); those grants go, the roles stay (the sites' groups hold the page permissions)."""
    GroupPagePermission.objects.filter(group__name__in=[MODERATORS_GROUP, EDITORS_GROUP], page__depth=1).delete()


def site_group(name: str, *, root: Page, permission: str = "change_page") -> Group:
    """The group of one site's staff: admin access, and a page permission on the site's root."""
    group = Group.objects.get_or_create(name=name)[0]
    group.permissions.add(Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"))
    granted = Permission.objects.get(codename=permission, content_type__app_label="wagtailcore")
    GroupPagePermission.objects.get_or_create(group=group, page=root, permission=granted)
    return group


def site_moderator(username: str, *, root: Page):
    """A moderator of the site whose root is ``root``: in the site's group and in Moderators (the role)."""
    user = factories.CitizenFactory(username=username)
    user.groups.add(site_group(f"Staff of {root.title}", root=root))
    user.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    return user


def refused(response) -> bool:
    """A refusal in the admin: 403 or 404, or Wagtail's own answer to a PermissionDenied (back to the dashboard
    with its message)."""
    if response.status_code == 302:
        return response.url == "/admin/"
    return response.status_code in (403, 404)
