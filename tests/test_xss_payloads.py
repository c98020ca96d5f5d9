"""The XSS corpus (tests/support/xss.py) in every text a person can write, read back from every surface
the server renders: pages (public, room, admin), JSON APIs, the OGC API, the open-data downloads, mails.

An HTML page must carry no payload as markup (each stays escaped), nothing of a payload that would run
(a handler, a javascript: URL, a script), and show the texts as written. JSON must carry them as the
same strings, served as JSON. The browser test (tests/e2e/test_xss.py) runs the pages' scripts too.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, override_settings

from forum import services as forum_services
from participation.geometry import bbox
from tests.support import factories
from tests.support.xss import PAYLOADS, Planted, comments_where, plant, raw_markup, read_html, squeeze


@pytest.fixture
def site(db, tmp_path):
    from cms.models import StandardPage
    from forum.demo import seed_demo
    from forum.models import RoomSession, Screen, Terminal
    from participation.models import ConsultationPage, ProposalPage

    factories.home_page()
    with override_settings(VAR_DIR=tmp_path):
        seed_demo()
    consultation = ConsultationPage.objects.get(slug="platz-am-wasser")
    screen, terminal = Screen.objects.get(slug="foyer"), Terminal.objects.get(slug="eingang")
    room = RoomSession.objects.get(consultation=consultation, closed_at__isnull=True)
    planted = plant(
        consultation=consultation,
        proposal=ProposalPage.objects.child_of(consultation).get(slug="baeume-und-baenke"),
        room=room,
        screen=screen,
        terminal=terminal,
        imprint=StandardPage.objects.get(slug="impressum"),
        clerk=get_user_model().objects.get(username="admin"),
        twin_dir=tmp_path,
    )
    return {
        "planted": planted,
        "consultation": ConsultationPage.objects.get(pk=consultation.pk),
        "proposal": ProposalPage.objects.child_of(consultation).get(slug="baeume-und-baenke"),
        "room": room,
        "screen": screen,
        "screen_token": forum_services.issue_device_token(device=screen),
        "terminal": terminal,
        "terminal_token": forum_services.issue_device_token(device=terminal),
    }


def check_html(name: str, response, planted, shown: list[str], status: int = 200) -> list[str]:
    """What is wrong with one page: payloads as markup, payloads that would run, texts not shown as written."""
    assert response.status_code == status, f"{name} answered {response.status_code}"
    html = response.content.decode()
    active, text = read_html(html)
    problems = [f"{name}: payload as markup: {raw!r}" for raw in raw_markup(html, planted.texts.values())]
    problems += [f"{name}: would run: {found}" for found in active]
    for where in shown:
        if squeeze(planted.texts[where]) not in text:
            problems.append(f"{name}: {where} not shown as written: {planted.texts[where]!r}")
    return problems


def json_strings(value) -> set[str]:
    if isinstance(value, dict):
        return (
            set().union(*(json_strings(v) for v in value.values()), *(json_strings(k) for k in value))
            if value
            else set()
        )
    if isinstance(value, list):
        return set().union(*(json_strings(v) for v in value)) if value else set()
    return {value} if isinstance(value, str) else set()


def staff_client() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    return client


def test_the_corpus_has_a_marker_for_every_payload_that_could_run():
    assert 15 <= len(PAYLOADS) <= 25
    numbers = [payload.number for payload in PAYLOADS]
    assert numbers == sorted(set(numbers))
    for payload in PAYLOADS:
        assert payload.text == payload.text.lower(), "a word-cloud answer is lower-cased: markers must survive it"
        assert "  " not in payload.text


def test_every_page_and_api_shows_every_payload_as_text(site):
    """One seeded site (seeding is most of the time), every surface; all problems reported at once."""
    problems = public_pages(site) + room_pages(site) + admin_pages(site) + json_apis(site)
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


def public_pages(site) -> list[str]:
    planted, consultation, proposal = site["planted"], site["consultation"], site["proposal"]
    twin = planted.ids["twin 0"]
    client = Client()
    pages = {
        "home": ("/", ["consultation intro", "home intro"]),
        "privacy": ("/datenschutz/", ["privacy controller", "privacy data_protection_officer", "privacy backups"]),
        "consultation": (
            consultation.url,
            [
                "consultation intro",
                "consultation heading",
                "consultation paragraph",
                "consultation quote",
                "consultation quote source",
                "proposal summary",
                *comments_where(on_proposal=False),
                *(f"reply {p.number}" for p in PAYLOADS[:6]),
                "username 0",
                "postcard text",
            ],
        ),
        "proposal": (
            proposal.url,
            [
                "proposal title",
                "proposal summary",
                "proposal heading",
                "proposal paragraph",
                "proposal quote",
                "proposal quote source",
                *comments_where(on_proposal=True),
            ],
        ),
        "imprint": (site["planted"] and "/impressum/", ["imprint title", "imprint intro", "imprint paragraph"]),
        "twin object": (f"/twin/{twin}/", ["twin 0 name", "twin 0 street", "twin 0 function", "twin 0 roof"]),
        "twin search": ("/twin/?q=xss", ["twin 0 name", "twin 1 name"]),
        "twin search, a payload": (f"/twin/?q={PAYLOADS[1].text}", []),
        "3D view": (f"/consultations/{consultation.pk}/3d/", ["consultation title"]),
        "open data": ("/open-data/", []),
        "API docs": ("/api/v1/docs/", []),
    }
    problems = []
    for name, (path, shown) in pages.items():
        problems += check_html(name, client.get(path, follow=True), planted, shown)
    return problems


def room_pages(site) -> list[str]:
    planted, room = site["planted"], site["room"]
    client = Client()
    kiosk = client.get(f"/kiosk/{site['screen'].slug}/?token={site['screen_token']}", follow=True)
    phone = Client().get(f"/live/{room.code}/", follow=True)
    terminal_client = Client()
    terminal = terminal_client.get(f"/terminal/{site['terminal'].slug}/?token={site['terminal_token']}", follow=True)
    # A mistyped room code is refilled into the join form, with a 404.
    planted.add("typed room code", PAYLOADS[3].text)
    wrong_code = Client().get("/live/", {"code": PAYLOADS[3].text})
    problems = check_html("phone join, a wrong code", wrong_code, planted, [], status=404)
    problems += check_html("kiosk", kiosk, planted, [])
    problems += check_html("phone", phone, planted, [])
    problems += check_html("terminal", terminal, planted, [])
    return problems


def admin_pages(site) -> list[str]:
    planted, consultation, proposal, room = site["planted"], site["consultation"], site["proposal"], site["room"]
    client = staff_client()
    pages = {
        "page explorer": (f"/admin/pages/{consultation.get_parent().pk}/", ["consultation title"]),
        "consultation's pages": (f"/admin/pages/{consultation.pk}/", ["proposal title"]),
        "edit consultation": (f"/admin/pages/{consultation.pk}/edit/", []),
        "edit proposal": (f"/admin/pages/{proposal.pk}/edit/", []),
        "moderation": ("/admin/moderation/", ["pending 7", "pending 8", "pending 9"]),
        "rooms": ("/admin/room/", ["room title"]),
        "console": (f"/admin/room/{room.pk}/", ["poll question", "word poll question", "question round"]),
        "paper": ("/admin/paper/", []),
        "paper of the consultation": (
            f"/admin/paper/{consultation.pk}/",
            ["paper event", "paper source", "postcard text"],
        ),
        "paper sheet": (f"/admin/paper/{consultation.pk}/proposal/{proposal.pk}/", []),
        "twin objects": ("/admin/snippets/participation/twinfeature/?q=xss", []),
        "twin object": (f"/admin/snippets/participation/twinfeature/edit/{planted.ids['twin 0']}/", []),
        "screens": ("/admin/snippets/forum/screen/", ["screen name"]),
        "terminals": ("/admin/snippets/forum/terminal/", ["terminal name"]),
        "edit screen": (f"/admin/snippets/forum/screen/edit/{site['screen'].pk}/", []),
        "users": ("/admin/users/", ["username 0"]),
        "dashboard": ("/admin/", []),
        "twin import": ("/admin/twin-import/", []),
    }
    problems = []
    for name, (path, shown) in pages.items():
        problems += check_html(name, client.get(path, follow=True), planted, shown)
    return problems


def json_apis(site) -> list[str]:
    """JSON carries every payload as the same string, served as JSON (never as HTML a browser would parse)."""
    planted, consultation, room = site["planted"], site["consultation"], site["room"]
    client = Client()
    view = ",".join(map(str, bbox(consultation.area)))
    reads = {
        "consultations": f"/api/v1/consultations/{consultation.pk}/",
        "proposals": f"/api/v1/proposals/?consultation={consultation.pk}",
        "contributions": f"/api/v1/contributions/?consultation={consultation.pk}&page_size=100",
        "contributions, GeoJSON": f"/api/v1/contributions/geojson/?consultation={consultation.pk}",
        **{f"twin object {i}": f"/api/v1/twin-features/{planted.ids[f'twin {i}']}/" for i in range(4)},
        "twin objects, GeoJSON": f"/api/v1/twin-features/geojson/?bbox={view}&zoom=19",
        "room": f"/api/v1/rooms/{room.code}/",
        "OGC contributions": "/api/ogc/collections/contributions/items?limit=1000&f=json",
        "OGC twin objects": "/api/ogc/collections/twin-features/items?limit=1000&f=json",
        "phone state": f"/live/{room.code}/state/",
        "3D scene": f"/consultations/{consultation.pk}/3d/scene.geojson",
    }
    found: set[str] = set()
    problems = []
    for name, path in reads.items():
        response = client.get(path)
        kind = response.headers.get("Content-Type", "")
        if response.status_code != 200 or "json" not in kind:
            problems.append(f"{name}: {response.status_code} {kind}")
            continue
        if response.headers.get("X-Content-Type-Options") != "nosniff":
            problems.append(f"{name}: no X-Content-Type-Options: nosniff (a browser could sniff it as HTML)")
        found |= json_strings(json.loads(response.content))
    expected = [*planted.of("comment ", "reply ", "postcard text", "proposal title", "proposal summary")]
    expected += [f"twin {i} {part}" for i in range(4) for part in ("name", "function", "roof", "attribute")]
    problems += [f"JSON: {where} not carried as written" for where in expected if planted.texts[where] not in found]
    return problems


def test_mails_carry_a_payload_name_as_plain_text(db, settings):
    """The confirmation of a new address names the account: its plain text as written, any HTML escaped."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    factories.home_page()
    user = factories.CitizenFactory(username=PAYLOADS[0].text, email="xss-mail@example.org")
    client = Client()
    client.force_login(user)
    response = client.post("/accounts/email/", {"action_add": "", "email": "another-xss@example.org"})
    assert response.status_code in (200, 302)
    assert mail.outbox, "no mail went out"
    message = mail.outbox[-1]
    assert user.username in message.body, "the plain-text part shows the name as written (not escaped)"
    for html, kind in getattr(message, "alternatives", []):
        if kind == "text/html":
            active, text = read_html(html)
            assert not active and user.username not in html and squeeze(user.username) in text


