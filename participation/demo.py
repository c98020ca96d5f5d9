"""The participation part of the demo: the twin, two consultations on it, proposals, comments and votes.

Idempotent: whatever exists already (found by slug) is left as it is. The
twin (settings.TWIN_DEMO_FILE, the Delft CityJSON in data/twin/) is imported
unless its objects were imported after the file last changed; a re-import
updates them in place. The consultations, proposals and some comments are
tied to real objects of it, chosen by kind inside each consultation's area:
the largest first, then by id. Every write goes through the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from shapely.geometry import Point, shape
from wagtail.models import Page

from participation import selectors, services
from participation.geometry import bbox
from participation.models import (
    Channel,
    ConsultationPage,
    ModerationMode,
    PollKind,
    PollState,
    TwinFeature,
    TwinKind,
    VotingMethod,
)

DATA_CREDIT = (
    "Gebäude, Straßen und Flächen: 3D-Stadtmodell von Delft (CityJSON, Open Data der Gemeente Delft / BGT), "
    "aus dem Projekt cityjson/cjio (MIT-Lizenz)."
)


def _box(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> dict:
    ring = [[min_lon, min_lat], [max_lon, min_lat], [max_lon, max_lat], [min_lon, max_lat], [min_lon, min_lat]]
    return {"type": "Polygon", "coordinates": [ring]}


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


@dataclass
class Seeded:
    """What the participation part made (names for the report) and had to say (notes)."""

    created: list[str]
    notes: list[str]


def seed_participation(*, home: Page, citizens: list, report: Seeded) -> list[ConsultationPage]:
    """The twin, the consultations under ``home`` with their proposals, comments and votes, and their twin links."""
    twin_source = _twin(report)
    consultations = [_consultation(home, spec, citizens, report) for spec in CONSULTATIONS]
    if twin_source is not None:
        for consultation, spec in zip(consultations, CONSULTATIONS, strict=True):
            _tie_to_twin(consultation, spec, twin_source, report)
    return consultations


def _consultation(home: Page, spec: dict, citizens: list, report: Seeded) -> ConsultationPage:
    existing = selectors.consultation_by_slug(slug=spec["slug"])
    if existing is not None:
        return existing
    now = timezone.now()
    consultation = services.add_consultation(
        parent=home,
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
    proposals = {
        slug: services.add_proposal(consultation=consultation, title=title, slug=slug, summary=summary)
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


def _twin(report: Seeded) -> str | None:
    """Import the demo's twin file, unless done since it last changed; its source name, or None without a file."""
    path = Path(settings.TWIN_DEMO_FILE) if settings.TWIN_DEMO_FILE else None
    if path is None or not path.is_file():
        report.notes.append(
            f"No twin file at {path or '(TWIN_DEMO_FILE is empty)'}: "
            "the demo has no twin objects. Set TWIN_DEMO_FILE to a CityGML, CityJSON or GeoJSON file."
        )
        return None
    source = path.name
    imported = selectors.twin_source_imported_at(source=source)
    if imported is not None and imported.timestamp() >= path.stat().st_mtime:
        return source
    summary = services.import_twin_file(path=path, source=source)
    created, updated = sum(summary.created.values()), sum(summary.updated.values())
    report.created.append(f"twin {source} ({created} new, {updated} updated objects)")
    return source


def _tie_to_twin(consultation: ConsultationPage, spec: dict, source: str, report: Seeded) -> None:
    """Links to the twin for a consultation that has none yet: the page, its proposals, its comments."""
    if selectors.linked_twin_features(consultation):
        return
    candidates = _twin_features_in(consultation.area, source)
    chosen = _picked(candidates, spec["twin"])
    if not chosen:
        return  # nothing of the twin in the area (another city's file): the pages stay as they are
    services.tie_twin_features(page=consultation, features=chosen)
    proposals = {proposal.slug: proposal for proposal in selectors.proposals_of(consultation, live_only=False)}
    for slug, picks in spec["proposal_twin"].items():
        if slug in proposals and not selectors.linked_twin_features(proposals[slug]):
            services.tie_twin_features(page=proposals[slug], features=_picked(candidates, picks))
    comments = {c.text: c for c in selectors.comment_threads(consultation=consultation) if c.twin_feature_id is None}
    for text, lat, lon, _proposal, pick in spec["comments"]:
        nearest = _nearest(candidates, pick, latitude=lat, longitude=lon) if pick else None
        if nearest is not None and text in comments:
            services.tie_to_twin_feature(contribution=comments[text], twin_feature=nearest)
    report.created.append(f"twin links {consultation.slug}")


def _twin_features_in(area: dict, source: str) -> list[tuple[TwinFeature, object]]:
    """The source's objects whose centroid lies in the area, with their shapes; in id order."""
    min_lon, min_lat, max_lon, max_lat = bbox(area)
    outline = shape(area)
    features = selectors.twin_features_of_source(source=source, bbox=(min_lon, min_lat, max_lon, max_lat))
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


# --- the room's material: polls prepared for the evening, and what came on paper ---------------------

DEMO_POLL = {
    "question": "Was wünschen Sie sich am Wasser am meisten?",
    "options": ["Bäume und Schatten", "Sitzbänke am Ufer", "Einen Spielplatz", "Ein Café"],
}
PREPARED_POLLS = [
    {"question": "Wie gern sind Sie heute schon am Wasser?", "kind": PollKind.SCALE},
    {"question": "Ein Wort für den neuen Platz?", "kind": PollKind.WORDS},
    {"question": "Ihre Fragen an das Planungsteam", "kind": PollKind.QUESTIONS},
]
# How the phones in the demo room answered the live poll so far (option index per phone).
DEMO_ROOM_ANSWERS = [0, 0, 1, 0, 3, 1, 0, 2, 0, 1, 3, 0]
PAPER_SOURCE = "Stellwand Foyer"


def seed_room_material(*, consultation: ConsultationPage, presenter, report: Seeded):
    """The demo evening's polls (one open, its results shown live, answered by a dozen phones; three
    prepared) and a paper sheet counted for the first proposal. Returns the open poll."""
    polls = {poll.question: poll for poll in selectors.polls_of(consultation_id=consultation.pk)}
    live = polls.get(DEMO_POLL["question"])
    if live is None:
        live = services.add_poll(presenter=presenter, consultation=consultation, results_hidden=False, **DEMO_POLL)
        services.set_poll_state(presenter=presenter, poll=live, state=PollState.OPEN)
        options = [option["id"] for option in selectors.poll_options(poll=live)]
        for index in DEMO_ROOM_ANSWERS:
            device = services.device_participant(key=services.new_participant_key())
            services.answer_poll(participant=device, poll=live, channel=Channel.PHONE, options=options[index])
        report.created.append("live poll")
    for spec in PREPARED_POLLS:
        if spec["question"] not in polls:
            services.add_poll(presenter=presenter, consultation=consultation, **spec)
    if not selectors.paper_entries(consultation_id=consultation.pk).exists():
        proposal = selectors.proposals_of(consultation).first()
        services.enter_paper_counts(
            clerk=presenter,
            proposal=proposal,
            event="Bürgerforum im Rathaus",
            source=PAPER_SOURCE,
            counts={"support": 14, "oppose": 3, "abstain": 2},
            note="Klebepunkte auf der Stellwand, gezählt von zwei Personen.",
        )
        report.created.append("paper entry")
    return live
