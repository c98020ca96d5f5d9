"""Comments tied to the twin, in a real browser: an object picked on the map (a click on the twin's base map,
hit-tested in its tiles) or found by keyboard, a line drawn with Leaflet.draw; the object's own page; axe on
every state. On the real Delft city model."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from participation.geometry import contains_point
from tests.support import factories
from tests.support.browser import (
    PageAudit,
    click_ground,
    map_point,
    outside_event_loop,
    wait_for_map,
    wait_for_twin,
    wait_for_twin_map,
)
from tests.support.twin_files import DELFT

# serialized_rollback: every test starts from the migrated state (the same site and content type ids,
# which the long-lived server caches) and leaves the database empty for the next one that restores it.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@dataclass
class Target:
    """An object of the twin inside the demo consultation's area, not tied to it: one a citizen finds."""

    pk: int
    twin_id: str
    label: str
    inside: tuple[float, float]  # (lon, lat) deep inside its outline: the centre of its widest part
    search: str  # a part of its twin id that no other object's has


def _target(feature, others: list[str]) -> Target:
    from shapely.geometry import shape
    from shapely.ops import polylabel

    point = polylabel(shape(feature.geometry), tolerance=1e-7)
    search = next(
        feature.twin_id[:n] for n in range(8, 40) if sum(o.startswith(feature.twin_id[:n]) for o in others) == 1
    )
    return Target(pk=feature.pk, twin_id=feature.twin_id, label=feature.label, inside=(point.x, point.y), search=search)


def _choose_targets(consultation) -> dict[str, Target]:
    """The Delft model imported (again: an update if the demo has it), and the largest building and
    road of the consultation's area that are not tied to it."""
    from shapely.geometry import shape

    from participation.models import ConsultationTwinFeature, TwinFeature
    from participation.services import import_twin_file

    import_twin_file(path=DELFT)
    area = shape(consultation.area)
    tied = set(ConsultationTwinFeature.objects.filter(page=consultation).values_list("twin_feature_id", flat=True))
    features = list(TwinFeature.objects.exclude(pk__in=tied))
    twin_ids = [feature.twin_id for feature in features]
    targets = {}
    with translation.override("en"):  # labels as the English pages show them
        for kind in ("building", "road"):
            candidates = [f for f in features if f.kind == kind and area.contains(shape(f.geometry))]
            largest = max(candidates, key=lambda f: shape(f.geometry).area)
            targets[kind] = _target(largest, twin_ids)
    return targets


@pytest.fixture
def targets(demo) -> dict[str, Target]:
    return outside_event_loop(_choose_targets, demo.consultation)


@pytest.fixture
def citizen_page(context, log_in, demo) -> Page:
    log_in(factories.CitizenFactory(username="zwilling"))
    page = context.new_page()
    page.goto(demo.consultation.url)
    wait_for_map(page)
    wait_for_twin(page)
    return page


def stored(text: str):
    from participation.models import Contribution

    return outside_event_loop(lambda: Contribution.objects.select_related("twin_feature").get(text=text))


def publish(page: Page, text: str) -> None:
    page.get_by_role("button", name="Publish comment").click()
    expect(page.get_by_role("status").first).to_contain_text("Your comment is published")
    expect(page.locator("#comments li.comment", has_text=text)).to_have_count(1)


