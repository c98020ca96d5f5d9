"""A corpus of XSS payloads, and the site filled with them: every text a person can write carries one.

Each payload, if a page ever runs it, calls ``__xss.push(N)`` with its own number; the browser tests put
``window.__xss = []`` into every frame before the page's scripts (MARKER_INIT_JS) and read it back, so a
payload that fires is named precisely. The payloads are lower case and free of runs of spaces, so that
a word-cloud answer (lower-cased, spaces collapsed) keeps them as they are; their markers survive
both.

Payloads without a marker (template syntax, spreadsheet formulas) are checked by what the page shows:
the text as written, not ``49`` or a rendered date.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import cycle
from pathlib import Path


@dataclass(frozen=True)
class Payload:
    number: int
    text: str
    what: str


def _corpus(*items: tuple[str, str]) -> tuple[Payload, ...]:
    return tuple(
        Payload(number, text.replace("{n}", str(number)), what) for number, (text, what) in enumerate(items, 1)
    )


PAYLOADS = _corpus(
    ("<script>__xss.push({n})</script>", "script tag"),
    ("<img src=x onerror=__xss.push({n})>", "img onerror"),
    ("<svg onload=__xss.push({n})>", "svg onload"),
    ('"><img src=x onerror=__xss.push({n})>', "double-quoted attribute breakout"),
    ("'><img src=x onerror=__xss.push({n})>", "single-quoted attribute breakout"),
    ("</script><script>__xss.push({n})</script>", "breakout of JSON in a script element"),
    ("</textarea><img src=x onerror=__xss.push({n})>", "breakout of a textarea (forms refilled)"),
    ("javascript:__xss.push({n})", "javascript: URL as a whole text"),
    ("[klick](javascript:__xss.push({n}))", "markdown link to a javascript: URL"),
    ('<a href="jav&#x09;ascript:__xss.push({n})">link</a>', "javascript: URL hidden by an entity"),
    ("`;__xss.push({n});`${__xss.push({n})}", "template-literal breakout"),
    ("{{7*7}}{% now 'y' %}${7*7}#{7*7}", "template injection (django, js, ruby)"),
    ("{{constructor.constructor('__xss.push({n})')()}}", "client-side template injection"),
    ("&lt;img src=x onerror=__xss.push({n})&gt;", "entities decoded twice"),
    ("\\u003cimg src=x onerror=__xss.push({n})\\u003e", "JSON escapes decoded twice"),
    ("%3cimg src=x onerror=__xss.push({n})%3e", "URL escapes decoded twice"),
    ("\uff1cimg src=x onerror=__xss.push({n})\uff1e", "full-width brackets (NFKC folding)"),
    ("<details open ontoggle=__xss.push({n})>", "event handler that fires by itself"),
    ('<iframe srcdoc="<script>__xss.push({n})</script>">', "iframe srcdoc"),
    ("<math><mtext><table><mglyph><style><img src=x onerror=__xss.push({n})>", "mutation XSS"),
    ('<!--<img src="--><img src=x onerror=__xss.push({n})//">', "comment breakout"),
    (
        '<div style="background:url(javascript:__xss.push({n}));width:expression(__xss.push({n}))">',
        "CSS url()/expression",
    ),
    ("]]><img src=x onerror=__xss.push({n})><![cdata[", "CDATA breakout (XML, CityGML)"),
    ('=hyperlink("http://x.invalid","@sum(1+1)")', "spreadsheet formula"),
)

BY_NUMBER = {payload.number: payload for payload in PAYLOADS}

# Put into every frame before the page's own scripts: the payloads' markers land here.
MARKER_INIT_JS = "window.__xss = [];"

_MARKUP = re.compile(r"<[a-z!/]|\"|'>")


def has_markup(text: str) -> bool:
    """The payload could break out of HTML text or an attribute if it reached a page unescaped."""
    return bool(_MARKUP.search(text))


def fitted(payload: Payload, limit: int, prefix: str = "") -> str:
    """``prefix`` and the payload within ``limit`` characters (the payload whole; the prefix shortened)."""
    room = limit - len(payload.text)
    assert room >= 0, f"payload {payload.number} is longer than {limit}"
    return (prefix[: max(room - 1, 0)] + " " if prefix and room > 1 else "") + payload.text


@dataclass
class Planted:
    """What went where: a field's name and the text written into it."""

    texts: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    def add(self, where: str, text: str) -> str:
        assert where not in self.texts, f"{where} planted twice"
        self.texts[where] = text
        return text

    def of(self, *prefixes: str) -> dict[str, str]:
        return {where: text for where, text in self.texts.items() if where.startswith(prefixes)}


