"""The participation part of the demo: the twin, two consultations on it, proposals, comments and votes.

Idempotent: whatever exists already (found by slug) is left as it is. The
twin (settings.TWIN_DEMO_FILE, the Delft CityJSON in data/twin/) is imported
unless its objects were imported after the file last changed; a re-import
updates them in place.

The demo sits on that model. Its built-up part is a triangle of streets and
houses between a canal (the "Gracht", south-west) and a broad watercourse
(north-east); the street that crosses it from the one water to the other (the
"Quartiersstraße") splits it into the two consultation areas, which follow the
model's outline: the west with the paved square, the pedestrian zone and the
Gracht with its bridge, for "Ein neuer Platz am Wasser"; the east with the
Quartiersstraße, the streets along the water and round the tip, for "Grüne
Straßen im Quartier". The consultations, proposals and comments are tied to
the objects their texts name, found by kind (and BGT function) inside the
area: the one nearest to the place the text means, or else the largest; ties
by id. Every write goes through the services.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
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


def _outline(*points: tuple[float, float]) -> dict:
    """A GeoJSON polygon through (longitude, latitude) points, closed."""
    return {"type": "Polygon", "coordinates": [[[lon, lat] for lon, lat in (*points, points[0])]]}


# Where the two areas meet: along the north-west side of the Quartiersstraße, from the far bank of the Gracht
# to the bank of the broad watercourse (longitude, latitude).
_SPLIT_GRACHT = (4.36573, 52.01134)
_SPLIT_WATER = (4.36733, 52.01228)
# West of it: the Gracht from the western end of the quay road (both banks, the bridge), the houses round the
# paved square, the pedestrian zone (with its lane to the north) and the quarter's north corner.
WEST = _outline(
    (4.36399, 52.01216),
    (4.36420, 52.01217),
    (4.36499, 52.01192),
    (4.36583, 52.01231),
    (4.36556, 52.01251),
    (4.36568, 52.01256),
    (4.36590, 52.01239),
    (4.36593, 52.01236),
    (4.36657, 52.01265),
    (4.36616, 52.01284),
    (4.36636, 52.01284),
    _SPLIT_WATER,
    _SPLIT_GRACHT,
    (4.36474, 52.01172),
    (4.36473, 52.01179),
    (4.36398, 52.01203),
)
# East of it: the Quartiersstraße, the houses and yards behind it, the street along the watercourse and
# round the tip with its green bank, and the Gracht's reach there with both banks, its bridges and its weir.
EAST = _outline(
    _SPLIT_WATER,
    (4.36819, 52.01177),
    (4.36866, 52.01141),
    (4.36882, 52.01115),
    (4.36877, 52.01102),
    (4.36839, 52.01092),
    (4.36829, 52.01084),
    (4.36812, 52.01084),
    (4.36670, 52.01102),
    _SPLIT_GRACHT,
)

# The places the texts name, as (latitude, longitude): a pick "near" one ties the object there.
PLATZ = (52.01190, 4.36620)  # the paved square between the pedestrian zone and the Quartiersstraße
UFERSTRASSE = (52.01165, 4.36560)  # the quay road along the Gracht, where the square opens onto it
FUSSGAENGERZONE = (52.01222, 4.36572)
QUARTIERSSTRASSE = (52.01182, 4.36668)
STRASSE_AM_WASSER = (52.01183, 4.36776)  # along the broad watercourse
STRASSE_AN_DER_SPITZE = (52.01128, 4.36859)  # round the quarter's tip
ECKE_GRACHT = (52.01150, 4.36610)  # where the Quartiersstraße meets the quay road along the Gracht
ECKE_WASSER = (52.01206, 4.36708)  # where it meets the street along the watercourse
BRUECKE = (52.01181, 4.36493)  # the bridge over the Gracht at the western end of the quay road


@dataclass(frozen=True)
class Pick:
    """Twin objects of one kind (and BGT function) inside a consultation's area: the ``count`` nearest to
    ``near`` (latitude, longitude; 0 for an object that covers it), or without it the largest ``count``."""

    kind: str
    function: str = ""
    count: int = 1
    near: tuple[float, float] | None = None

    def at(self, near: tuple[float, float], *, count: int = 1) -> Pick:
        return replace(self, near=near, count=count)


# Kinds and BGT functions of the Delft model ("rijbaan lokale weg": a local road's carriageway).
GRACHT = Pick(TwinKind.WATER)
CARRIAGEWAY = Pick(TwinKind.ROAD, "rijbaan lokale weg")
PARKING_BAY = Pick(TwinKind.ROAD, "parkeervlak")
PAVED_SPACE = Pick(TwinKind.LAND_USE, "open verharding")
PEDESTRIAN_ZONE = Pick(TwinKind.ROAD, "voetgangersgebied")
HOUSE = Pick(TwinKind.BUILDING)
GREEN = Pick(TwinKind.PLANT_COVER)
BRIDGE = Pick(TwinKind.BRIDGE)


CONSULTATIONS = [
    {
        "slug": "platz-am-wasser",
        "title": "Ein neuer Platz am Wasser",
        "news": [
            (
                "buergerforum-im-rathaus",
                "Bürgerforum im Rathaus",
                "Am Donnerstag um 18 Uhr stellen wir die Vorschläge im Bürgerforum vor. Kommen Sie vorbei!",
            ),
        ],
        "intro": (
            "An der Gracht, gleich neben der Fußgängerzone, liegt ein gepflasterter Platz. "
            "Wie soll er künftig aussehen? Sagen Sie uns, was Ihnen wichtig ist."
        ),
        "area": WEST,
        "voting_open": True,
        # What the consultation is about: the Gracht, the square, the pedestrian zone, the quay road in front of
        # the square and the two houses nearest to its middle.
        "twin": [
            GRACHT,
            PAVED_SPACE.at(PLATZ),
            PEDESTRIAN_ZONE.at(FUSSGAENGERZONE),
            CARRIAGEWAY.at(UFERSTRASSE),
            HOUSE.at(PLATZ, count=2),
        ],
        "proposals": [
            ("baeume-und-baenke", "Bäume und Bänke", "Mehr Schatten und Sitzplätze auf dem Platz und am Ufer."),
            (
                "autofreier-platz",
                "Autofreier Platz",
                "Die Uferstraße vor dem Platz wird für den Durchgangsverkehr gesperrt.",
            ),
            (
                "wochenmarkt",
                "Wochenmarkt",
                "Jeden Samstag ein Markt mit Erzeugern aus der Region, auf dem Platz und in der Fußgängerzone.",
            ),
        ],
        "proposal_twin": {
            "baeume-und-baenke": [GREEN.at(PLATZ, count=2)],  # the green beds on the square
            "autofreier-platz": [CARRIAGEWAY.at(UFERSTRASSE)],
            "wochenmarkt": [PAVED_SPACE.at(PLATZ), PEDESTRIAN_ZONE.at(FUSSGAENGERZONE)],
        },
        # (text, latitude, longitude, proposal, the twin object it is about: the one of that kind nearest to the pin)
        "comments": [
            ("Hier am Ufer fehlen Bänke im Schatten.", 52.01166, 4.36550, "baeume-und-baenke", GRACHT),
            ("Bitte die Radwege beim Umbau nicht vergessen.", 52.01181, 4.36516, "autofreier-platz", CARRIAGEWAY),
            ("Der Markt würde den Platz beleben.", 52.01190, 4.36620, "wochenmarkt", PAVED_SPACE),
            ("Nachts ist es an der Brücke zu dunkel.", 52.01181, 4.36493, None, BRIDGE),
        ],
    },
    {
        "slug": "gruene-strassen",
        "title": "Grüne Straßen im Quartier",
        "intro": (
            "Die Quartiersstraße, die Straße am Wasser und die Straße um die Spitze des Quartiers sind fast ganz "
            "versiegelt. Welche Straßen sollen entsiegelt und begrünt werden? Markieren Sie Orte auf der Karte."
        ),
        "area": EAST,
        "voting_open": False,
        "twin": [
            CARRIAGEWAY.at(QUARTIERSSTRASSE),
            CARRIAGEWAY.at(STRASSE_AM_WASSER),
            CARRIAGEWAY.at(STRASSE_AN_DER_SPITZE),
            HOUSE.at(QUARTIERSSTRASSE, count=2),
        ],
        "proposals": [
            (
                "baumreihe",
                "Baumreihe in der Quartiersstraße",
                "Eine durchgehende Baumreihe auf der Südostseite der Quartiersstraße.",
            ),
            (
                "regengaerten",
                "Regengärten",
                "Versickerungsflächen statt Parkplätzen an den beiden Enden der Quartiersstraße.",
            ),
        ],
        "proposal_twin": {
            "baumreihe": [CARRIAGEWAY.at(QUARTIERSSTRASSE)],
            "regengaerten": [PARKING_BAY.at(ECKE_GRACHT), PARKING_BAY.at(ECKE_WASSER)],
        },
        "comments": [
            ("An dieser Kreuzung steht nach Regen immer Wasser.", 52.01147, 4.36605, "regengaerten", CARRIAGEWAY),
            ("Vor diesen Häusern steht kein einziger Baum.", 52.01178, 4.36670, "baumreihe", HOUSE),
        ],
    },
]

# A third one, ended, with its results published: its dashboard and open data download (seed_finished_consultation).
FINISHED = {
    "slug": "licht-an-der-gracht",
    "title": "Mehr Licht an der Gracht",
    "intro": (
        "Abgeschlossen: Wie sollen der Uferweg und die Brücke an der Gracht abends beleuchtet werden? "
        "Die Ergebnisse sind veröffentlicht, mit allen Zahlen als offene Daten."
    ),
    "area": WEST,
    "voting_open": True,  # while it is seeded; then it ends
    "twin": [BRIDGE.at(BRUECKE), GRACHT, CARRIAGEWAY.at(UFERSTRASSE), HOUSE.at(UFERSTRASSE)],
    "proposals": [
        ("laternen-am-uferweg", "Laternen am Uferweg", "Niedrige Laternen alle zwanzig Meter entlang der Gracht."),
        ("bruecke-anstrahlen", "Die Brücke anstrahlen", "Warmes Licht unter der Brücke, das auf das Wasser fällt."),
        ("gedimmtes-licht", "Gedimmtes Licht nach Mitternacht", "Weniger Licht in der Nacht, für Anwohner und Tiere."),
    ],
    "proposal_twin": {
        "laternen-am-uferweg": [CARRIAGEWAY.at(UFERSTRASSE)],
        "bruecke-anstrahlen": [BRIDGE.at(BRUECKE)],
        "gedimmtes-licht": [GRACHT],
    },
    "comments": [
        (
            "Am Uferweg sieht man abends kaum die Kante zum Wasser.",
            52.01166,
            4.36552,
            "laternen-am-uferweg",
            CARRIAGEWAY,
        ),
        ("Die Brücke ist nachts der dunkelste Ort im Viertel.", 52.01181, 4.36493, "bruecke-anstrahlen", BRIDGE),
        ("Licht unter der Brücke wäre auch für Radfahrer gut.", 52.01182, 4.36495, None, BRIDGE),
        ("Bitte kein grelles Licht: Am Wasser jagen Fledermäuse.", 52.01170, 4.36540, "gedimmtes-licht", GRACHT),
        ("Vor den Häusern am Ufer reicht eine Laterne.", 52.01163, 4.36565, "laternen-am-uferweg", HOUSE),
    ],
}
# How the room voted on the finished consultation's proposals: (phones, terminal walk-ins, paper) per choice.
FINISHED_ROOM_VOTES = [
    {"support": (5, 2, 11), "oppose": (1, 1, 2), "abstain": (1, 0, 1)},
    {"support": (7, 3, 16), "oppose": (0, 0, 1), "abstain": (1, 1, 0)},
    {"support": (2, 1, 4), "oppose": (4, 1, 6), "abstain": (2, 0, 2)},
]
FINISHED_DAYS = 6  # its comments and votes spread over the days before it ended

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
    specs = [*CONSULTATIONS, FINISHED]
    consultations = [_consultation(home, spec, citizens, report) for spec in specs]
    if twin_source is not None:
        for consultation, spec in zip(consultations, specs, strict=True):
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
    for slug, title, intro in spec.get("news", ()):
        services.add_news(consultation=consultation, title=title, slug=slug, intro=intro)
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


def _ranked(candidates: list, pick: Pick, *, near: tuple[float, float] | None) -> list:
    """The candidates of the pick's kind and function: the nearest to ``near`` (latitude, longitude) first,
    0 for one that covers it; without it the largest first. Ties: by id."""
    matching = [
        (f, s) for f, s in candidates if f.kind == pick.kind and (not pick.function or f.function == pick.function)
    ]
    if near is None:
        return sorted(matching, key=lambda item: (-item[1].area, item[0].twin_id))
    point = Point(near[1], near[0])
    return sorted(matching, key=lambda item: (item[1].distance(point), item[0].twin_id))


def _picked(candidates: list, picks: list[Pick]) -> list[TwinFeature]:
    """The objects of each pick (see Pick), each object once."""
    chosen: list[TwinFeature] = []
    for pick in picks:
        chosen += [f for f, _shape in _ranked(candidates, pick, near=pick.near) if f not in chosen][: pick.count]
    return chosen


def _nearest(candidates: list, pick: Pick, *, latitude: float, longitude: float) -> TwinFeature | None:
    """The object of the pick's kind and function nearest to a point (0 if it covers it); ties: by id."""
    ranked = _ranked(candidates, pick, near=(latitude, longitude))
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


