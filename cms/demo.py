"""The website's part of the demo: the home page, imprint, privacy and "about the data" pages; the site's address
(BASE_URL) and the name of Wagtail's moderation workflow."""

from __future__ import annotations

from django.conf import settings

from cms import services
from cms.legal_frames import ACCESSIBILITY, IMPRINT
from cms.models import HomePage


def seed_website(*, data_credit: str, created: list[str]) -> HomePage:
    """The home page and the legal pages; what is made is named in ``created``. Idempotent."""
    home, made = services.ensure_home_page(
        title="Bürgerforum",
        slug="buergerforum",
        intro=f"Reden Sie mit über die Zukunft von {settings.CITY_NAME}: online und im Bürgerforum vor Ort.",
        site_name=settings.SITE_NAME,
    )
    if made:
        created.append("home page")
    if services.point_default_site_at(base_url=settings.BASE_URL):
        created.append(f"site address {settings.BASE_URL}")
    if services.name_default_workflow():
        created.append("workflow name")
    pages = {}
    legal_pages = [
        ("impressum", "Impressum", IMPRINT),
        ("barrierefreiheit", "Erklärung zur Barrierefreiheit", ACCESSIBILITY),
        ("ueber-die-daten", "Über die Daten", data_credit),
    ]
    for slug, title, intro in legal_pages:
        pages[slug], made = services.ensure_standard_page(
            parent=home, slug=slug, title=title, intro=intro, show_in_menus=slug == "ueber-die-daten"
        )
        if made:
            created.append(f"page {slug}")
    # The privacy statement is the page type's own text, in both languages: the demo adds nothing to it.
    pages["datenschutz"], made = services.ensure_privacy_page(parent=home, slug="datenschutz", title="Datenschutz")
    if made:
        created.append("page datenschutz")
    services.set_legal_pages(
        imprint=pages["impressum"], privacy=pages["datenschutz"], accessibility=pages["barrierefreiheit"]
    )
    return home
