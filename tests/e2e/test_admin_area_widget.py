"""The consultation's area map in the admin, in a real browser: scrolled under the sticky save bar, the map
stays beneath it (Leaflet's own layers sit high in the stacking order), so the bar's buttons stay usable."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_area_map_never_covers_the_save_bar(context, log_in, demo):
    log_in(factories.UserFactory(username="redakteurin", is_staff=True, is_superuser=True))
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"/admin/pages/{demo.consultation.pk}/edit/")
    area_map = page.locator(".area-widget__map")
    expect(area_map.locator(".leaflet-pane").first).to_be_attached()
    save_bar = page.locator("footer.footer").first
    expect(save_bar).to_be_visible()
    bar = save_bar.bounding_box()
    assert bar and bar["height"] > 0

    # Scroll the map under the bar with the mouse wheel, as an editor would (over the form, not the map, which
    # takes the wheel for zooming), then ask what lies on top at points across the bar.
    area_map.scroll_into_view_if_needed()
    page.mouse.move(bar["x"] + 20, 120)
    page.mouse.wheel(0, area_map.bounding_box()["y"] - (bar["y"] - 100))
    page.wait_for_timeout(300)
    overlap = page.evaluate(
        """() => {
            const bar = document.querySelector("footer.footer").getBoundingClientRect();
            const map = document.querySelector(".area-widget__map").getBoundingClientRect();
            const y = bar.top + bar.height / 2;
            const under = map.top < y && map.bottom > y;
            const onTop = [0.1, 0.3, 0.5, 0.7, 0.9].map((f) => document.elementFromPoint(bar.left + f * bar.width, y));
            return { under, covered: onTop.filter((el) => el && el.closest(".area-widget__map")).length };
        }"""
    )
    assert overlap["under"], "the map was not scrolled under the save bar"
    assert overlap["covered"] == 0, "the area map lies over the save bar"
    # The bar's first button can be clicked where it is drawn.
    assert page.evaluate(
        """() => {
            const button = document.querySelector("footer.footer button");
            const box = button.getBoundingClientRect();
            const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
            return Boolean(hit && button.contains(hit));
        }"""
    ), "the save bar's button is covered"