# --- the finished consultation: votes from the room and on paper, its end, its results published ----------


def seed_finished_consultation(*, consultations: list[ConsultationPage], clerk, report: Seeded) -> None:
    """The finished consultation gets its votes from phones, terminals and paper, its comments and votes
    spread over the days before its end, then ends with its results published (once: a consultation whose
    results are published is left as it is)."""
    consultation = next(c for c in consultations if c.slug == FINISHED["slug"])
    if consultation.results_published:
        return
    proposals = list(selectors.proposals_of(consultation))
    for proposal, counts in zip(proposals, FINISHED_ROOM_VOTES, strict=True):
        for choice, (phones, walk_ins, _paper) in counts.items():
            for _phone in range(phones):
                device = services.device_participant(key=services.new_participant_key())
                services.cast_vote(voter=device, proposal=proposal, choice=choice, channel=Channel.PHONE)
            for _walk_in in range(walk_ins):
                walk_in = services.start_terminal_session()
                services.cast_vote(voter=walk_in, proposal=proposal, choice=choice, channel=Channel.TERMINAL)
        services.enter_paper_counts(
            clerk=clerk,
            proposal=proposal,
            event="Lichtspaziergang an der Gracht",
            source="Klebepunkte",
            counts={choice: paper for choice, (_p, _w, paper) in counts.items()},
        )
    ended_at = timezone.now() - timedelta(minutes=5)
    services.spread_over_days(consultation=consultation, days=FINISHED_DAYS, until=ended_at - timedelta(hours=2))
    services.end_consultation(consultation=consultation, ended_at=ended_at, publish_results=True)
    report.created.append(f"results of {consultation.slug} published")


def publish_open_data(*, report: Seeded) -> None:
    """The open data download of every consultation whose results are published, made now (after the demo's
    transaction; a publication in the admin queues it instead)."""
    for consultation in selectors.consultations_with_published_results():
        if services.build_open_data(consultation_id=consultation.pk):
            report.created.append(f"open data {consultation.slug}")
