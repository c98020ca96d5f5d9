"""Writes of the website that follow the site's settings: the default site's address (BASE_URL) and the name
of Wagtail's moderation workflow in the site's language."""

import pytest
from wagtail.models import Site, Task, Workflow

from cms import services
from tests.support.api import API, api_client
from tests.support.pages import browser


def test_the_default_site_is_pointed_at_the_public_address(home, settings):
    assert services.point_default_site_at(base_url="https://beteiligung.example.de")
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_url) == (
        "beteiligung.example.de",
        443,
        "https://beteiligung.example.de",
    )
    assert not services.point_default_site_at(base_url="https://beteiligung.example.de")  # already there

    services.point_default_site_at(base_url="http://127.0.0.1:8101/")
    assert Site.objects.get(is_default_site=True).root_url == "http://127.0.0.1:8101"


def test_pages_full_addresses_in_the_api_follow_the_site_address(voting_consultation):
    services.point_default_site_at(base_url="https://beteiligung.example.de")

    (item,) = api_client().get(f"{API}/consultations/").json()["results"]
    assert item["url"] == f"https://beteiligung.example.de{voting_consultation.url}"


def test_wagtails_default_workflow_gets_a_name_in_the_sites_language(db):
    # Wagtail's migrations made it, named in English, for the group "Moderators".
    assert Workflow.objects.filter(name=services.WAGTAIL_DEFAULT_WORKFLOW).exists()

    assert services.name_default_workflow()

    assert list(Workflow.objects.values_list("name", flat=True)) == ["Freigabe durch die Moderation"]
    assert list(Task.objects.values_list("name", flat=True)) == ["Freigabe durch die Moderation"]
    assert not services.name_default_workflow()


def test_a_workflow_name_staff_gave_is_kept(db):
    Workflow.objects.update(name="Prüfung durch das Presseamt")

    services.name_default_workflow()

    assert list(Workflow.objects.values_list("name", flat=True)) == ["Prüfung durch das Presseamt"]


@pytest.mark.parametrize(
    ("language", "button"),
    [("de", "Einreichen: Freigabe durch die Moderation"), ("en", "Submit to Freigabe durch die Moderation")],
)
def test_the_admin_offers_to_submit_to_the_workflow_by_its_name(voting_consultation, admin_user, language, button):
    services.name_default_workflow()

    page = browser(admin_user, language=language).get(f"/admin/pages/{voting_consultation.pk}/edit/")

    assert page.status_code == 200
    assert f">{button}</button>" in " ".join(page.content.decode().split())
    assert "Moderators approval" not in page.content.decode()