def comments_where(*, on_proposal: bool) -> list[str]:
    """The names of the planted comments (plant below) that stand on the proposal's page, or on the
    consultation's."""
    return [f"comment {p.number}" for index, p in enumerate(PAYLOADS) if (index % 3 == 2) == on_proposal]


def payload_cycle():
    """Payloads in turn, for fields of which there is one each (a title, a device's name)."""
    return cycle(PAYLOADS)


def short_payloads(limit: int) -> list[Payload]:
    return [payload for payload in PAYLOADS if len(payload.text) <= limit]


def twin_geojson(directory: Path, around: tuple[float, float], count: int = 4) -> tuple[Path, list[dict]]:
    """A GeoJSON file of ``count`` small buildings around a point (lon, lat) whose name, address, function,
    roof and an extra attribute are payloads, as a city's file might carry them."""
    lon, lat = around
    features, texts = [], cycle(PAYLOADS[: count * 5])
    for index in range(count):
        west, south = lon - 0.0001 + index * 0.00005, lat - 0.00002
        ring = [[west, south], [west + 0.00004, south], [west + 0.00004, south + 0.00003], [west, south + 0.00003]]
        properties = {
            "id": f"xss-{index} {PAYLOADS[-index - 2].text}",  # the object's id in the file, shown as written
            "name": next(texts).text,
            "addr:street": next(texts).text,
            "addr:housenumber": "1",
            "function": next(texts).text,
            "roofType": next(texts).text,
            "bemerkung": next(texts).text,
            "height": 9,
        }
        geometry = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    path = directory / "xss-twin.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path, [feature["properties"] for feature in features]


def rich_text(text: str, link_url: str, link_text: str = "link") -> object:
    """A paragraph as the admin's rich text editor saves it: Draftail's contentstate through Wagtail's
    converter, with ``text`` and a link to ``link_url``."""
    from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
    from wagtail.rich_text import RichText

    whole = f"{text} {link_text}"
    contentstate = {
        "blocks": [
            {
                "key": "xss01",
                "type": "unstyled",
                "depth": 0,
                "text": whole,
                "inlineStyleRanges": [],
                "entityRanges": [{"offset": len(text) + 1, "length": len(link_text), "key": 0}],
            }
        ],
        "entityMap": {"0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": link_url}}},
    }
    converter = ContentstateConverter(features=["bold", "italic", "link", "ol", "ul", "h3", "h4"])
    return RichText(converter.to_database_format(json.dumps(contentstate)))


def _page_texts(page, planted: Planted, payloads, name: str, *, summary_field: str) -> None:
    """Title, summary/intro and every text block of the body: each a payload of its own, published."""
    heading, paragraph, link, quote, source = (next(payloads) for _ in range(5))
    page.title = planted.add(f"{name} title", fitted(next(payloads), 255, name.title()))
    setattr(page, summary_field, planted.add(f"{name} {summary_field}", fitted(next(payloads), 600, "Worum es geht:")))
    planted.add(f"{name} heading", heading.text[:120])
    planted.add(f"{name} paragraph", paragraph.text)
    planted.add(f"{name} quote", quote.text)
    planted.add(f"{name} quote source", source.text)
    page.body = [
        ("heading", heading.text[:120]),
        ("paragraph", rich_text(paragraph.text, f"javascript:__xss.push({link.number})")),
        ("quote", {"text": quote.text, "source": source.text}),
    ]
    page.save_revision().publish()