def test_a_citizen_picks_an_object_on_the_map_and_comments_on_it(citizen_page, demo, targets):
    page, target = citizen_page, targets["building"]
    audit = PageAudit()
    text = "Dieses Haus braucht ein grünes Dach."
    page.get_by_label("Your comment").fill(text)

    # A click sets the point until the map is told to pick objects instead; then a click on the base map
    # picks the object drawn there.
    page.get_by_role("radio", name="picks an object of the twin").check()
    click_ground(page, *map_point(page, demo.consultation.area, *target.inside))

    expect(page.locator(f"#twin-choice-{target.pk}")).to_be_checked()
    expect(page.locator(f"#consultation-map path.map-picked.map-twin-{target.pk}")).to_have_count(1)  # outlined
    expect(page.locator("#twin-status")).to_have_text(f"Chosen for your comment: {target.label}")
    popup = page.locator("#consultation-map .leaflet-popup-content")
    expect(popup).to_contain_text(target.label)
    expect(popup.get_by_role("link", name="About this object")).to_have_attribute("href", f"/twin/{target.pk}/")
    expect(page.get_by_label("Latitude")).to_have_value("")  # no point set by that click
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")
    audit.check(page, "consultation: object picked on the map, popup open")

    publish(page, text)
    comment = page.locator("#comments li.comment", has_text=text)
    expect(comment.get_by_role("link", name=target.label)).to_have_attribute("href", f"/twin/{target.pk}/")
    assert stored(text).twin_feature_id == target.pk

    # The object's page tells what was said about it, and where.
    comment.get_by_role("link", name=target.label).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(target.label)
    wait_for_twin_map(page)
    said = page.get_by_role("region", name=re.compile("What people said about it"))
    expect(said).to_contain_text(text)
    expect(said.get_by_role("link", name=demo.consultation.title)).to_have_attribute("href", demo.consultation.url)
    credit = "3D city model Delft, Gemeente Delft / BGT via cityjson/cjio (MIT)"
    expect(page.get_by_text(f"Data: {credit}")).to_be_visible()
    expect(page.locator("#twin-map .leaflet-control-attribution")).to_contain_text(credit)  # the base map's
    audit.check(page, "twin object page with a comment")
    audit.assert_clean()


def test_a_citizen_finds_an_object_by_keyboard_and_comments_on_it(citizen_page, targets):
    page, target = citizen_page, targets["road"]
    audit = PageAudit()
    text = "Hier fehlt ein Zebrastreifen, per Tastatur gewählt."
    page.get_by_label("Your comment").focus()
    page.keyboard.type(text)

    page.get_by_label("Search the twin by name, address or id").focus()
    page.keyboard.type(target.search)
    page.keyboard.press("Enter")  # searches in place: nothing is sent
    expect(page.locator("#twin-status")).to_have_text(f"One object found for “{target.search}”.")
    expect(page.get_by_label("Your comment")).to_have_value(text)

    # Tab past the search button into the list; the first arrow step chooses what was found.
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Search")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("radio", name="No object")).to_be_focused()
    page.keyboard.press("ArrowDown")
    # By its id: an object the consultation is tied to may bear the same words (two carriageways of the model).
    found = page.locator(f"#twin-choice-{target.pk}")
    expect(found).to_have_role("radio")
    expect(found).to_have_accessible_name(target.label)
    expect(found).to_be_focused()
    expect(found).to_be_checked()
    expect(page.locator(f"#consultation-map path.map-picked.map-twin-{target.pk}")).to_have_count(1)  # outlined
    audit.check(page, "consultation: object found by the search")

    page.get_by_role("button", name="Publish comment").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Your comment is published")
    assert stored(text).twin_feature_id == target.pk
    audit.assert_clean()


def area_box(page: Page) -> dict:
    area = page.locator("#consultation-map path.map-area")
    area.scroll_into_view_if_needed()
    box = area.bounding_box()
    assert box and box["width"] > 40 and box["height"] > 40, f"the area is not drawn: {box}"
    return box


def click_vertex(page: Page, box: dict, x: float, y: float) -> None:
    """Click a point of the drawing at fractions of the area's box; Leaflet.draw takes it as a vertex."""
    vertices = page.locator("#consultation-map .leaflet-editing-icon")
    before = vertices.count()
    page.mouse.move(box["x"] + x * box["width"] - 5, box["y"] + y * box["height"])
    page.mouse.click(box["x"] + x * box["width"], box["y"] + y * box["height"])
    expect(vertices).to_have_count(before + 1)
    page.wait_for_timeout(100)  # Leaflet.draw ignores a click within 50 ms of the last one, as a double click


