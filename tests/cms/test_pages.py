"""The website around the consultations: standard pages, navigation and the legal footer."""

import re

from wagtail.models import Site

from cms.models import SiteSettings
from tests.support import factories


def link(content: str, href: str, text: str) -> bool:
    return re.search(rf'<a href="{re.escape(href)}"[^>]*>\s*{re.escape(text)}\s*</a>', content) is not None


def test_a_standard_page_renders_title_intro_and_body(visitor, home):
    page = factories.standard_page(
        title="Über das Forum",
        intro="Wer wir sind.",
        body=[("paragraph", "<p>Das Forum tagt <b>jeden Monat</b>.</p>")],
    )

    response = visitor.get(page.url)

    assert response.status_code == 200
    content = response.content.decode()
    assert re.search(r"<h1[^>]*>\s*Über das Forum\s*</h1>", content)
    assert "Wer wir sind." in content
    assert "<b>jeden Monat</b>" in content


def test_a_standard_page_nests_under_another(visitor, home):
    parent = factories.standard_page(title="Hilfe", slug="hilfe")
    child = factories.standard_page(parent, title="Barrierefreiheit", slug="barrierefreiheit")

    assert child.url == "/hilfe/barrierefreiheit/"
    assert visitor.get(child.url).status_code == 200


def test_an_unpublished_page_is_not_found(visitor, home):
    page = factories.standard_page(slug="entwurf")
    page.unpublish()

    assert visitor.get("/entwurf/").status_code == 404


def test_the_footer_links_to_imprint_and_privacy(visitor, home):
    imprint = factories.standard_page(title="Impressum", slug="impressum")
    privacy = factories.standard_page(title="Datenschutz", slug="datenschutz")
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.imprint_page, settings.privacy_page = imprint, privacy
    settings.save()

    content = visitor.get("/").content.decode()

    footer = content[content.index("<footer") :]
    assert link(footer, "/impressum/", "Imprint")
    assert link(footer, "/datenschutz/", "Privacy")
    assert visitor.get("/impressum/").status_code == 200
    assert visitor.get("/datenschutz/").status_code == 200


def test_the_footer_links_appear_on_every_page(visitor, participating_consultation):
    imprint = factories.standard_page(title="Impressum", slug="impressum")
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.imprint_page = imprint
    settings.save()

    assert link(visitor.get(participating_consultation.url).content.decode(), "/impressum/", "Imprint")


def test_without_legal_pages_the_footer_still_renders(visitor, home):
    content = visitor.get("/").content.decode()

    assert 'href="/open-data/"' in content
    assert ">Imprint<" not in content


def test_pages_shown_in_menus_appear_in_the_main_navigation(visitor, home):
    factories.standard_page(title="Über die Daten", slug="ueber-die-daten", show_in_menus=True)
    factories.standard_page(title="Versteckt", slug="versteckt")

    content = visitor.get("/").content.decode()
    nav = content[content.index('aria-label="Main navigation"') :]
    nav = nav[: nav.index("</nav>")]

    assert link(nav, "/ueber-die-daten/", "Über die Daten")
    assert "Versteckt" not in nav


def test_the_home_page_shows_its_intro(visitor, home):
    home.intro = "Reden Sie mit."
    home.save_revision().publish()

    assert "Reden Sie mit." in visitor.get("/").content.decode()


def title_of(content: str) -> str:
    return re.search(r"<title>(.*?)</title>", content, re.DOTALL).group(1).strip()


def test_the_home_page_is_titled_with_the_site_name_alone(visitor, home, settings):
    assert title_of(visitor.get("/").content.decode()) == f"Bürgerforum {settings.CITY_NAME}"


def test_the_home_page_takes_the_title_staff_set_for_search_engines(visitor, home):
    home.seo_title = "Mitreden in Delft"
    home.save_revision().publish()

    assert title_of(visitor.get("/").content.decode()) == "Mitreden in Delft"


def test_other_pages_are_titled_page_then_site(visitor, home, settings):
    page = factories.standard_page(title="Impressum", slug="impressum")

    assert title_of(visitor.get(page.url).content.decode()) == f"Impressum \u2013 Bürgerforum {settings.CITY_NAME}"