def plant(*, consultation, proposal, room, screen, terminal, imprint, clerk, twin_dir: Path) -> Planted:
    """Every text a person can write, in the demo site, each a payload; returns what went where.

    Writes go through the services (the ones the forms, the phone, the terminal, the paper entry and the
    twin import call); a device's or a room's name, set in the admin's forms, is written as those save it.
    """
    from shapely.geometry import shape

    from cms.models import HomePage, PrivacyPage
    from forum.models import RoomSession, Screen, Terminal
    from participation import services
    from participation.models import Channel, Contribution, ModerationState, PollKind, TwinFeature
    from tests.support import factories

    planted = Planted()
    payloads = payload_cycle()
    presenter = room.opened_by

    # The website's pages, as staff write them in the admin.
    _page_texts(consultation, planted, payloads, "consultation", summary_field="intro")
    _page_texts(proposal, planted, payloads, "proposal", summary_field="summary")
    _page_texts(imprint, planted, payloads, "imprint", summary_field="intro")
    consultation.refresh_from_db()
    proposal.refresh_from_db()
    # The privacy statement's own fields (shown with their line breaks) and the home page's intro.
    privacy = PrivacyPage.objects.live().first()
    for name in ("controller", "data_protection_officer", "backups"):
        lines = planted.add(f"privacy {name}", f"{next(payloads).text}\n{next(payloads).text}")
        setattr(privacy, name, lines)
    privacy.save_revision().publish()
    home = HomePage.objects.get()
    home.intro = planted.add("home intro", next(payloads).text)
    home.save_revision().publish()

    # The twin: a city's file whose names, addresses, functions and attributes are payloads.
    inside = shape(consultation.area).representative_point()
    lon, lat = inside.x, inside.y
    path, properties = twin_geojson(twin_dir, (lon, lat))
    services.import_twin_file(path=path, source="xss-twin")
    objects = list(TwinFeature.objects.filter(source="xss-twin").order_by("twin_id"))
    for index, (feature, props) in enumerate(zip(objects, properties, strict=True)):
        planted.add(f"twin {index} name", props["name"])
        planted.add(f"twin {index} street", props["addr:street"])
        planted.add(f"twin {index} function", props["function"])
        planted.add(f"twin {index} roof", props["roofType"])
        planted.add(f"twin {index} attribute", props["bemerkung"])
        planted.ids[f"twin {index}"] = feature.pk
    services.tie_twin_features(page=consultation, features=objects[:2])
    services.tie_twin_features(page=proposal, features=objects[2:3])

    # Citizens whose names are payloads (an account from the city's login may bring any name).
    authors = [
        factories.CitizenFactory(username=fitted(payload, 150), email=f"xss{payload.number}@example.org")
        for payload in PAYLOADS[:6]
    ]
    for index, author in enumerate(authors):
        planted.add(f"username {index}", author.username)
        planted.ids[f"username {index}"] = author.pk

    # Comments: every payload once, on the consultation or its proposal, some with a place or an object;
    # replies to the first ones.
    comments = []
    for index, payload in enumerate(PAYLOADS):
        place = (
            {"latitude": lat + 0.00002 * (index % 5), "longitude": lon + 0.00002 * (index // 5)} if index % 2 else {}
        )
        tied = {"twin_feature": objects[0]} if index % 6 == 0 else {}
        comment = services.post_contribution(
            author=authors[index % len(authors)],
            consultation=consultation,
            proposal=proposal if index % 3 == 2 else None,  # as comments_where says
            text=payload.text,
            **place,
            **tied,
        )
        planted.add(f"comment {payload.number}", payload.text)
        comments.append(comment)
    for index, payload in enumerate(PAYLOADS[:6]):
        services.post_contribution(
            author=authors[(index + 1) % len(authors)],
            consultation=consultation,
            parent=comments[index],
            text=payload.text,
        )
        planted.add(f"reply {payload.number}", payload.text)

    # Comments waiting for a moderator: the moderation queue shows them.
    for payload in PAYLOADS[6:9]:
        Contribution.objects.create(
            consultation=consultation, author=authors[0], text=payload.text, moderation_state=ModerationState.PENDING
        )
        planted.add(f"pending {payload.number}", payload.text)

    # The room: its event name, the screen's and the terminal's names (the admin's forms save them).
    RoomSession.objects.filter(pk=room.pk).update(title=planted.add("room title", fitted(next(payloads), 200)))
    Screen.objects.filter(pk=screen.pk).update(name=planted.add("screen name", fitted(next(payloads), 100)))
    Terminal.objects.filter(pk=terminal.pk).update(name=planted.add("terminal name", fitted(next(payloads), 100)))

    # Polls: a choice with payload options (answered, results shown), a word cloud answered with payloads,
    # a question round with payload questions (approved: the screen and phones show them).
    choice = services.add_poll(
        presenter=presenter,
        consultation=consultation,
        question=planted.add("poll question", fitted(next(payloads), 300)),
        options=[planted.add(f"poll option {i}", fitted(next(payloads), 200)) for i in range(3)],
        results_hidden=False,
    )
    words = services.add_poll(
        presenter=presenter,
        consultation=consultation,
        question=planted.add("word poll question", fitted(next(payloads), 300)),
        kind=PollKind.WORDS,
        results_hidden=False,
    )
    questions = services.add_poll(
        presenter=presenter,
        consultation=consultation,
        question=planted.add("question round", fitted(next(payloads), 300)),
        kind=PollKind.QUESTIONS,
        results_hidden=False,
    )
    planted.ids.update(choice_poll=choice.pk, word_poll=words.pk, question_poll=questions.pk)
    for poll in (choice, words, questions):
        services.set_poll_state(presenter=presenter, poll=poll, state="open")
    options = list(choice.options.order_by("position").values_list("pk", flat=True))
    for index, payload in enumerate(short_payloads(40)):
        phone = factories.device()
        services.answer_poll(participant=phone, poll=choice, channel=Channel.PHONE, options=[options[index % 3]])
        services.answer_poll(participant=phone, poll=words, channel=Channel.PHONE, text=payload.text)
        planted.add(f"word {payload.number}", payload.text)
    for payload in PAYLOADS[:4]:
        question = services.ask_question(
            participant=factories.device(), poll=questions, text=payload.text, channel=Channel.PHONE
        )
        services.moderate_question(moderator=presenter, question=question, state=ModerationState.APPROVED)
        planted.add(f"question {payload.number}", payload.text)

    # Paper: a sheet's event, source and note, and a postcard's text and source.
    services.enter_paper_counts(
        clerk=clerk,
        event=planted.add("paper event", fitted(next(payloads), 200)),
        source=planted.add("paper source", fitted(next(payloads), 200)),
        note=planted.add("paper note", next(payloads).text),
        counts={"support": 3, "oppose": 1, "abstain": 0},
        proposal=proposal,
    )
    services.transcribe_postcard(
        clerk=clerk,
        consultation=consultation,
        text=planted.add("postcard text", next(payloads).text),
        source=planted.add("postcard source", fitted(next(payloads), 200)),
    )
    return planted


# --- reading a page as a browser would run it ---------------------------------------------------------

_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcdoc"}
_SCRIPT_TYPES = {"", "text/javascript", "module", "application/javascript"}


class _Reader(HTMLParser):
    """What of a page would run (script elements, handlers, URLs, styles) and the text it shows."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.active: list[str] = []
        self.text: list[str] = []
        self.script_js = 0  # inside a script element that runs (depth)
        self.hidden = 0  # inside script/style/template: no visible text

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
            if name.startswith("on") and "__xss" in value:
                self.active.append(f"<{tag} {name}={value!r}>")
            elif name in _URL_ATTRIBUTES and (squeezed.startswith(("javascript:", "vbscript:")) or "__xss" in squeezed):
                if tag != "a" or squeezed.startswith(("javascript:", "vbscript:")):
                    self.active.append(f"<{tag} {name}={value!r}>")
            elif name == "style" and "__xss" in value:
                self.active.append(f"<{tag} style={value!r}>")
        if tag == "script":
            kind = (dict(attrs).get("type") or "").lower()
            self.script_js += kind in _SCRIPT_TYPES
            self.hidden += 1
        elif tag in ("style", "template", "title", "textarea"):
            self.hidden += 1
        if tag in ("iframe", "object", "embed", "svg", "math", "details", "base") and "__xss" in repr(attrs):
            self.active.append(f"<{tag}> element with {dict(attrs)!r}")

    def handle_endtag(self, tag):
        if tag == "script":
            self.script_js = max(self.script_js - 1, 0)
            self.hidden = max(self.hidden - 1, 0)
        elif tag in ("style", "template", "title", "textarea"):
            self.hidden = max(self.hidden - 1, 0)

    def handle_data(self, data):
        if self.script_js and "__xss" in data:
            self.active.append(f"script running {data.strip()[:120]!r}")
        elif not self.hidden:
            self.text.append(data)


def read_html(html: str) -> tuple[list[str], str]:
    """(what of the payloads would run, the page's visible text with its spaces squeezed)."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.active, squeeze(" ".join(reader.text))


def squeeze(text: str) -> str:
    return " ".join(text.split())


def raw_markup(html: str, texts) -> list[str]:
    """Payloads with markup found in the page as written: unescaped, a browser would parse them as HTML."""
    return sorted({text for text in texts if has_markup(text) and text in html})
