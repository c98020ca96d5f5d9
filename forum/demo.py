"""The demo site: a home page, two consultations on the Delft city model, a kiosk screen.

Idempotent: whatever exists already (found by slug or name) is left as it is.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from cms.models import HomePage, SiteSettings, StandardPage
from forum.models import Screen
from participation import services
from participation.models import ConsultationPage, ModerationMode, ProposalPage, VotingMethod

DATA_CREDIT = (
    "Gebäude, Straßen und Flächen: 3D-Stadtmodell von Delft (CityJSON, Open Data der Gemeente Delft / BGT), "
    "aus dem Projekt cityjson/cjio (MIT-Lizenz)."
)


def _box(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> dict:
    ring = [[min_lon, min_lat], [max_lon, min_lat], [max_lon, max_lat], [min_lon, max_lat], [min_lon, min_lat]]
    return {"type": "Polygon", "coordinates": [ring]}


@dataclass
class DemoReport:
    created: list[str] = field(default_factory=list)
    admin_password: str | None = None
    credentials_file: Path | None = None


CONSULTATIONS = [
    {
        "slug": "platz-am-wasser",
        "title": "Ein neuer Platz am Wasser",
        "intro": (
            "Wie soll der Platz zwischen Gracht und Altstadt künftig aussehen? Sagen Sie uns, was Ihnen wichtig ist."
        ),
        "area": _box(4.3622, 52.0109, 4.3660, 52.0135),
        "voting_open": True,
        "proposals": [
            ("baeume-und-baenke", "Bäume und Bänke", "Mehr Schatten und Sitzplätze am Ufer."),
            ("autofreier-platz", "Autofreier Platz", "Der Platz wird für den Durchgangsverkehr gesperrt."),
            ("wochenmarkt", "Wochenmarkt", "Jeden Samstag ein Markt mit Erzeugern aus der Region."),
        ],
        "comments": [
            ("Hier am Ufer fehlen Bänke im Schatten.", 52.0118, 4.3635, "baeume-und-baenke"),
            ("Bitte die Radwege beim Umbau nicht vergessen.", 52.0125, 4.3648, "autofreier-platz"),
            ("Der Markt würde den Platz beleben.", 52.0121, 4.3641, "wochenmarkt"),
            ("Nachts ist es hier zu dunkel.", 52.0112, 4.3628, None),
        ],
    },
    {
        "slug": "gruene-strassen",
        "title": "Grüne Straßen im Quartier",
        "intro": "Welche Straßen sollen entsiegelt und begrünt werden? Markieren Sie Orte auf der Karte.",
        "area": _box(4.3660, 52.0109, 4.3694, 52.0135),
        "voting_open": False,
        "proposals": [
            ("baumreihe", "Baumreihe in der Hauptstraße", "Eine durchgehende Baumreihe auf der Südseite."),
            ("regengaerten", "Regengärten", "Versickerungsflächen statt Parkplätzen an zwei Kreuzungen."),
        ],
        "comments": [
            ("An dieser Kreuzung steht nach Regen immer Wasser.", 52.0120, 4.3675, "regengaerten"),
            ("Ein Baum vor der Schule wäre schön.", 52.0128, 4.3682, "baumreihe"),
        ],
    },
]

CITIZENS = ["anna", "ben", "cem", "dora", "emil", "fatma"]
# How the demo citizens voted, one row per proposal: a spread worth looking at.
DEMO_VOTES = [
    ["support", "support", "support", "oppose", "support", "abstain"],
    ["oppose", "support", "oppose", "oppose", "abstain", "support"],
    ["support", "abstain", "support", "support", "support", "support"],
]


def seed_demo() -> DemoReport:
    report = DemoReport()
    with transaction.atomic():
        home = _home_page(report)
        _legal_pages(home, report)
        citizens = [_citizen(name, report) for name in CITIZENS]
        consultations = [_consultation(home, spec, citizens, report) for spec in CONSULTATIONS]
        if not Screen.objects.filter(slug="foyer").exists():
            Screen.objects.create(name="Foyer", slug="foyer", consultation=consultations[0])
            report.created.append("screen foyer")
    _admin(report)
    return report


def _home_page(report: DemoReport) -> HomePage:
    home = HomePage.objects.first()
    if home is not None:
        return home
    # Wagtail's migrations create the tree's root; `manage.py flush` removes it.
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    home = root.add_child(
        instance=HomePage(
            title="Bürgerforum",
            slug="buergerforum",
            intro=f"Reden Sie mit über die Zukunft von {settings.CITY_NAME}: online und im Bürgerforum vor Ort.",
        )
    )
    site = Site.objects.filter(is_default_site=True).first()
    old_root = site.root_page if site else None
    if site is None:
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True, site_name="Bürgerforum")
    else:
        site.root_page = home
        site.site_name = "Bürgerforum"
        site.save()
    if old_root is not None and old_root.specific_class is Page and old_root.depth == 2:
        old_root.delete()  # Wagtail's "Welcome" placeholder page from its initial migration
    report.created.append("home page")
    return home


def _legal_pages(home: HomePage, report: DemoReport) -> None:
    pages = {}
    for slug, title, intro in [
        (
            "impressum",
            "Impressum",
            "Angaben gemäß § 5 DDG: Stadtverwaltung, Anschrift, Kontakt. Bitte im CMS ergänzen.",
        ),
        (
            "datenschutz",
            "Datenschutz",
            "Wir speichern nur, was für die Beteiligung nötig ist: Ihre E-Mail-Adresse, Ihren öffentlichen Namen "
            "und Ihre Beiträge. IP-Adressen werden nicht gespeichert.",
        ),
        ("ueber-die-daten", "Über die Daten", DATA_CREDIT),
    ]:
        page = StandardPage.objects.filter(slug=slug).first()
        if page is None:
            page = home.add_child(
                instance=StandardPage(title=title, slug=slug, intro=intro, show_in_menus=slug == "ueber-die-daten")
            )
            report.created.append(f"page {slug}")
        pages[slug] = page
    site = Site.objects.get(is_default_site=True)
    site_settings = SiteSettings.for_site(site)
    if site_settings.imprint_page_id is None:
        site_settings.imprint_page = pages["impressum"]
        site_settings.privacy_page = pages["datenschutz"]
        site_settings.save()


def _citizen(name: str, report: DemoReport):
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=name, defaults={"email": f"{name}@example.org"})
    if created:
        user.set_unusable_password()  # demo voices only; nobody logs in as them
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        report.created.append(f"citizen {name}")
    return user


def _consultation(home: HomePage, spec: dict, citizens: list, report: DemoReport) -> ConsultationPage:
    existing = ConsultationPage.objects.filter(slug=spec["slug"]).first()
    if existing is not None:
        return existing
    now = timezone.now()
    consultation = home.add_child(
        instance=ConsultationPage(
            title=spec["title"],
            slug=spec["slug"],
            intro=spec["intro"],
            body=[("paragraph", f"<p>{spec['intro']}</p><p>{DATA_CREDIT}</p>")],
            area=spec["area"],
            participation_starts=now - timedelta(days=7),
            participation_ends=now + timedelta(days=60),
            voting_starts=now - timedelta(days=1) if spec["voting_open"] else now + timedelta(days=60),
            voting_ends=now + timedelta(days=30) if spec["voting_open"] else now + timedelta(days=90),
            voting_method=VotingMethod.SUPPORT_OPPOSE,
            moderation_mode=ModerationMode.POST,
        )
    )
    proposals = {
        slug: consultation.add_child(instance=ProposalPage(title=title, slug=slug, summary=summary))
        for slug, title, summary in spec["proposals"]
    }
    for index, (text, lat, lon, proposal_slug) in enumerate(spec["comments"]):
        services.post_contribution(
            author=citizens[index % len(citizens)],
            consultation=consultation,
            proposal=proposals.get(proposal_slug),
            text=text,
            latitude=lat,
            longitude=lon,
        )
    if spec["voting_open"]:
        for proposal, choices in zip(proposals.values(), DEMO_VOTES, strict=False):
            for citizen, choice in zip(citizens, choices, strict=False):
                services.cast_vote(voter=citizen, proposal=proposal, choice=choice)
    report.created.append(f"consultation {spec['slug']}")
    return consultation


def _admin(report: DemoReport) -> None:
    """A demo admin with a generated password, kept in var/ so `make run` can show it again."""
    credentials = Path(settings.VAR_DIR) / "demo-admin.txt"
    report.credentials_file = credentials
    user_model = get_user_model()
    if user_model.objects.filter(username="admin").exists():
        return
    password = secrets.token_urlsafe(12)
    admin = user_model.objects.create_superuser("admin", "admin@example.org", password)
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
    credentials.write_text(f"admin\n{password}\n")
    credentials.chmod(0o600)
    report.admin_password = password
    report.created.append("admin account")
