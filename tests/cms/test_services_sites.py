"""Another municipality on the installation: ``add_site`` (and its command) make its home page, site and name."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from wagtail.images import get_image_model
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site
from wagtail.permissions import policy_registry

from cms import services
from cms.models import HomePage, SiteSettings
from participation.rules import MODERATORS_GROUP
from participation.selectors import consultations_managed_by, site_profile
from tests.support import factories


def test_a_new_site_gets_its_own_home_page_address_and_name(home):
    site = services.add_site(address="https://beteiligung.kalletal.example", title="Kalletal")

    assert (site.hostname, site.port, site.is_default_site) == ("beteiligung.kalletal.example", 443, False)
    assert site.root_url == "https://beteiligung.kalletal.example"
    assert isinstance(site.root_page.specific, HomePage) and site.root_page.depth == 2
    assert site_profile(site_id=site.pk).city_name == "Kalletal"
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk  # the first site is untouched
    legal = SiteSettings.for_site(site)
    pages = [legal.imprint_page, legal.privacy_page, legal.accessibility_page]
    assert [page.slug for page in pages] == ["impressum", "datenschutz", "barrierefreiheit"]
    assert all(page.get_parent().pk == site.root_page_id and page.live for page in pages)


def test_its_home_page_is_served_on_its_host_with_its_consultations_only(client, settings, home):
    settings.ALLOWED_HOSTS = ["testserver", "kalletal.example"]
    site = services.add_site(address="http://kalletal.example", title="Kalletal")
    factories.consultation("participate", title="Am Default-Standort")
    factories.consultation("participate", parent=site.root_page, title="Dorfplatz Hohenhausen")

    page = client.get("/", HTTP_HOST="kalletal.example").content.decode()

    assert "Dorfplatz Hohenhausen" in page and "Am Default-Standort" not in page
    assert "Kalletal" in page  # the header says its city
    assert 'href="/impressum/"' in page and 'href="/datenschutz/"' in page  # its own legal pages


def test_a_second_site_at_the_same_address_is_refused(home):
    services.add_site(address="https://kalletal.example", title="Kalletal")

    with pytest.raises(services.SiteTaken):
        services.add_site(address="https://kalletal.example:443", title="Kalletal 2")


def test_two_sites_with_one_title_get_two_slugs(home):
    first = services.add_site(address="https://a.example", title="Kalletal")
    second = services.add_site(address="https://b.example", title="Kalletal")

    assert (first.root_page.slug, second.root_page.slug) == ("kalletal", "kalletal-2")
    assert {"Kalletal editors", "Kalletal editors 2"} <= set(Group.objects.values_list("name", flat=True))
    assert {"Kalletal", "Kalletal 2"} <= set(Collection.objects.values_list("name", flat=True))


def test_a_new_site_brings_its_staff_groups_and_its_collection(home):
    """As the README's "Staff per site" sets a city up: the role groups lose the tree's root (pages and
    collections), and each member of staff is in a group of the site and in a role group."""
    site = services.add_site(address="https://kalletal.example", title="Kalletal")
    GroupPagePermission.objects.filter(page=Page.get_first_root_node()).delete()
    GroupCollectionPermission.objects.filter(collection=Collection.get_first_root_node()).delete()
    ours = factories.consultation("participate", title="Neuer Marktplatz")
    theirs = factories.consultation("participate", parent=site.root_page, title="Dorfplatz", slug="dorfplatz")
    editor = factories.CitizenFactory(username="kalletal-editor")
    editor.groups.add(Group.objects.get(name="Kalletal editors"), Group.objects.get_or_create(name="Editors")[0])
    moderator = factories.CitizenFactory(username="kalletal-moderator")
    moderator.groups.add(Group.objects.get(name="Kalletal moderators"), Group.objects.get(name=MODERATORS_GROUP))

    for member in (editor, moderator):
        assert list(consultations_managed_by(user=member)) == [theirs]
        assert member.has_perm("wagtailadmin.access_admin")
        assert not ours.permissions_for_user(member).can_edit()
    assert theirs.permissions_for_user(editor).can_edit() and theirs.permissions_for_user(editor).can_publish()
    assert not theirs.permissions_for_user(moderator).can_edit()  # the site's scope, no right to edit its pages
    image_permissions = policy_registry.get_by_type(get_image_model())
    kalletal = Collection.objects.get(name="Kalletal")
    assert list(image_permissions.collections_user_has_permission_for(editor, "add")) == [kalletal]
    assert list(image_permissions.collections_user_has_permission_for(moderator, "add")) == []


def test_the_command_adds_it_and_explains_a_refusal(home, capsys):
    call_command("add_site", "https://lemgo.example", "Lemgo", "--city", "Alte Hansestadt Lemgo")

    told = capsys.readouterr().out
    assert "https://lemgo.example" in told
    assert "Note: the groups Editors, Moderators hold page permissions on the tree's root" in told  # Wagtail's
    assert "Its staff groups: Lemgo editors, Lemgo moderators; its collection of images and documents: Lemgo." in told
    assert "ALLOWED_HOSTS (lemgo.example) and CSRF_TRUSTED_ORIGINS (https://lemgo.example) do not name it" in told
    assert site_profile(site_id=Site.objects.get(hostname="lemgo.example").pk).city_name == "Alte Hansestadt Lemgo"
    with pytest.raises(CommandError, match=r"bereits|already"):
        call_command("add_site", "https://lemgo.example", "Lemgo")
    with pytest.raises(CommandError, match=r"https://host\.name"):
        call_command("add_site", "lemgo", "Lemgo")


def test_the_command_says_nothing_of_groups_or_settings_once_they_are_in_place(home, capsys, settings):
    GroupPagePermission.objects.filter(page=Page.get_first_root_node()).delete()
    settings.ALLOWED_HOSTS = [".example"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://kalletal.example"]

    call_command("add_site", "https://kalletal.example", "Kalletal")

    assert "Note:" not in capsys.readouterr().out


def test_the_first_site_gets_its_staff_groups_by_command_once(home, capsys):
    GroupPagePermission.objects.filter(page=home).delete()  # as a site that nobody set up yet
    Site.objects.filter(is_default_site=True).update(site_name="Lemgo")

    call_command("add_site_staff")

    told = capsys.readouterr().out
    assert "Its staff groups: Lemgo editors, Lemgo moderators; its collection of images and documents: Lemgo." in told
    assert set(GroupPagePermission.objects.filter(page=home).values_list("group__name", flat=True)) == {
        "Lemgo editors",
        "Lemgo moderators",
    }
    with pytest.raises(CommandError, match=r"(already|bereits).*Lemgo editors, Lemgo moderators"):
        call_command("add_site_staff")
    with pytest.raises(CommandError, match=r"No site answers at https://nowhere\.example"):
        call_command("add_site_staff", "https://nowhere.example")
