"""A citizen's whole way through the site, in a real browser against a real server.

Sign up, confirm the address from the mail, comment with a pin set on the map
(by clicking it, and by typing coordinates), vote, and watch the kiosk in the
room count the vote live.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import confirmation_link, wait_for_kiosk, wait_for_map
from tests.support.factories import CitizenFactory

# serialized_rollback: every test starts from the migrated state (the same site and content type ids,
# which the long-lived server caches) and leaves the database empty for the next one that restores it.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DEMO_PINS = 4  # the demo's located comments in "Ein neuer Platz am Wasser"
PASSWORD = "Gracht-und-Altstadt-2031"


def sign_up_and_confirm(page: Page, mail_dir, *, email: str, username: str) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    # By their labels, as a screen reader finds them (which also checks the labels are tied to the fields).
    page.get_by_role("textbox", name=re.compile(r"^e-?mail", re.I)).fill(email)
    page.get_by_role("textbox", name=re.compile(r"^(public name|username)", re.I)).fill(username)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Password \(again\):?$")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign Up").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    link = confirmation_link(mail_dir, email)
    page.goto(link)
    expect(page.get_by_role("main")).to_contain_text(email)
    page.get_by_role("main").get_by_role("button", name="Confirm").click()

    # ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION: the same browser is now logged in.
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    expect(nav.get_by_role("link", name="Log in")).to_have_count(0)


def area_point(page: Page, x: float, y: float) -> dict:
    """A point in the viewport at fractions (x from the west, y from the north) of the area as drawn on the map."""
    area = page.locator("#consultation-map path.map-area")
    area.scroll_into_view_if_needed()
    box = area.bounding_box()
    assert box and box["width"] > 40 and box["height"] > 40, f"the area is not drawn on the map: {box}"
    return {"x": box["x"] + x * box["width"], "y": box["y"] + y * box["height"]}


def area_bounds(area: dict) -> tuple[float, float, float, float]:
    """(min_lat, min_lon, max_lat, max_lon) of a GeoJSON polygon."""
    ring = area["coordinates"][0]
    lats, lons = [point[1] for point in ring], [point[0] for point in ring]
    return min(lats), min(lons), max(lats), max(lons)


def assert_fields_inside(page: Page, area: dict) -> tuple[float, float]:
    """The latitude/longitude fields hold numbers inside the area."""
    min_lat, min_lon, max_lat, max_lon = area_bounds(area)
    latitude = float(page.get_by_label("Latitude").input_value())
    longitude = float(page.get_by_label("Longitude").input_value())
    assert min_lat < latitude < max_lat, latitude
    assert min_lon < longitude < max_lon, longitude
    return latitude, longitude


def test_citizen_signs_up_comments_on_the_map_and_votes_live_on_the_kiosk(context, live_server_process, demo):
    page = context.new_page()
    token = uuid.uuid4().hex[:8]
    username = f"buerger{token}"
    sign_up_and_confirm(page, live_server_process.mail_dir, email=f"{username}@example.org", username=username)

    # The consultation, from the home page.
    page.get_by_role("link", name=demo.consultation.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.consultation.title)
    wait_for_map(page, features=DEMO_PINS)

    # A comment pinned by clicking the map inside the area (north-east, among the houses by the pedestrian zone,
    # away from the demo's pins).
    text = f"Mehr Fahrradbügel am Ufer, bitte ({token})."
    page.get_by_label("Your comment").fill(text)
    click_at = area_point(page, 0.7, 0.3)
    page.mouse.click(click_at["x"], click_at["y"])
    latitude, longitude = assert_fields_inside(page, demo.consultation.area)
    min_lat, min_lon, max_lat, max_lon = area_bounds(demo.consultation.area)
    assert latitude > (min_lat + max_lat) / 2 and longitude > (min_lon + max_lon) / 2  # where it was clicked
    expect(page.locator("#consultation-map .leaflet-marker-icon")).to_have_count(1)
    page.get_by_role("button", name="Publish comment").click()

    expect(page.get_by_role("status")).to_contain_text("Your comment is published")
    new_comment = page.locator("#comments li.comment", has_text=text)
    expect(new_comment).to_have_count(1)
    expect(new_comment).to_contain_text(username)
    expect(new_comment).to_contain_text("pinned on the map")
    # ... and on the map: one more feature, drawn as a marker whose popup tells the comment.
    wait_for_map(page, features=DEMO_PINS + 1)
    expect(page.locator("#consultation-map path.map-comment")).to_have_count(DEMO_PINS + 1)
    click_at = area_point(page, 0.7, 0.3)
    page.mouse.click(click_at["x"], click_at["y"])
    expect(page.locator("#consultation-map .leaflet-popup-content")).to_have_text(text)

    # The kiosk in the room is showing before the vote.
    kiosk = context.new_page()
    kiosk.goto(demo.kiosk_url)
    wait_for_kiosk(kiosk)
    support = kiosk.locator(f'[data-proposal="{demo.proposal.pk}"] dd[data-choice="support"]')
    before = int(support.text_content())  # the demo screen shows the poll: the results are drawn, not shown
    kiosk.evaluate("() => { window.__sameDocument = true; }")

    # Vote "support" on a proposal.
    page.bring_to_front()
    page.get_by_role("region", name="Proposals").get_by_role("link", name=demo.proposal.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.proposal.title)
    page.get_by_role("radio", name="Support").check()
    page.get_by_role("button", name="Vote").click()
    expect(page.get_by_role("status")).to_contain_text("Your vote is counted")
    expect(page.locator(f'[data-proposal-totals="{demo.proposal.pk}"] .support strong')).to_have_text(str(before + 1))
    expect(page.get_by_role("radio", name="Support")).to_be_checked()

    # The kiosk counted it within a couple of seconds, without reloading.
    expect(support).to_have_text(str(before + 1), timeout=3_000)
    assert kiosk.evaluate("() => window.__sameDocument === true"), "the kiosk reloaded instead of redrawing"


def typing_a_comment(context, log_in, demo, *, username: str, text: str) -> Page:
    """A citizen on the consultation's page, the comment typed into its field by keyboard."""
    log_in(CitizenFactory(username=username))
    page = context.new_page()
    page.goto(demo.consultation.url)
    wait_for_map(page, features=DEMO_PINS)
    page.get_by_label("Your comment").focus()
    page.keyboard.type(text)
    return page


