"""The demo site: a home page, two consultations on the Delft city model, a kiosk screen.

Idempotent: whatever exists already (found by slug or name) is left as it is.
The twin (settings.TWIN_DEMO_FILE, the Delft CityJSON beside the repository)
is imported unless its objects were imported after the file last changed;
a re-import updates them in place. The consultations, proposals and some
comments are tied to real objects of it, chosen by kind inside each
consultation's area: the largest first, then by id.
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
from django.db.models import Max
from django.utils import timezone
from shapely.geometry import Point, shape
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from cms.models import HomePage, SiteSettings, StandardPage
from forum.models import Screen
from participation import services
from participation.geometry import bbox
from participation.models import (
    ConsultationPage,
    ConsultationTwinFeature,
    Contribution,
    ModerationMode,
    ProposalPage,
    ProposalTwinFeature,
    TwinFeature,
    TwinKind,
    VotingMethod,
)
from participation.twin.importer import import_twin_file

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
    notes: list[str] = field(default_factory=list)
    admin_password: str | None = None
    credentials_file: Path | None = None


@dataclass(frozen=True)
class Pick:
    """Twin objects of one kind (and BGT function) inside a consultation's area: the largest ``count``."""

    kind: str
    function: str = ""
    count: int = 1


GRACHT = Pick(TwinKind.WATER)
PEDESTRIAN_AREA = Pick(TwinKind.ROAD, "voetgangersgebied")
CARRIAGEWAY = Pick(TwinKind.ROAD, "rijbaan lokale weg")