def test_twin_import_pages_show_a_file_name_source_and_error_as_text(db):
    """A city's file names its objects; an import that fails quotes the id: the admin shows it as text."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from participation.services import run_twin_import_job, start_twin_import

    twin_id = PAYLOADS[4].text
    box = [[4.36, 52.01], [4.3601, 52.01], [4.3601, 52.0101], [4.36, 52.01]]
    feature = {"type": "Feature", "id": twin_id, "geometry": {"type": "Polygon", "coordinates": [box]}}
    upload = SimpleUploadedFile(
        f"{PAYLOADS[1].text}.geojson",
        json.dumps({"type": "FeatureCollection", "features": [feature, feature]}).encode(),
    )
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "a-long-test-password")
    job = start_twin_import(user=admin, upload=upload, source=PAYLOADS[3].text)
    run_twin_import_job(job_id=job.pk)  # what the queued task runs
    job.refresh_from_db()
    assert twin_id in job.error, job.error
    planted = Planted()
    planted.add("import file name", job.file_name)
    planted.add("import source", job.source)
    planted.add("import error", job.error)
    client = staff_client()
    problems = check_html("twin imports", client.get("/admin/twin-import/"), planted, ["import file name"])
    job_page = client.get(f"/admin/twin-import/{job.pk}/")
    problems += check_html("twin import", job_page, planted, ["import file name", "import source", "import error"])
    assert not problems, "\n".join(problems)


SPREADSHEET_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def test_exports_carry_every_comment_as_inert_text(site, settings, tmp_path):
    """The admin's exports (XLSX, zipped CSV, GeoJSON) of the planted consultation: every comment comes out
    as written, and no spreadsheet cell starts as a formula would (participation.exports.cells)."""
    import csv
    import io
    import zipfile

    import openpyxl

    from participation.models import ExportJob
    from participation.services import exports

    settings.MEDIA_ROOT = tmp_path / "media"
    admin = get_user_model().objects.get(username="admin")
    comments = {text for where, text in site["planted"].of("comment ").items()}
    cells: dict[str, list[str]] = {}
    for format in ("xlsx", "csv", "geojson"):
        job = exports.start_export(user=admin, consultation=site["consultation"], format=format)
        exports.run_export_job(job_id=job.pk)  # at once, whatever the run's broker
        job = ExportJob.objects.get(pk=job.pk)
        assert job.status == "done", job.error
        with job.file.open("rb") as stored:
            data = stored.read()
        if format == "xlsx":
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
            cells[format] = [v for sheet in workbook for row in sheet.iter_rows(values_only=True) for v in row]
        elif format == "csv":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                cells[format] = [
                    value
                    for name in archive.namelist()
                    for row in csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")), delimiter=";")
                    for value in row
                ]
        else:
            features = json.loads(data)["features"]
            assert comments & {f["properties"].get("text") for f in features}
    for format in ("xlsx", "csv"):
        texts = {value for value in cells[format] if isinstance(value, str)}
        live = [value for value in texts if value.startswith(SPREADSHEET_FORMULA_STARTS)]
        assert live == [], f"{format}: cells a spreadsheet would run: {live}"
        missing = [text for text in comments if text not in texts and "'" + text not in texts]
        assert missing == [], f"{format}: comments not exported as written: {missing}"