def test_a_comment_is_pinned_by_typing_coordinates(context, log_in, demo):
    """The map is not the only way to set a pin: the coordinates can be typed, and the map follows."""
    text = "Eine Bank unter der Linde, getippt statt geklickt."
    page = typing_a_comment(context, log_in, demo, username="tastatur", text=text)
    page.get_by_label("Latitude").focus()
    page.keyboard.type("52.0121")
    page.get_by_label("Longitude").focus()
    page.keyboard.type("4.3655")
    expect(page.locator("#consultation-map .leaflet-marker-icon")).to_have_count(1)  # the map shows the typed pin

    # "Remove the pin" empties both fields and takes the pin off the map; typing it again brings it back.
    page.get_by_role("button", name="Remove the pin").click()
    expect(page.get_by_label("Latitude")).to_have_value("")
    expect(page.locator("#consultation-map .leaflet-marker-icon")).to_have_count(0)
    page.get_by_label("Latitude").fill("52.0121")
    page.get_by_label("Longitude").fill("4.3655")
    expect(page.locator("#consultation-map .leaflet-marker-icon")).to_have_count(1)

    page.get_by_role("button", name="Publish comment").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Your comment is published")
    expect(page.locator("#comments li.comment", has_text=text)).to_contain_text("pinned on the map")
    wait_for_map(page, features=DEMO_PINS + 1)

    # A typed place outside the area is refused with a message tied to the fields, and the text is kept.
    page.get_by_label("Your comment").fill("Weit draußen.")
    page.get_by_label("Latitude").fill("52.0200")
    page.get_by_label("Longitude").fill("4.3800")
    page.get_by_role("button", name="Publish comment").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Your comment")).to_have_value("Weit draußen.")
    wait_for_map(page, features=DEMO_PINS + 1)


def test_a_comment_is_pinned_on_the_map_by_keyboard_alone(context, log_in, demo):
    """Focus the map, move it under its cross with the arrow keys, Enter sets the pin there and says so."""
    text = "Hier, mit den Pfeiltasten gesetzt."
    page = typing_a_comment(context, log_in, demo, username="pfeiltasten", text=text)

    # Tab along until the map has the focus, as a keyboard user would (past the comments' links to the twin
    # objects they are about, and the page's own links to them).
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "consultation-map":
            break
    else:
        pytest.fail("the map cannot be reached with Tab")
    described = page.locator("#consultation-map").get_attribute("aria-describedby")
    assert "map-keyboard-help" in described
    centre = page.evaluate("() => document.activeElement.getBoundingClientRect().toJSON()")
    # The map opens on the middle of the area's box, by the pedestrian zone: one step east, onto the houses
    # by the square. (Leaflet ignores an arrow key while the map still moves from the last one.)
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(600)  # the pan animation
    page.keyboard.press("Enter")

    _latitude, longitude = assert_fields_inside(page, demo.consultation.area)
    _south, west, _north, east = area_bounds(demo.consultation.area)
    assert longitude > (west + east) / 2 + 0.0001  # moved east, by 7 m or more
    expect(page.locator("#consultation-map .leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("#map-announce")).to_contain_text("Pin set at latitude")
    # The pin sits under the cross in the map's middle.
    marker = page.locator("#consultation-map .leaflet-marker-icon").bounding_box()
    assert abs(marker["x"] + marker["width"] / 2 - (centre["x"] + centre["width"] / 2)) < 3
    assert abs(marker["y"] + marker["height"] - (centre["y"] + centre["height"] / 2)) < 3

    for _ in range(60):  # on to the button, still by keyboard
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim()") == "Publish comment":
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Your comment is published")
    expect(page.locator("#comments li.comment", has_text=text)).to_contain_text("pinned on the map")
