"""Another municipality on the installation: ``add_site`` (and its command) make its home page, site and name."""

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import GroupPagePermission, Page, Site

from cms import services
from cms.models import HomePage, SiteSettings
from participation.selectors import site_profile
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


def test_the_command_adds_it_and_explains_a_refusal(home, capsys):
    call_command("add_site", "https://lemgo.example", "Lemgo", "--city", "Alte Hansestadt Lemgo")

    told = capsys.readouterr().out
    assert "https://lemgo.example" in told
    assert "Note: the groups Editors, Moderators hold page permissions on the tree's root" in told  # Wagtail's
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