CONSULTATIONS = [
    {
        "slug": "platz-am-wasser",
        "title": "Ein neuer Platz am Wasser",
        "intro": (
            "Wie soll der Platz zwischen Gracht und Altstadt künftig aussehen? Sagen Sie uns, was Ihnen wichtig ist."
        ),
        "area": _box(4.3622, 52.0109, 4.3660, 52.0135),
        "voting_open": True,
        # What the consultation is about: the canal, the pedestrian area by it, the two largest buildings.
        "twin": [GRACHT, PEDESTRIAN_AREA, Pick(TwinKind.BUILDING, count=2)],
        "proposals": [
            ("baeume-und-baenke", "Bäume und Bänke", "Mehr Schatten und Sitzplätze am Ufer."),
            ("autofreier-platz", "Autofreier Platz", "Der Platz wird für den Durchgangsverkehr gesperrt."),
            ("wochenmarkt", "Wochenmarkt", "Jeden Samstag ein Markt mit Erzeugern aus der Region."),
        ],
        "proposal_twin": {
            "baeume-und-baenke": [Pick(TwinKind.PLANT_COVER)],
            "autofreier-platz": [Pick(TwinKind.ROAD, "rijbaan lokale weg", count=2)],
            "wochenmarkt": [PEDESTRIAN_AREA],
        },
        # (text, latitude, longitude, proposal, the twin object it is about: the nearest of that kind)
        "comments": [
            ("Hier am Ufer fehlen Bänke im Schatten.", 52.0118, 4.3635, "baeume-und-baenke", GRACHT),
            ("Bitte die Radwege beim Umbau nicht vergessen.", 52.0125, 4.3648, "autofreier-platz", CARRIAGEWAY),
            ("Der Markt würde den Platz beleben.", 52.0122, 4.3657, "wochenmarkt", PEDESTRIAN_AREA),
            ("Nachts ist es hier zu dunkel.", 52.0112, 4.3628, None, None),
        ],
    },
    {
        "slug": "gruene-strassen",
        "title": "Grüne Straßen im Quartier",
        "intro": "Welche Straßen sollen entsiegelt und begrünt werden? Markieren Sie Orte auf der Karte.",
        "area": _box(4.3660, 52.0109, 4.3694, 52.0135),
        "voting_open": False,
        "twin": [Pick(TwinKind.ROAD, "rijbaan lokale weg", count=3), Pick(TwinKind.BUILDING)],
        "proposals": [
            ("baumreihe", "Baumreihe in der Hauptstraße", "Eine durchgehende Baumreihe auf der Südseite."),
            ("regengaerten", "Regengärten", "Versickerungsflächen statt Parkplätzen an zwei Kreuzungen."),
        ],
        "proposal_twin": {
            "baumreihe": [CARRIAGEWAY],
            "regengaerten": [Pick(TwinKind.ROAD, "parkeervlak", count=2)],  # parking bays
        },
        "comments": [
            ("An dieser Kreuzung steht nach Regen immer Wasser.", 52.0120, 4.3675, "regengaerten", CARRIAGEWAY),
            ("Ein Baum vor der Schule wäre schön.", 52.01187, 4.36763, "baumreihe", Pick(TwinKind.BUILDING)),
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
        twin_source = _twin(report)
        home = _home_page(report)
        _legal_pages(home, report)
        citizens = [_citizen(name, report) for name in CITIZENS]
        consultations = [_consultation(home, spec, citizens, report) for spec in CONSULTATIONS]
        if twin_source is not None:
            for consultation, spec in zip(consultations, CONSULTATIONS, strict=True):
                _tie_to_twin(consultation, spec, twin_source, report)
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
        old_root.delete()  # the "Welcome" page Wagtail's initial migration creates
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
            body=[("paragraph", f"<p>{DATA_CREDIT}</p>")],
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
    for index, (text, lat, lon, proposal_slug, _pick) in enumerate(spec["comments"]):
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


def _twin(report: DemoReport) -> str | None:
    """Import the demo's twin file, unless done since it last changed; its source name, or None without a file."""
    path = Path(settings.TWIN_DEMO_FILE) if settings.TWIN_DEMO_FILE else None
    if path is None or not path.is_file():
        report.notes.append(
            f"No twin file at {path or '(TWIN_DEMO_FILE is empty)'}: "
            "the demo has no twin objects. Set TWIN_DEMO_FILE to a CityGML, CityJSON or GeoJSON file."
        )
        return None
    source = path.name
    imported = TwinFeature.objects.filter(source=source).aggregate(latest=Max("updated_at"))["latest"]
    if imported is not None and imported.timestamp() >= path.stat().st_mtime:
        return source
    summary = import_twin_file(path=path, source=source)
    created, updated = sum(summary.created.values()), sum(summary.updated.values())
    report.created.append(f"twin {source} ({created} new, {updated} updated objects)")
    return source


def _tie_to_twin(consultation: ConsultationPage, spec: dict, source: str, report: DemoReport) -> None:
    """Links to the twin for a consultation that has none yet: the page, its proposals, its comments."""
    if consultation.twin_feature_links.exists():
        return
    candidates = _twin_features_in(consultation.area, source)
    links = [
        ConsultationTwinFeature(page=consultation, twin_feature=feature, sort_order=order)
        for order, feature in enumerate(_picked(candidates, spec["twin"]))
    ]
    proposals = {proposal.slug: proposal for proposal in ProposalPage.objects.child_of(consultation)}
    proposal_links = [
        ProposalTwinFeature(page=proposals[slug], twin_feature=feature, sort_order=order)
        for slug, picks in spec["proposal_twin"].items()
        if slug in proposals and not proposals[slug].twin_feature_links.exists()
        for order, feature in enumerate(_picked(candidates, picks))
    ]
    if not links:
        return  # nothing of the twin in the area (another city's file): the pages stay as they are
    ConsultationTwinFeature.objects.bulk_create(links)
    ProposalTwinFeature.objects.bulk_create(proposal_links)
    for text, lat, lon, _proposal, pick in spec["comments"]:
        nearest = _nearest(candidates, pick, latitude=lat, longitude=lon) if pick else None
        if nearest is not None:
            Contribution.objects.filter(
                consultation=consultation, text=text, parent=None, twin_feature=None, author__username__in=CITIZENS
            ).update(twin_feature=nearest)
    report.created.append(f"twin links {consultation.slug}")


def _twin_features_in(area: dict, source: str) -> list[tuple[TwinFeature, object]]:
    """The source's objects whose centroid lies in the area, with their shapes; in id order."""
    min_lon, min_lat, max_lon, max_lat = bbox(area)
    outline = shape(area)
    features = TwinFeature.objects.filter(
        source=source, longitude__range=(min_lon, max_lon), latitude__range=(min_lat, max_lat)
    ).order_by("twin_id")
    return [(f, shape(f.geometry)) for f in features if outline.covers(Point(f.longitude, f.latitude))]


def _matching(candidates: list, pick: Pick) -> list:
    return [(f, s) for f, s in candidates if f.kind == pick.kind and (not pick.function or f.function == pick.function)]


def _picked(candidates: list, picks: list[Pick]) -> list[TwinFeature]:
    """The largest objects of each pick (ties: by id), each object once."""
    chosen: list[TwinFeature] = []
    for pick in picks:
        ranked = sorted(_matching(candidates, pick), key=lambda item: (-item[1].area, item[0].twin_id))
        chosen += [f for f, _shape in ranked if f not in chosen][: pick.count]
    return chosen


def _nearest(candidates: list, pick: Pick, *, latitude: float, longitude: float) -> TwinFeature | None:
    """The object of the pick nearest to a point (0 if it lies on it); ties: by id."""
    point = Point(longitude, latitude)
    ranked = sorted(_matching(candidates, pick), key=lambda item: (item[1].distance(point), item[0].twin_id))
    return ranked[0][0] if ranked else None


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
