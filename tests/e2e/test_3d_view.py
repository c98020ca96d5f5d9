"""The 3D view of a consultation in a real browser: MapLibre draws the Delft twin with WebGL (SwiftShader,
chromium's software renderer, when there is no GPU), and without WebGL the page says so and keeps its table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.support import factories
from tests.support.browser import (
    FOCUS_STYLE_JS,
    WEBGL_READY,
    PageAudit,
    has_visible_focus,
    outside_event_loop,
    screenshot,
)
from tests.support.twin_files import DELFT

WEBGL = True  # this module's chromium draws with WebGL (tests/e2e/conftest.py)
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# The built-up part of the Delft model, closely: all its 160 buildings.
AREA = (4.3650, 52.0110, 4.3685, 52.0126)

NO_WEBGL = """(() => {
  const getContext = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
    return /webgl/i.test(type) ? null : getContext.call(this, type, ...rest);
  };
})();"""


@dataclass
class Scene:
    url: str
    consultation_url: str
    buildings: int
    voiced: list[int]  # ids of the buildings tied to comments or proposals
    pins: int


def box(min_lon, min_lat, max_lon, max_lat) -> dict:
    ring = [[min_lon, min_lat], [max_lon, min_lat], [max_lon, max_lat], [min_lon, max_lat], [min_lon, min_lat]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def scene(demo) -> Scene:
    """A consultation on most of the Delft twin: three proposals tied to buildings and voted on, comments tied
    to buildings and pinned to them."""
    from participation.models import Contribution, ProposalTwinFeature, TwinFeature, TwinKind, Vote
    from participation.selectors import twin_buildings_in_area
    from participation.services import import_twin_file

    def build() -> Scene:
        import_twin_file(path=DELFT)
        consultation = factories.consultation(
            "vote", title="Rund um den Markt", slug="rund-um-den-markt", area=box(*AREA)
        )
        buildings = list(twin_buildings_in_area(consultation=consultation))
        # The buildings of the model's centre, spread out in it: every 12th one.
        chosen = buildings[::12]
        voters = factories.citizens(6)
        for index, (title, choices) in enumerate(
            [
                ("Bäume und Bänke", ["support"] * 5 + ["oppose"]),
                ("Autofreier Platz", ["support", "oppose", "oppose", "abstain", "support", "oppose"]),
                ("Wochenmarkt", ["oppose"] * 5 + ["support"]),
            ]
        ):
            proposal = factories.proposal(consultation, title=title)
            for building in chosen[index * 3 : index * 3 + 3]:
                ProposalTwinFeature.objects.create(page=proposal, twin_feature=building)
            Vote.objects.bulk_create(
                Vote(proposal=proposal, participant=factories.participant(v), choice=c)
                for v, c in zip(voters, choices, strict=True)
            )
        commented = [*chosen[9:12], chosen[0]]
        for number, building in enumerate(commented):
            Contribution.objects.create(
                consultation=consultation,
                text=f"Zu diesem Gebäude ({number + 1}): bitte die Fassade erhalten.",
                twin_feature=building,
                latitude=building.latitude,
                longitude=building.longitude,
            )
        assert TwinFeature.objects.filter(kind=TwinKind.BUILDING).count() == 160
        return Scene(
            url=f"/consultations/{consultation.pk}/3d/",
            consultation_url=consultation.url,
            buildings=len(buildings),
            voiced=sorted({b.pk for b in [*chosen[:9], *commented]}),
            pins=len(commented),
        )

    return outside_event_loop(build)


def wait_until_drawn(page: Page) -> None:
    expect(page.locator("#scene-map")).to_have_attribute("data-state", "ready", timeout=WEBGL_READY)


def test_the_twin_is_drawn_in_3d_with_what_citizens_said(context, scene):
    page = context.new_page()
    # Reached from the consultation's page, by the link under its map.
    response = page.goto(scene.consultation_url)
    assert response is not None and response.ok
    page.get_by_role("link", name="3D view", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(scene.url) + "$"))
    wait_until_drawn(page)

    drawn = page.evaluate(
        """() => {
          const map = window.scene3d.map;
          const buildings = map.queryRenderedFeatures({ layers: ["buildings"] });
          return {
            loaded: map.loaded(),
            pitch: map.getPitch(),
            buildings: buildings.length,
            ids: [...new Set(buildings.map((f) => f.id))].length,
            voiced: [...new Set(buildings.filter((f) => f.properties.proposals || f.properties.contributions)
              .map((f) => f.id))].sort((a, b) => a - b),
            pins: map.queryRenderedFeatures({ layers: ["pins"] }).length,
            renderer: (() => {
              const gl = map.getCanvas().getContext("webgl2");
              const info = gl.getExtension("WEBGL_debug_renderer_info");
              return info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : "";
            })(),
            canvas: [map.getCanvas().getAttribute("role"), map.getCanvas().getAttribute("aria-label")],
          };
        }"""
    )
    assert drawn["loaded"] is True
    assert drawn["buildings"] > 0 and drawn["ids"] == scene.buildings, drawn  # the whole area is in view
    assert drawn["voiced"] == scene.voiced
    assert drawn["pins"] == scene.pins
    assert drawn["pitch"] == 60
    print(f"WebGL renderer: {drawn['renderer']}")
    assert drawn["canvas"] == ["region", "3D view of the consultation area"]
    expect(page.locator("#scene-status")).to_have_text(
        f"The 3D view shows {scene.buildings} buildings and {scene.pins} pinned comments."
    )
    expect(page.get_by_role("heading", name="Legend")).to_be_visible()
    screenshot(page, "3d")

    # The same in words: one row per building something was said about, and the way back.
    rows = page.locator("table.scene-table tbody tr")
    expect(rows).to_have_count(len(scene.voiced))
    expect(page.get_by_role("navigation", name="Breadcrumb").get_by_role("link")).to_have_attribute(
        "href", scene.consultation_url
    )

    # The keyboard: the canvas is a tab stop (just before the navigation control) with a visible focus,
    # + zooms in, and the control's buttons are named in the page's language.
    page.get_by_role("button", name="Zoom in").focus()
    page.keyboard.press("Shift+Tab")
    focus = page.evaluate(FOCUS_STYLE_JS)
    assert "maplibregl-canvas" in focus["element"] and has_visible_focus(focus), focus
    zoom = page.evaluate("() => window.scene3d.map.getZoom()")
    page.keyboard.press("+")
    page.wait_for_function("(zoom) => window.scene3d.map.getZoom() > zoom + 0.5", arg=zoom)
    expect(page.get_by_role("button", name="Zoom out")).to_be_visible()
    expect(page.get_by_role("button", name="Reset the view to north")).to_be_visible()

    # A building and a comment told about on a click (for pointers; the table says it for everyone).
    page.evaluate("() => window.scene3d.map.jumpTo({ zoom: window.scene3d.map.getZoom() - 1 })")
    wait_idle(page)
    point = page.evaluate(
        """() => {
          const map = window.scene3d.map;
          const [feature] = map.queryRenderedFeatures({ layers: ["buildings"] })
            .filter((f) => f.properties.proposals > 0 && f.properties.contributions === 0);
          const ring = feature.geometry.type === "Polygon" ? feature.geometry.coordinates[0]
            : feature.geometry.coordinates[0][0];
          const lon = ring.reduce((s, c) => s + c[0], 0) / ring.length;
          const lat = ring.reduce((s, c) => s + c[1], 0) / ring.length;
          const p = map.project([lon, lat]);
          const rect = map.getCanvas().getBoundingClientRect();
          return { x: rect.left + p.x, y: rect.top + p.y - 2, name: feature.properties.name };
        }"""
    )
    page.mouse.click(point["x"], point["y"])
    popup = page.locator(".maplibregl-popup")
    expect(popup).to_contain_text("Height")  # of the building in front, if another one hides this one
    expect(popup.get_by_role("button", name="Close")).to_be_visible()
    screenshot(page, "3d-popup")
    audit = PageAudit()
    audit.check(page, "3D view with a building's popup")
    audit.assert_clean()


def wait_idle(page: Page) -> None:
    page.evaluate(
        """() => new Promise((done) => {
          const map = window.scene3d.map;
          map.once("idle", done);
          map.triggerRepaint();
        })"""
    )


def test_without_webgl_the_page_says_so_and_keeps_the_table(context, scene):
    context.add_init_script(NO_WEBGL)
    page = context.new_page()
    page.goto(scene.url)

    expect(page.locator("#scene-map")).to_have_attribute("data-state", "unavailable")
    expect(page.locator("#scene-status")).to_contain_text("This browser cannot show the 3D view")
    expect(page.locator("#scene-body")).to_be_hidden()
    expect(page.locator(".maplibregl-canvas")).to_have_count(0)
    expect(page.locator("table.scene-table tbody tr")).to_have_count(len(scene.voiced))
    expect(page.get_by_role("link", name=re.compile("Read all comments"))).to_be_visible()
    audit = PageAudit()
    audit.check(page, "3D view without WebGL")
    audit.assert_clean()
    screenshot(page, "3d-no-webgl")
