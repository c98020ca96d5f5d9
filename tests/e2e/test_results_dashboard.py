"""The results dashboard in a real browser: the demo's finished consultation ("Mehr Licht an der Gracht")
publishes its results; its dashboard on the site passes axe-core, draws its charts as SVG with a table beside
each and links the download; staff see the same figures in the admin. Screenshots of both go to
/tmp/dashboard-site.png and /tmp/dashboard-admin.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support import factories
from tests.support.browser import PageAudit, outside_event_loop, visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SITE_SHOT = "/tmp/dashboard-site.png"
ADMIN_SHOT = "/tmp/dashboard-admin.png"


def finished(demo):
    from participation.models import ConsultationPage

    return ConsultationPage.objects.get(slug="licht-an-der-gracht")


def test_the_public_dashboard_passes_axe_and_the_admin_shows_the_same_figures(context, demo, log_in):
    consultation = outside_event_loop(finished, demo)
    page = context.new_page()
    audit = PageAudit()

    visit(page, consultation.url)
    page.get_by_role("link", name="See the results: charts and figures").click()
    expect(page).to_have_url(f"{page.url.split('/consultations/')[0]}/consultations/{consultation.pk}/results/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mehr Licht an der Gracht")
    charts = page.get_by_role("img")
    expect(charts).to_have_count(3)
    expect(page.get_by_role("img", name="Votes per proposal, by channel")).to_be_visible()
    expect(page.locator("table.chart-table")).to_have_count(3)
    expect(page.get_by_role("link", name="Download the results as open data (ZIP: CSV, GeoJSON)")).to_be_visible()
    expect(page.locator(".dashboard-places li").first).to_contain_text("2 contributions")
    audit.check(page, "results dashboard [en]")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=SITE_SHOT, full_page=True, animations="disabled")

    page.get_by_role("link", name="on the map").first.click()
    expect(page.locator("#twin-map")).to_be_visible()

    log_in(outside_event_loop(factories.presenter))
    visit(page, f"/admin/results/{consultation.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Results: Mehr Licht an der Gracht")
    expect(page.get_by_role("img")).to_have_count(3, timeout=10_000)
    expect(page.get_by_text("The results are published")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 2400})  # the admin scrolls inside: all of it in the picture
    page.screenshot(path=ADMIN_SHOT, full_page=True, animations="disabled")
    audit.assert_clean()