def test_a_citizen_draws_a_line_and_comments_with_it(citizen_page, demo):
    page = citizen_page
    audit = PageAudit()
    text = "Ein Radweg von hier bis dort."
    page.get_by_label("Your comment").fill(text)
    page.get_by_label("Latitude").fill("52.0120")  # a point first: the drawing replaces it
    page.get_by_label("Longitude").fill("4.3640")

    page.get_by_role("link", name="Draw a line").click()
    box = area_box(page)
    for x, y in [(0.5, 0.5), (0.6, 0.62), (0.72, 0.38)]:  # among the houses west of the Quartiersstraße
        click_vertex(page, box, x, y)
    expect(page.get_by_role("link", name="Finish")).to_be_visible()
    audit.check(page, "consultation: drawing a line")
    page.get_by_role("link", name="Finish").click()

    expect(page.locator("#drawing-status")).to_contain_text("A line is drawn")
    expect(page.get_by_label("Latitude")).to_have_value("")
    expect(page.get_by_role("button", name="Remove the drawing")).to_be_visible()
    expect(page.locator("#consultation-map path.map-drawing")).to_have_count(1)
    audit.check(page, "consultation: a line drawn")

    publish(page, text)
    comment = page.locator("#comments li.comment", has_text=text)
    expect(comment).to_contain_text("a line on the map")
    expect(page.locator("#consultation-map path.map-comment--shape")).to_have_count(1)
    line = stored(text).geometry
    assert line["type"] == "LineString" and len(line["coordinates"]) == 3
    assert all(contains_point(demo.consultation.area, latitude=lat, longitude=lon) for lon, lat in line["coordinates"])
    audit.assert_clean()


def test_a_line_reaching_outside_the_area_is_refused_and_kept(citizen_page):
    page = citizen_page
    page.get_by_label("Your comment").fill("Bis weit hinaus.")
    page.get_by_role("link", name="Draw a line").click()
    box = area_box(page)
    click_vertex(page, box, 0.5, 0.5)
    click_vertex(page, box, 0.1, 0.8)  # south of the Gracht by the quay road's western end: outside the area
    page.get_by_role("link", name="Finish").click()
    page.get_by_role("button", name="Publish comment").click()

    expect(page.locator("#geometry-errors")).to_contain_text("reaches outside the area")
    expect(page.get_by_label("Your comment")).to_have_value("Bis weit hinaus.")
    wait_for_map(page)
    expect(page.locator("#consultation-map path.map-drawing")).to_have_count(1)  # drawn again, to correct
    expect(page.locator("#drawing-status")).to_contain_text("A line is drawn")
    audit = PageAudit()
    audit.check(page, "consultation: a refused line")
    audit.assert_clean()


def test_without_javascript_the_search_button_finds_the_object_and_keeps_the_text(
    browser, live_server_process, demo, targets
):
    """The map is not the only way, and neither is the script: "Search" sends the form, which comes back
    with what was found and with what was written; the object is chosen from the list."""
    from django.test import Client

    from tests.support.browser import close_session, open_session

    session = open_session(browser, live_server_process.url, java_script_enabled=False)
    try:
        client = Client()
        client.force_login(outside_event_loop(factories.CitizenFactory, username="ohneskript"))
        session.context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server_process.url}]
        )
        page, target = session.context.new_page(), targets["road"]
        page.goto(demo.consultation.url)
        text = "Ohne Skript geschrieben."
        page.get_by_label("Your comment").fill(text)
        page.get_by_label("Search the twin by name, address or id").fill(target.search)
        page.get_by_label("Search the twin by name, address or id").press("Enter")  # the form's first button

        expect(page.locator("#twin-status")).to_have_text(f"One object found for “{target.search}”.")
        expect(page.get_by_label("Your comment")).to_have_value(text)
        found = page.locator(f"#twin-choice-{target.pk}")  # (by its id: another choice may bear the same words)
        expect(found).to_have_accessible_name(target.label)
        found.check()  # (axe needs scripts: it checks this list with them)
        page.get_by_role("button", name="Publish comment").click()

        expect(page.get_by_role("status").first).to_contain_text("Your comment is published")
        assert stored(text).twin_feature_id == target.pk
    finally:
        close_session(session)
