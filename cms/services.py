"""Writes of the website: the home page as the site's root, and plain content pages.

Staff do these in the admin; the demo and the tests call them to build the same site.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Task,
    Workflow,
)

from cms import selectors
from cms.legal_frames import ACCESSIBILITY, IMPRINT
from cms.models import HomePage, PrivacyPage, SiteSettings, StandardPage
from participation import services as participation_services


@transaction.atomic
def ensure_home_page(*, title: str, slug: str, intro: str = "", site_name: str = "") -> tuple[HomePage, bool]:
    """The one home page, made the default site's root; ``(page, created)``. An existing one is left as it is.

    On a fresh database (or after ``flush``, which removes what Wagtail's migrations made) the tree's
    root and the content locale are made first; Wagtail's "Welcome" page gives way to the home page.
    """
    home = HomePage.objects.first()
    if home is not None:
        return home, False
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    home = root.add_child(instance=HomePage(title=title, slug=slug, intro=intro))
    site = Site.objects.filter(is_default_site=True).first()
    welcome = site.root_page if site else None
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=site_name)
    else:
        site.root_page = home
        site.site_name = site_name or site.site_name
        site.save()
    if welcome is not None and welcome.specific_class is Page and welcome.depth == 2:
        welcome.delete()
    return home, True


@transaction.atomic
def ensure_standard_page(
    *, parent: Page, slug: str, title: str, intro: str = "", **fields
) -> tuple[StandardPage, bool]:
    """The standard page with ``slug`` (anywhere), else a new one under ``parent``; ``(page, created)``."""
    page = StandardPage.objects.filter(slug=slug).first()
    if page is not None:
        return page, False
    return parent.add_child(instance=StandardPage(title=title, slug=slug, intro=intro, **fields)), True


@transaction.atomic
def ensure_privacy_page(*, parent: HomePage, slug: str, title: str) -> tuple[Page, bool]:
    """The page at ``slug`` under ``parent`` (of any type: an older site's standard page stays), else a new
    privacy page, whose statement comes from its template; ``(page, created)``."""
    page = parent.get_children().filter(slug=slug).specific().first()
    if page is not None:
        return page, False
    return parent.add_child(instance=PrivacyPage(title=title, slug=slug)), True


@transaction.atomic
def set_legal_pages(*, imprint: Page, privacy: Page, accessibility: Page, site: Site | None = None) -> bool:
    """The footer of ``site`` (the default site) links to these, where staff chose none yet; True if any is set
    now."""
    site_settings = SiteSettings.for_site(site or Site.objects.get(is_default_site=True))
    chosen = {"imprint_page": imprint, "privacy_page": privacy, "accessibility_page": accessibility}
    missing = [field for field in chosen if getattr(site_settings, f"{field}_id") is None]
    for field in missing:
        setattr(site_settings, field, chosen[field])
    if missing:
        site_settings.save(update_fields=missing)
    return bool(missing)


class SiteTaken(ValueError):
    """The host and port name a site already."""


@transaction.atomic
def add_site(*, address: str, title: str, city_name: str = "") -> Site:
    """Another municipality on this installation: a home page of its own at the top of the page tree, a Wagtail
    site answering at ``address`` (``https://beteiligung.kalletal.de``) with it as root, and its imprint, privacy
    statement and accessibility statement, linked from its footer (frames for the city to complete: it is
    another body). Its name and city are set in its "City and map" settings; staff make its pages under the
    new home page. Its staff groups and collection come with it (``add_site_staff``)."""
    hostname, port = selectors.host_and_port(address)
    if not hostname:
        raise ValueError(gettext("Give the address as https://host.name."))
    if selectors.site_at(address) is not None:
        raise SiteTaken(gettext("There is a site at this address already."))
    root = Page.get_first_root_node()
    slug = _free_slug(root, slugify(title) or hostname.replace(".", "-"))
    home = root.add_child(instance=HomePage(title=title, slug=slug))
    site = Site.objects.create(hostname=hostname, port=port, root_page=home, site_name=title)
    participation_services.name_site(site_id=site.pk, city_name=city_name or title)
    set_legal_pages(
        imprint=home.add_child(instance=StandardPage(title="Impressum", slug="impressum", intro=IMPRINT)),
        privacy=home.add_child(instance=PrivacyPage(title="Datenschutz", slug="datenschutz")),
        accessibility=home.add_child(
            instance=StandardPage(title="Erklärung zur Barrierefreiheit", slug="barrierefreiheit", intro=ACCESSIBILITY)
        ),
        site=site,
    )
    add_site_staff(site=site)
    return site


# What the two groups of a new site hold on its home page (and what lies under it), by Wagtail permission.
SITE_EDITORS_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
SITE_MODERATORS_PAGE_PERMISSIONS = ("lock_page",)  # the least: it says where; the Moderators group says what
# The editors' rights on the images and documents of the site's collection.
SITE_EDITORS_MEDIA_PERMISSIONS = (
    ("wagtailimages", ("add_image", "change_image", "choose_image")),
    ("wagtaildocs", ("add_document", "change_document", "choose_document")),
)


class SiteHasStaff(ValueError):
    """Groups hold page permissions on the site's home page already."""


@transaction.atomic
def add_site_staff(*, site: Site) -> None:
    """The groups "<site> editors" and "<site> moderators" (admin access, page permissions on the site's home
    page: participation.selectors.consultations_managed_by reads them as the site its members work on), and
    its collection "<site>" for images and documents, which the editors' group may add to and use. Members join
    one of them and, for what they do, Moderators or Editors (README, "Staff per site"). Refused where groups
    hold permissions on the home page already: the site's staff are set up."""
    home = site.root_page
    if GroupPagePermission.objects.filter(page=home).exists():
        raise SiteHasStaff(gettext("Groups hold permissions on this site's home page already."))
    title = site.site_name or home.title
    top = Collection.get_first_root_node() or Collection.add_root(name="Root")  # none after a flush
    collection = top.add_child(name=_free_name(title, Collection.objects))
    editors = _site_group(f"{title} editors", home=home, page_codenames=SITE_EDITORS_PAGE_PERMISSIONS)
    _site_group(f"{title} moderators", home=home, page_codenames=SITE_MODERATORS_PAGE_PERMISSIONS)
    for app_label, codenames in SITE_EDITORS_MEDIA_PERMISSIONS:
        for permission in Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames):
            GroupCollectionPermission.objects.create(group=editors, collection=collection, permission=permission)


def _site_group(name: str, *, home: Page, page_codenames: tuple[str, ...]) -> Group:
    group = Group.objects.create(name=_free_name(name, Group.objects))
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    for permission in Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=page_codenames):
        GroupPagePermission.objects.create(group=group, page=home, permission=permission)
    return group


def _free_name(name: str, named) -> str:
    """``name``, or ``name 2``, ``name 3``... where one of ``named`` (groups, collections) has it."""
    return _first_free(name, set(named.filter(name__startswith=name).values_list("name", flat=True)), " ")


def _free_slug(parent: Page, slug: str) -> str:
    """``slug``, or ``slug-2``, ``slug-3``... where a sibling has it."""
    return _first_free(slug, set(parent.get_children().values_list("slug", flat=True)), "-")


def _first_free(base: str, taken: set[str], joiner: str) -> str:
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}{joiner}{number}"
    return candidate


@transaction.atomic
def point_default_site_at(*, base_url: str) -> bool:
    """The default site's address is the public one (BASE_URL): pages' full URLs (the API's ``url``) use it.

    Wagtail keeps its own copy of the address, and the copy its migrations make says ``localhost:80``.
    True if it changed.
    """
    hostname, port = selectors.host_and_port(base_url)
    changed = Site.objects.filter(is_default_site=True).exclude(hostname=hostname, port=port)
    return bool(changed.update(hostname=hostname, port=port))


# Wagtail's migrations make a workflow and its task for the group "Moderators" and name both this, in English.
WAGTAIL_DEFAULT_WORKFLOW = "Moderators approval"


@transaction.atomic
def name_default_workflow() -> bool:
    """Name Wagtail's default workflow and its task in the site's language; True if renamed.

    Their names are rows, not texts of a catalogue: the admin puts them into its buttons as they are ("In
    Moderators approval einreichen"). A name staff gave them is left alone.
    """
    with translation.override(settings.LANGUAGE_CODE):
        name = gettext("Approval by the moderators")
    renamed = Workflow.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW).update(name=name)
    renamed += Task.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW).update(name=name)
    return bool(renamed)
