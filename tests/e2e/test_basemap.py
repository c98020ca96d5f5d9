"""The twin is the map: every 2D map of the site draws the city model from its tiles
(static/participation/twin-basemap.js) — the consultation and proposal pages, an object's page, the touch
terminal's comment page, the admin's area widget and the kiosk's map scene — with no tile server set (the
default), and a click on the ground tells which object lies there. With a tile server, its tiles lie under the
twin and a switch hides the twin. On the demo's Delft city model, in a real browser against a real server."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from forum import services as forum_services
from forum.models import Terminal
from tests.support import factories
from tests.support.browser import (
    SHOTS_DIR,
    PageAudit,
    assert_twin_drawn,
    click_ground,
    close_session,
    map_point,
    open_session,
    outside_event_loop,
    twin_object_path,
    wait_for_kiosk,
    wait_for_map,
    wait_for_twin,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_every_public_map_shows_the_twin(context, demo):
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    page = context.new_page()
    for name, path in (("consultation", demo.consultation.url), ("proposal", demo.proposal.url)):
        page.goto(path)
        wait_for_map(page)
        assert_twin_drawn(page, "#consultation-map")
        page.locator("#consultation-map").screenshot(path=str(SHOTS_DIR / f"basemap-{name}.png"))
    page.goto(twin_object_path(demo))
    assert_twin_drawn(page, "#twin-map")
    expect(page.locator("#twin-map path.map-twin-feature")).to_have_count(1)  # the object's outline above it
    page.locator("#twin-map").screenshot(path=str(SHOTS_DIR / "basemap-twin-object.png"))


def test_the_terminals_comment_map_shows_the_twin(browser, live_server_process, demo):
    token = outside_event_loop(forum_services.issue_device_token, device=Terminal.objects.get(slug="eingang"))
    session = open_session(browser, live_server_process.url, viewport={"width": 1080, "height": 1920}, has_touch=True)
    try:
        page = session.context.new_page()
        page.goto(f"/terminal/eingang/?token={token}")
        page.get_by_role("button", name="Start").click()
        page.get_by_role("link", name=re.compile("^Write a comment")).click()
        assert_twin_drawn(page, "#consultation-map")
    finally:
        close_session(session)


def test_the_admins_area_widget_shows_the_twin(context, log_in, demo):
    log_in(factories.UserFactory(username="kartenredaktion", is_staff=True, is_superuser=True))
    page = context.new_page()
    page.goto(f"/admin/pages/{demo.consultation.pk}/edit/")
    page.locator(".area-widget__map").scroll_into_view_if_needed()
    assert_twin_drawn(page, ".area-widget__map")


def test_the_kiosks_map_scene_shows_the_twin(context, demo):
    page = context.new_page()
    page.goto(demo.kiosk_url)
    wait_for_kiosk(page)
    outside_event_loop(forum_services.show_in_room, presenter=demo.room.opened_by, room=demo.room, scene="map")
    expect(page.locator("body")).to_have_attribute("data-scene", "map")
    expect(page.locator("#kiosk-map")).to_have_attribute("data-loaded", re.compile(r"^[1-9]\d*$"))
    assert_twin_drawn(page, "#kiosk-map")


def _building_in_area(consultation) -> tuple[int, str, tuple[float, float]]:
    """The largest building of the consultation's area not tied to it (those are drawn over the base map, with
    their own popup): its id, label and a point deep inside it."""
    from shapely.geometry import shape
    from shapely.ops import polylabel

    from participation.models import ConsultationTwinFeature, TwinFeature

    area = shape(consultation.area)
    tied = ConsultationTwinFeature.objects.filter(page=consultation).values_list("twin_feature_id", flat=True)
    candidates = TwinFeature.objects.filter(kind="building").exclude(pk__in=list(tied))
    buildings = [f for f in candidates if area.contains(shape(f.geometry))]
    largest = max(buildings, key=lambda f: shape(f.geometry).area)
    point = polylabel(shape(largest.geometry), tolerance=1e-7)
    with translation.override("en"):
        return largest.pk, largest.label, (point.x, point.y)


def test_a_click_on_a_building_tells_what_it_is(context, demo):
    """Without the comment form (a visitor not logged in), a click on the ground opens the object's popup."""
    pk, label, inside = outside_event_loop(_building_in_area, demo.consultation)
    page = context.new_page()
    page.goto(demo.consultation.url)
    wait_for_map(page)
    wait_for_twin(page)
    click_ground(page, *map_point(page, demo.consultation.area, *inside))
    popup = page.locator("#consultation-map .leaflet-popup-content")
    expect(popup).to_contain_text(label)
    expect(popup.get_by_role("link", name="About this object")).to_have_attribute("href", f"/twin/{pk}/")
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")
    audit = PageAudit()
    audit.check(page, "consultation: a building's popup from the base map")
    audit.assert_clean()


