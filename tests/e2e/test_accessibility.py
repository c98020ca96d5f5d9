"""Accessibility of every page of the slice, in a real browser.

axe-core checks WCAG 2.1 A/AA (and its best practices for landmarks and
headings) on each page in the states citizens meet it: anonymous, logged in
with the forms shown, with form errors, after a vote. What axe cannot judge is
checked by hand: one h1 per page, the skip link, a visible focus on every tab
stop, no horizontal scrolling at 320 CSS pixels (WCAG 1.4.10).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support import factories
from tests.support.browser import (
    PageAudit,
    close_session,
    has_visible_focus,
    open_session,
    ready,
    screenshot,
    tab_through,
    twin_object_path,
    visit,
)

# serialized_rollback: every test starts from the migrated state (the same site and content type ids,
# which the long-lived server caches) and leaves the database empty for the next one that restores it.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def confirmation_key(email: str) -> str:
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC

    user = factories.UserFactory(username=email.split("@")[0], email=email)
    address = EmailAddress.objects.create(user=user, email=email, verified=False, primary=True)
    return EmailConfirmationHMAC(address).key


@pytest.mark.parametrize("ui_language", ["de", "en"])
def test_pages_for_everyone(context, demo, ui_language):
    language = ui_language
    page = context.new_page()
    audit = PageAudit()
    for name, path in [
        ("home", "/"),
        ("consultation", demo.consultation.url),
        ("proposal", demo.proposal.url),
        ("standard page (imprint)", demo.imprint.url),
        ("privacy page", "/datenschutz/"),
        ("kiosk", demo.kiosk_url),
        ("3D view", f"/consultations/{demo.consultation.pk}/3d/"),
    ]:
        visit(page, path)
        audit.check(page, f"{name} [{language}]")
        # WCAG 3.1.2: the page is in the interface's language; what staff wrote is marked as German.
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert page.locator("h1").evaluate("(h1) => h1.closest('[lang]').lang") == "de", name

    # Pages about data, not what staff wrote: their h1 is in the interface's language.
    for name, path in [
        ("twin object", twin_object_path(demo)),
        ("open data", "/open-data/"),
        ("API documentation", "/api/v1/docs/"),
    ]:
        visit(page, path)
        audit.check(page, f"{name} [{language}]")
        expect(page.locator("html")).to_have_attribute("lang", language)

    # A map popup open, as a pointer user sees it (once it has faded in).
    visit(page, demo.consultation.url)
    page.locator("#consultation-map path.map-comment").first.click()
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")
    audit.check(page, f"consultation with a map popup open [{language}]")
    # ... and one of an object of the twin, with its link to the object's page.
    page.locator("#consultation-map path.map-linked").first.click(force=True)
    twin_popup = page.locator(".leaflet-popup", has=page.locator("a[href^='/twin/']"))
    expect(twin_popup).to_have_css("opacity", "1")
    expect(page.locator(".leaflet-popup")).to_have_count(1)  # the comment's has faded out
    audit.check(page, f"consultation with a twin object's popup open [{language}]")
    audit.assert_clean()


def test_account_pages(context, demo):
    page = context.new_page()
    audit = PageAudit()
    for name, path in [
        ("sign-up", "/accounts/signup/"),
        ("login", "/accounts/login/"),
        ("password reset", "/accounts/password/reset/"),
        ("email confirmation", f"/accounts/confirm-email/{confirmation_key('neu@example.org')}/"),
        ("email confirmation, invalid link", "/accounts/confirm-email/not-a-key/"),
    ]:
        visit(page, path)
        audit.check(page, name)

    # The same forms with errors: the messages must be tied to their fields.
    page.goto("/accounts/signup/")
    page.locator("input[name=email]").fill("neu@example.org")  # taken, by the confirmation above
    page.locator("input[name=username]").fill("x")
    page.locator("input[name=password1]").fill("kurz")
    page.locator("input[name=password2]").fill("anders")
    page.get_by_role("main").get_by_role("button").click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    audit.check(page, "sign-up with errors")  # includes: every invalid field points at its message

    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill("niemand@example.org")
    page.locator("input[name=password]").fill("falsches-passwort")
    page.get_by_role("main").get_by_role("button").click()
    expect(page.locator(".errorlist, [role=alert]").first).to_be_visible()
    audit.check(page, "login with an error")

    page.goto("/accounts/password/reset/")
    page.locator("input[name=email]").fill("neu@example.org")
    page.get_by_role("main").get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/done/$"))
    audit.check(page, "password reset sent")
    audit.assert_clean()


def test_pages_with_forms_for_a_logged_in_citizen(context, log_in, demo):
    log_in(factories.CitizenFactory(username="barrierefrei"))
    page = context.new_page()
    audit = PageAudit()

    visit(page, "/")
    audit.check(page, "home, logged in")
    screenshot(page, "home")

    visit(page, demo.consultation.url)
    expect(page.get_by_label("Your comment")).to_be_visible()
    audit.check(page, "consultation with the comment form")
    screenshot(page, "consultation")

    # A comment refused (outside the area): the errors are shown and announced.
    page.get_by_label("Your comment").fill("Weit draußen.")
    page.get_by_label("Latitude").fill("52.0200")
    page.get_by_label("Longitude").fill("4.3800")
    page.get_by_role("button", name="Publish comment").click()
    expect(page.get_by_role("alert").first).to_contain_text("area")
    ready(page)
    audit.check(page, "consultation with a refused comment")

    visit(page, demo.proposal.url)
    expect(page.get_by_role("group", name="Your vote")).to_be_visible()
    audit.check(page, "proposal with the vote form")
    page.get_by_role("radio", name="Oppose").check()
    page.get_by_role("button", name="Vote").click()
    expect(page.get_by_role("status")).to_be_visible()
    ready(page)
    audit.check(page, "proposal after voting")
    screenshot(page, "proposal")

    visit(page, "/accounts/email/")
    audit.check(page, "my account (email addresses)")

    kiosk = context.new_page()
    visit(kiosk, demo.kiosk_url)
    screenshot(kiosk, "kiosk")

    small = context.new_page()
    small.set_viewport_size({"width": 390, "height": 844})
    visit(small, demo.consultation.url)
    screenshot(small, "consultation-phone")
    audit.assert_clean()


def test_the_404_page(browser, production_server, demo):
    """With DEBUG off, as the public gets it (with DEBUG on Django shows its technical page instead)."""
    session = open_session(browser, production_server.url)
    try:
        page = session.context.new_page()
        response = page.goto("/gibt-es-nicht/")
        assert response is not None and response.status == 404
        audit = PageAudit()
        audit.check(page, "404")
        expect(page.get_by_role("main").get_by_role("link")).to_have_attribute("href", "/")
        audit.assert_clean()
    finally:
        close_session(session)


def test_keyboard_skip_link_and_visible_focus(context, log_in, demo):
    page = context.new_page()
    # The skip link: the first tab stop, visible when focused, and it takes the focus to main.
    for path in [
        "/",
        "/accounts/signup/",
        "/accounts/login/",
        demo.consultation.url,
        demo.proposal.url,
        demo.imprint.url,
        twin_object_path(demo),
    ]:
        visit(page, path)
        page.keyboard.press("Tab")
        skip = page.locator(":focus")
        expect(skip).to_have_class(re.compile(r"\bskip-link\b"))
        box = skip.bounding_box()
        assert box and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 20, f"{path}: skip link not visible: {box}"
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == "main", f"{path}: focus did not move to main"
        # The next Tab goes on from main (into it, or past it if it has no link), not back to the header.
        page.keyboard.press("Tab")
        assert page.evaluate(
            """() => {
                const main = document.getElementById("main");
                const active = document.activeElement;
                const after = main.compareDocumentPosition(active) & Node.DOCUMENT_POSITION_FOLLOWING;
                return main.contains(active) || Boolean(after);
            }"""
        ), f"{path}: Tab after the skip link went back before main"

    # Every tab stop shows where the focus is (WCAG 2.4.7), with the forms a citizen gets.
    log_in(factories.CitizenFactory(username="tastatur"))
    problems = []
    for path in ["/", demo.consultation.url, demo.proposal.url, "/accounts/email/", twin_object_path(demo)]:
        visit(page, path)
        stops = tab_through(page)
        assert len(stops) > 5, f"{path}: only {len(stops)} tab stops"
        problems += [f"{path}: {stop}" for stop in stops if not has_visible_focus(stop)]
    assert not problems, "focus not visible on:\n" + "\n".join(problems)


def test_pages_reflow_without_horizontal_scrolling(context, log_in, demo):
    """WCAG 1.4.10: content fits 320 CSS pixels (a 1280 px screen at 400 % zoom)."""
    width = 320
    log_in(factories.CitizenFactory(username="schmal"))
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 640})
    too_wide = {}
    for path in [
        "/",
        demo.consultation.url,
        demo.proposal.url,
        "/accounts/email/",
        demo.imprint.url,
        f"/consultations/{demo.consultation.pk}/3d/",
        twin_object_path(demo),
    ]:
        visit(page, path)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            too_wide[path] = page.evaluate(
                """(width) => [...document.querySelectorAll('body *')]
                    .filter((el) => el.getBoundingClientRect().right > width + 1)
                    .slice(0, 5).map((el) => el.outerHTML.slice(0, 100))""",
                width,
            )
    assert not too_wide, f"pages wider than {width}px: {too_wide}"


@pytest.mark.parametrize("ui_language", ["de", "en"])
def test_the_account_area_by_keyboard(context, log_in, demo, ui_language):
    """ "My account": its menu, the data download and the deletion form, checked by axe and walked by keyboard, with
    the deletion refused for a wrong password (the error shown, nothing deleted)."""
    log_in(factories.CitizenFactory(username=f"konto-{ui_language}"))
    page = context.new_page()
    audit = PageAudit()
    problems = []
    for path in ["/accounts/", "/accounts/contributions/", "/accounts/email/", "/accounts/data/", "/accounts/delete/"]:
        visit(page, path)
        expect(
            page.get_by_role("navigation", name="Mein Konto" if ui_language == "de" else "My account")
        ).to_be_visible()
        audit.check(page, f"{path} [{ui_language}]")
        stops = tab_through(page)
        problems += [f"{path}: {stop}" for stop in stops if not has_visible_focus(stop)]
    assert not problems, "focus not visible on:\n" + "\n".join(problems)

    # The deletion by keyboard: the choice, the password, Enter.
    page.locator("input[name=contributions][value=withdraw]").focus()
    page.keyboard.press("Space")
    page.locator("input[name=password]").focus()
    page.keyboard.type("not my password")
    page.keyboard.press("Enter")
    expect(page.locator(".field-errors")).to_contain_text(
        "Das ist nicht Ihr Passwort." if ui_language == "de" else "This is not your password."
    )
    ready(page)
    audit.check(page, f"deletion refused [{ui_language}]")
    audit.assert_clean()


def test_staff_give_the_site_its_colour_and_name_and_the_pages_stay_accessible(context, log_in, demo):
    """Settings → City and map, in the admin as staff use it: a light colour is refused with its contrast, a
    dark one shows on every page at once (header, buttons, links), which axe still finds readable."""
    from wagtail.models import Site

    log_in(factories.CitizenFactory(username="webteam", is_staff=True, is_superuser=True))
    page = context.new_page()
    site = Site.objects.get(is_default_site=True)
    visit(page, f"/admin/settings/participation/cityprofile/{site.pk}/")
    page.locator("#id_city_name").fill("Lemgo")
    page.locator("#id_brand_colour").fill("#ffd700")
    page.locator("form button[type=submit]").filter(has_text=re.compile("Save|Speichern")).first.click()
    expect(page.get_by_text(re.compile("too light|zu hell")).first).to_be_visible()

    page.locator("#id_brand_colour").fill("#1d6b2f")
    page.locator("form button[type=submit]").filter(has_text=re.compile("Save|Speichern")).first.click()
    expect(page.get_by_text(re.compile("too light|zu hell"))).to_have_count(0)

    audit = PageAudit()
    for name, path in [("home", "/"), ("consultation", demo.consultation.url)]:
        visit(page, path)
        expect(page.locator(".site-header__brand")).to_contain_text("Lemgo")
        expect(page.locator(".site-header")).to_have_css("background-color", "rgb(29, 107, 47)")
        audit.check(page, f"{name} in the site's colour")
    screenshot(page, "city-profile-consultation")
    audit.assert_clean()
