"""Content-Security-Policy and Permissions-Policy (forum.security_headers): the strict policy on every page
outside the Wagtail admin, kept pages included; the admin's own; an external tile server allowed when set; and
no template or script of ours that the strict policy would refuse."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from forum.csp_sources import tile_origins
from forum.security_headers import SecurityHeaders
from tests.support import factories

ROOT = Path(__file__).resolve().parents[2]


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: sources for name, *sources in (part.split() for part in header.split(";"))}


def assert_strict(response) -> None:
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no other host
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:", "blob:"]  # no MAP_TILE_URL in the tests' settings
    assert policy["connect-src"] == ["'self'"]  # the sockets are the site's own
    assert policy["worker-src"] == ["'self'"]  # MapLibre's worker is one of our static files
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    permissions = dict(part.split("=") for part in response["Permissions-Policy"].split(", "))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert permissions[feature] == "()"


@pytest.fixture
def room_site(voting_consultation):
    """A consultation with a proposal, its room open, a kiosk screen and a terminal, as the evening has them."""
    return {
        "consultation": voting_consultation,
        "proposal": factories.proposal(voting_consultation),
        "room": factories.room(voting_consultation),
        "screen": factories.screen(voting_consultation),
        "terminal": factories.terminal(voting_consultation),
    }


@pytest.mark.parametrize(
    "kind",
    [
        "home",
        "consultation",
        "proposal",
        "3D view",
        "kiosk",
        "phone join",
        "phone",
        "terminal",
        "API documentation",
        "open data",
        "login",
        "not found",
    ],
)
def test_every_page_outside_the_admin_gets_the_strict_policy(room_site, kind):
    site = room_site
    paths = {
        "home": "/",
        "consultation": site["consultation"].url,
        "proposal": site["proposal"].url,
        "3D view": f"/consultations/{site['consultation'].pk}/3d/",
        "kiosk": f"/kiosk/{site['screen'].slug}/?token={site['screen'].token}",
        "phone join": "/live/",
        "phone": f"/live/{site['room'].code}/",
        "terminal": f"/terminal/{site['terminal'].slug}/?token={site['terminal'].token}",
        "API documentation": "/api/v1/docs/",
        "open data": "/open-data/",
        "login": "/accounts/login/",
        "not found": "/no-such-page/",
    }
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(paths[kind], follow=True)

    assert response.status_code == (404 if kind == "not found" else 200)
    assert response["Content-Type"].startswith("text/html")
    assert_strict(response)


def test_a_page_kept_for_visitors_without_a_session_gets_the_policy_too(room_site, django_assert_num_queries):
    path = room_site["consultation"].url
    Client().get(path)  # rendered and kept
    with django_assert_num_queries(1):  # served from the cache (participation.page_cache)
        kept = Client().get(path)

    assert kept.status_code == 200
    assert_strict(kept)


def test_the_api_answers_carry_the_policy(room_site):
    assert_strict(Client().get("/api/v1/consultations/"))


def test_the_admin_gets_its_own_policy_with_inline_scripts_and_its_own_frames(admin_client):
    response = admin_client.get("/admin/")

    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]  # Wagtail writes scripts into its pages
    assert policy["frame-ancestors"] == ["'self'"]  # the editor frames its own preview
    assert policy["object-src"] == ["'none'"] and policy["default-src"] == ["'self'"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_an_external_tile_server_is_allowed_for_images_and_connections_only():
    assert tile_origins("https://{s}.tiles.example.org/{z}/{x}/{y}.png") == ["https://*.tiles.example.org"]
    assert tile_origins("https://tiles.example.org:8443/{z}/{x}/{y}.png") == ["https://tiles.example.org:8443"]
    assert tile_origins("/static/favicon.png?z={z}") == []  # the site's own: 'self'
    assert tile_origins("") == []


@pytest.mark.django_db
def test_the_tile_server_reaches_the_header(settings):
    origin = tile_origins("https://tiles.example.org/{z}/{x}/{y}.png")
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "img-src": [*settings.SECURE_CSP["img-src"], *origin],
        "connect-src": [*settings.SECURE_CSP["connect-src"], *origin],
    }
    response = SecurityHeaders(lambda request: HttpResponse())(RequestFactory().get("/"))

    policy = directives(response)
    assert policy["img-src"][-1] == policy["connect-src"][-1] == "https://tiles.example.org"
    assert policy["script-src"] == ["'self'"]


@pytest.mark.django_db  # an HTML page gets its site's tile server (CityProfile)
def test_a_page_previewed_in_the_editor_gets_the_admins_policy():
    """Wagtail renders a preview as a request for the page's own address, marked ``is_dummy``; the editor frames it."""
    request = RequestFactory().get("/")
    request.is_dummy = True

    response = SecurityHeaders(lambda request: HttpResponse())(request)

    assert directives(response)["frame-ancestors"] == ["'self'"]


@pytest.mark.django_db  # an HTML page gets its site's tile server (CityProfile)
def test_a_view_that_sets_its_own_policy_keeps_it():
    def view(request):
        response = HttpResponse()
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    assert SecurityHeaders(view)(RequestFactory().get("/"))["Content-Security-Policy"] == "default-src 'none'"


# --- nothing of ours that the strict policy refuses -----------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)
STRING_CODE = re.compile(r"\beval\(|new Function\(|set(?:Timeout|Interval)\(\s*[\"'`]")


def our_files(folder: str, suffix: str) -> list[Path]:
    return [path for path in (ROOT / folder).rglob(f"*{suffix}") if "vendor" not in path.parts]


def test_no_template_has_an_inline_script_an_event_handler_or_a_javascript_address():
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)[:80]}"
        for path in our_files("templates", ".html")
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, JAVASCRIPT_URL)
        for match in pattern.finditer(path.read_text())
    ]
    assert not found, "\n".join(found)


def test_no_script_of_ours_runs_code_from_a_string():
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in our_files("static", ".js")
        for match in STRING_CODE.finditer(path.read_text())
    ]
    assert not found, "\n".join(found)