def _object_of(path: str) -> tuple[int, tuple[float, float], tuple[float, float, float, float]]:
    """The object of a twin object page: its id, a point deep inside it and its bounds."""
    from shapely.geometry import shape
    from shapely.ops import polylabel

    from participation.models import TwinFeature

    feature = TwinFeature.objects.get(pk=int(path.strip("/").split("/")[-1]))
    outline = shape(feature.geometry)
    point = polylabel(outline, tolerance=1e-7) if outline.geom_type == "Polygon" else outline.representative_point()
    return feature.pk, (point.x, point.y), outline.bounds


def test_the_base_map_finds_the_object_under_a_point_and_its_outline(context, demo):
    """featureAt, the layer's hit test, on a map of its own: the object under a point, at a zoom the server has
    tiles for and at one it enlarges, with the outline the tile holds of it."""
    path = twin_object_path(demo)
    pk, (lon, lat), bounds = outside_event_loop(_object_of, path)
    page = context.new_page()
    page.goto(path)
    assert_twin_drawn(page, "#twin-map")
    found = page.evaluate(
        """async ([lat, lon]) => {
            const config = JSON.parse(document.getElementById("map-config").textContent).basemap;
            const node = document.createElement("div");
            node.style.cssText = "position: absolute; left: 0; top: 0; width: 600px; height: 600px";
            document.body.appendChild(node);
            const map = L.map(node).setView([lat, lon], 17);
            const layer = L.twinBaseMap(config.url, { bounds: config.bounds, dataMaxZoom: config.maxNativeZoom });
            const answers = [];
            for (const zoom of [17, 20]) {
                const loaded = new Promise((resolve) => layer.once("load", resolve));
                if (layer._map) map.setView([lat, lon], zoom, { animate: false });
                else layer.addTo(map);
                await loaded;
                const hit = layer.featureAt(L.latLng(lat, lon));
                const box = hit && L.latLngBounds(hit.latlngs.flat());
                const bounds = box && [box.getWest(), box.getSouth(), box.getEast(), box.getNorth()];
                answers.push(hit && { zoom, id: hit.id, bounds });
            }
            const far = layer.featureAt(L.latLng(lat + 1, lon + 1)); // outside every tile drawn
            map.remove();
            node.remove();
            return { answers, far };
        }""",
        [lat, lon],
    )
    assert found["far"] is None
    for answer in found["answers"]:
        assert answer and answer["id"] == pk, found
        # The outline as the tile holds it: simplified to a pixel, and clipped near the tile's edge.
        west, south, east, north = answer["bounds"]
        assert west <= lon <= east and south <= lat <= north, answer
        assert west >= bounds[0] - 1e-4 and south >= bounds[1] - 1e-4, (answer, bounds)
        assert east <= bounds[2] + 1e-4 and north <= bounds[3] + 1e-4, (answer, bounds)


# --- with a tile server ---------------------------------------------------------------------------------


def test_with_a_tile_server_the_twin_lies_over_its_tiles_and_can_be_hidden(browser, tiled_server, demo):
    session = open_session(browser, tiled_server.url)
    try:
        page = session.context.new_page()
        page.goto(demo.consultation.url)
        wait_for_map(page)
        map_node = page.locator("#consultation-map")
        tiles = map_node.locator(".leaflet-tile-pane img.leaflet-tile-loaded")
        expect(tiles.first).to_be_visible()
        assert_twin_drawn(page, "#consultation-map")
        expect(map_node).to_contain_text("Test tiles")  # both credits
        expect(map_node).to_contain_text("3D city model Delft")

        # The switch: the tiles as the one base, the twin over them, on.
        expect(map_node.get_by_role("radio", name="Map")).to_be_checked()
        twin = map_node.get_by_role("checkbox", name="City model")
        expect(twin).to_be_checked()
        audit = PageAudit()
        audit.check(page, "consultation map with tiles and the layer switch")

        twin.uncheck()
        expect(map_node).to_have_attribute("data-basemap", "off")
        expect(map_node).to_have_attribute("data-basemap-tiles", "0")
        expect(map_node.locator("canvas.twin-basemap-tile")).to_have_count(0)
        expect(tiles.first).to_be_visible()  # the tiles stay
        expect(map_node).not_to_contain_text("3D city model Delft")

        twin.check()
        assert_twin_drawn(page, "#consultation-map")
        audit.assert_clean()
    finally:
        close_session(session)
