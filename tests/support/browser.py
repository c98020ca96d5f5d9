"""Helpers of the browser tests (tests/e2e/): Debian's chromium, sessions, axe-core runs, the mail folder,
keyboard focus, every request a page makes, and the ORM beside Playwright's event loop."""

from __future__ import annotations

import contextlib
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from django.db import connections
from playwright.sync_api import Browser, BrowserContext, Page, expect
from playwright.sync_api import Error as PlaywrightError

# Debian's chromium, headless, offline: no background connections, no GPU, no sandbox (containers).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# WebGL on the CPU, for the 3D twin: ANGLE on SwiftShader. Chromium falls back to it on its own today, but
# says that this fallback goes away; asked for by name it stays (--enable-unsafe-swiftshader: meant for tests).
WEBGL_ARGS = [arg for arg in CHROMIUM_ARGS if arg != "--disable-gpu"] + [
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]
WEBGL_READY = 30_000  # ms: SwiftShader compiles MapLibre's shaders on two CPU cores

# What the site promises: WCAG 2.1 A and AA (EN 301 549 / BITV 2.0). "best-practice" adds axe's
# checks of landmarks, heading order and one h1 per page, which WCAG implies but axe files apart;
# "wcag22aa" adds WCAG 2.2's target size, which the site meets as well.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

SHOTS_DIR = Path("/tmp/e2e-shots")
LOCAL_ONLY = re.compile(r"^(?!https?://127\.0\.0\.1:\d+/)")

_axe = Axe()


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core (shipped inside axe-playwright-python) on the page as it is now."""
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    return _axe.run(page, options=options).response["violations"]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']} [{violation['helpUrl']}]")
        for node in violation["nodes"][:5]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"      {', '.join(map(str, node['target']))}: {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"      ... and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


# A field marked invalid must point (aria-describedby) at a message that says what is wrong.
UNTIED_ERRORS_JS = """() => [...document.querySelectorAll('[aria-invalid="true"]')]
  .filter((field) => !(field.getAttribute("aria-describedby") || "").split(/\\s+/).some((id) => {
    const target = id && document.getElementById(id);
    return target && target.textContent.trim();
  }))
  .map((field) => field.outerHTML.slice(0, 160))"""


@dataclass
class PageAudit:
    """Collects what is wrong on every page of a walk, so one run reports all of it."""

    problems: dict[str, list[str]] = field(default_factory=dict)
    audited: list[str] = field(default_factory=list)

    def check(self, page: Page, name: str) -> None:
        # After a click that navigates, the new DOM can be there before its stylesheet: axe would measure an
        # unstyled page (target sizes, contrast) that nobody sees.
        page.wait_for_load_state("load")
        found = []
        violations = axe_violations(page)
        if violations:
            found.append(f"axe found {len(violations)} violation(s):\n{describe_violations(violations)}")
        untied = page.evaluate(UNTIED_ERRORS_JS)
        if untied:
            found.append(f"fields marked invalid without a message tied to them (aria-describedby): {untied}")
        h1_count = page.locator("h1").count()
        if h1_count != 1:
            found.append(f"has {h1_count} h1 elements, not exactly one")
        if not page.title().strip():
            found.append("has an empty <title>")
        self.audited.append(name)
        if found:
            self.problems[f"{name} ({page.url})"] = found

    def assert_clean(self) -> None:
        report = "\n".join(f"{name}:\n" + "\n".join(f"  - {p}" for p in found) for name, found in self.problems.items())
        assert not self.problems, f"accessibility problems on {len(self.problems)} page(s):\n{report}"


def visit(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.ok, f"{path} answered {response.status if response else 'nothing'}"
    ready(page)


def ready(page: Page) -> None:
    """Wait for what scripts add to a page, so a check sees it as people do."""
    if page.locator("body.kiosk").count():
        # A kiosk draws its map and 3D twin only when their scene is up: test_kiosk audits each scene.
        wait_for_kiosk(page)
        return
    if page.locator("#consultation-map").count():
        wait_for_map(page)
        wait_for_twin(page)
    if page.locator("#twin-map").count():
        wait_for_twin_map(page)
    if page.locator("#scene-map").count():  # the 3D view: drawn, or replaced by its message
        state = re.compile(r"^(ready|unavailable)$")
        expect(page.locator("#scene-map")).to_have_attribute("data-state", state, timeout=WEBGL_READY)


def twin_object_path(demo) -> str:
    """The page of an object of the twin the demo consultation is about (the Delft model imported if need be)."""

    def find() -> str:
        from participation.models import ConsultationTwinFeature, TwinFeature
        from participation.services import import_twin_file
        from tests.support.twin_files import DELFT

        link = ConsultationTwinFeature.objects.filter(page=demo.consultation).order_by("sort_order").first()
        if link is None:  # a demo without the twin: tie an object of the model to the consultation
            import_twin_file(path=DELFT)
            link = ConsultationTwinFeature.objects.create(
                page=demo.consultation, twin_feature=TwinFeature.objects.filter(kind="building").first()
            )
        return f"/twin/{link.twin_feature_id}/"

    return outside_event_loop(find)


def wait_for_map(page: Page, features: int | None = None) -> None:
    """The consultation map has drawn its area and the pins loaded from the API."""
    map_node = page.locator("#consultation-map")
    expect(map_node).to_have_attribute("data-loaded", re.compile(r"^\d+$") if features is None else str(features))
    expect(map_node.locator(".leaflet-control-zoom-in")).to_be_visible()


def wait_for_basemap(page: Page, selector: str = "#consultation-map") -> None:
    """A map has drawn the twin's tiles in its view (static/participation/twin-basemap.js), with objects in them."""
    node = page.locator(selector)
    expect(node).to_have_attribute("data-basemap", "loaded")
    expect(node).to_have_attribute("data-basemap-features", re.compile(r"^[1-9]\d*$"))


def wait_for_twin(page: Page) -> None:
    """The consultation map has drawn the twin as its base map."""
    wait_for_basemap(page, "#consultation-map")


def wait_for_twin_map(page: Page) -> None:
    """An object's page has drawn its small map, on the twin."""
    expect(page.locator("#twin-map")).to_have_attribute("data-loaded", "1")
    expect(page.locator("#twin-map .leaflet-control-zoom-in")).to_be_visible()
    wait_for_basemap(page, "#twin-map")


# twin-basemap.js' colours: the ground where the twin has nothing, and the buildings' fill.
BASEMAP_BACKGROUND = (244, 241, 234)
BASEMAP_BUILDING = (217, 207, 196)


def basemap_pixels(page: Page, selector: str) -> dict:
    """The pixels of a map's twin tiles: how many in all, how many drawn on (not the bare ground), how
    many in the buildings' colour."""
    return page.evaluate(
        """([selector, background, building]) => {
            const like = (data, i, colour) => colour.every((value, k) => Math.abs(data[i + k] - value) <= 2);
            const count = { total: 0, drawn: 0, building: 0 };
            document.querySelectorAll(selector + " canvas.twin-basemap-tile").forEach((canvas) => {
                const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
                for (let i = 0; i < data.length; i += 4) {
                    count.total += 1;
                    if (data[i + 3] > 0 && !like(data, i, background)) count.drawn += 1;
                    if (like(data, i, building)) count.building += 1;
                }
            });
            return count;
        }""",
        [selector, list(BASEMAP_BACKGROUND), list(BASEMAP_BUILDING)],
    )


def assert_twin_drawn(page: Page, selector: str) -> None:
    """The map shows the twin: objects drawn from its tiles, among them buildings, not a bare canvas."""
    wait_for_basemap(page, selector)
    pixels = basemap_pixels(page, selector)
    assert pixels["total"] > 0, f"no twin tiles on {selector}"
    assert pixels["drawn"] > 0.05 * pixels["total"], f"the twin's tiles on {selector} are nearly empty: {pixels}"
    assert pixels["building"] > 0.005 * pixels["total"], f"no buildings drawn on {selector}: {pixels}"


def map_point(page: Page, area: dict, lon: float, lat: float) -> tuple[float, float]:
    """Where a place lies in the viewport on the consultation map, from its area as drawn: the outline's box
    on the screen is the area's box of longitudes and latitudes (linear enough at a city's scale)."""
    outline = page.locator("#consultation-map path.map-area")
    outline.scroll_into_view_if_needed()
    box = outline.bounding_box()
    assert box and box["width"] > 40 and box["height"] > 40, f"the area is not drawn on the map: {box}"
    ring = area["coordinates"][0]
    lons, lats = [point[0] for point in ring], [point[1] for point in ring]
    x = (lon - min(lons)) / (max(lons) - min(lons))
    y = (max(lats) - lat) / (max(lats) - min(lats))
    return box["x"] + x * box["width"], box["y"] + y * box["height"]


def click_ground(page: Page, x: float, y: float, selector: str = "#consultation-map") -> None:
    """Click the map's ground (the twin's tiles) at a point of the viewport, where no marker, shape, control
    or popup of the map lies over it."""
    over = page.evaluate(
        """([x, y, selector]) => {
            const hit = document.elementFromPoint(x, y);
            if (!hit || !hit.closest(selector)) return "outside the map: " + (hit && hit.outerHTML.slice(0, 80));
            const cover = hit.closest(".leaflet-interactive, .leaflet-marker-icon, .leaflet-control, .leaflet-popup");
            return cover ? cover.outerHTML.slice(0, 120) : null;
        }""",
        [x, y, selector],
    )
    assert over is None, f"something lies over the ground at ({x:.0f}, {y:.0f}): {over}"
    page.mouse.click(x, y)


def wait_for_phone(page: Page, state: str = "live") -> None:
    """The phone page of a room is live (its socket is open), or polling where sockets are blocked."""
    expect(page.locator("#room-status")).to_have_attribute("data-state", state)


def wait_for_kiosk(page: Page) -> None:
    expect(page.locator("#kiosk-status")).to_have_attribute("data-state", "live")


def confirmation_link(mail_dir: Path, email: str, timeout: float = 10) -> str:
    """The confirm link of the newest mail to ``email`` written by Django's file-based backend."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True):
            text = path.read_text(encoding="utf-8", errors="replace")
            if f"To: {email}" not in text:
                continue
            match = re.search(r"https?://127\.0\.0\.1:\d+/accounts/confirm-email/[^\s/]+/", text)
            assert match, f"no confirm link in the mail to {email}:\n{text}"
            return match.group(0)
        time.sleep(0.1)
    raise AssertionError(f"no mail to {email} in {mail_dir} within {timeout}s: {sorted(mail_dir.iterdir())}")


FOCUS_STYLE_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const again = el.dataset.e2eFocused === "1";
  el.dataset.e2eFocused = "1";
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  return {
    again,
    element: el.outerHTML.slice(0, 160),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth) || 0,
    boxShadow: style.boxShadow,
    inViewport: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.right > 0
      && rect.top < window.innerHeight && rect.left < window.innerWidth,
  };
}"""


def tab_through(page: Page, limit: int = 80) -> list[dict]:
    """Press Tab from the top of the page until focus leaves it or comes round again; the focused elements' styles."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    stops: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        style = page.evaluate(FOCUS_STYLE_JS)
        if style is None or style["again"]:
            break
        stops.append(style)
    return stops


def has_visible_focus(style: dict) -> bool:
    outline = style["outlineStyle"] != "none" and style["outlineWidth"] >= 2
    shadow = style["boxShadow"] not in ("", "none")
    return (outline or shadow) and style["inViewport"]


def screenshot(page: Page, name: str) -> Path:
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    path = SHOTS_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path


# In every document, before its scripts: each securitypolicyviolation event goes to the test (open_session).
REPORT_POLICY_VIOLATIONS_JS = """document.addEventListener("securitypolicyviolation", (event) => {
  window.reportPolicyViolation({
    page: document.location.href,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
  });
});"""


@dataclass
class BrowserSession:
    context: BrowserContext
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def open_session(browser: Browser, base_url: str, *, language: str = "en", **options) -> BrowserSession:
    context = browser.new_context(
        base_url=base_url,
        viewport=options.pop("viewport", {"width": 1280, "height": 900}),
        locale={"de": "de-DE", "en": "en-US"}.get(language, language),
        timezone_id="Europe/Berlin",
        **options,
    )
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(15_000)
    session = BrowserSession(context=context)

    def block(route):
        session.blocked.append(route.request.url)
        route.abort()

    context.route(LOCAL_ONLY, block)  # only 127.0.0.1 traffic, and we want to know of any other
    context.on(
        "weberror", lambda error: session.errors.append(f"{error.page.url if error.page else ''}: {error.error}")
    )

    def console(message):
        # A failed load is reported below with its URL; a page answered 4xx on purpose is the test's business.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            session.errors.append(f"console error: {message.text} ({message.location.get('url')})")

    def response(response):
        if response.status >= 400 and response.request.resource_type != "document":
            session.errors.append(f"{response.request.resource_type} {response.url} answered {response.status}")

    def policy_violation(source, violation: dict) -> None:
        session.errors.append(
            f"Content-Security-Policy violated on {violation['page']}: {violation['directive']} refused "
            f"{violation['blocked'] or 'an inline script or style'} ({violation['source']}:{violation['line']})"
        )

    context.on("console", console)
    context.on("response", response)
    # Every refusal of the site's Content-Security-Policy fails the test, also one the console would not name.
    context.expose_binding("reportPolicyViolation", policy_violation)
    context.add_init_script(REPORT_POLICY_VIOLATIONS_JS)
    return session


def close_session(session: BrowserSession, *, failed_test: str | None = None) -> None:
    if failed_test:  # what the browser showed when the test failed, for the one who reads the report
        SHOTS_DIR.mkdir(parents=True, exist_ok=True)
        for number, page in enumerate(session.context.pages):
            with contextlib.suppress(PlaywrightError):
                page.screenshot(path=str(SHOTS_DIR / f"failed-{failed_test}-{number}.png"), full_page=True)
    session.context.close()
    assert not session.blocked, f"pages asked for something not on 127.0.0.1: {session.blocked}"
    assert not session.errors, "errors in the browser:\n" + "\n".join(session.errors)


def outside_event_loop(function, *args, **kwargs):
    """Run ``function`` in a worker thread, where no event loop runs: writes that publish live
    frames (async_to_sync) cannot run in the thread Playwright's loop runs in."""

    def call():
        try:
            return function(*args, **kwargs)
        finally:
            connections.close_all()  # this thread's connections; a left-open one blocks the flush

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result(timeout=60)


def carry_test_database_state(before: dict) -> None:
    """Inside Playwright's sync API, Django's per-context connection handler hands out new
    connection objects, which lack what the test run put on the originals: the serialized
    migrated state. Without it, serialized_rollback restores nothing and the flush after each
    test re-creates content types, which breaks later tests that restore that state."""
    for alias, original in before.items():
        current = connections[alias]
        if current is not original and hasattr(original, "_test_serialized_contents"):
            current._test_serialized_contents = original._test_serialized_contents


# Elements whose address the browser loads by itself; resource hints (preconnect, dns-prefetch) open a
# connection without a request event, so the page is read for them too.
LOADED_ADDRESSES_JS = """() => {
  const hints = /(^|\\s)(stylesheet|icon|preconnect|dns-prefetch|prefetch|preload|modulepreload|manifest)(\\s|$)/i;
  const found = [...document.querySelectorAll("link[href]")]
    .filter((link) => hints.test(link.rel)).map((link) => link.href);
  for (const [selector, attribute] of [
    ["script[src], img[src], iframe[src], source[src], video[src], audio[src], embed[src], track[src]", "src"],
    ["object[data]", "data"], ["video[poster]", "poster"],
  ]) {
    for (const element of document.querySelectorAll(selector)) {
      found.push(new URL(element.getAttribute(attribute), document.baseURI).href);
    }
  }
  return found;
}"""


@dataclass
class RequestLog:
    """Every request and WebSocket the pages of a browser context open, with the step of a walk it happened
    in (``at``); ``calls_out`` lists those to any host but the site's own."""

    own: str  # scheme://host:port of the site
    at: str = "start"
    seen: list[tuple[str, str]] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> RequestLog:
        context.on("request", lambda request: self.seen.append((self.at, request.url)))
        context.on("page", self._watch_sockets)
        for page in context.pages:
            self._watch_sockets(page)
        return self

    def _watch_sockets(self, page: Page) -> None:
        page.on("websocket", lambda socket: self.seen.append((self.at, socket.url)))

    def read_page(self, page: Page) -> None:
        """What the page's elements load or connect to, as the browser would (also hints without a request)."""
        self.seen.extend((f"{self.at} (in the page)", address) for address in page.evaluate(LOADED_ADDRESSES_JS))

    def is_own(self, address: str) -> bool:
        parts, own = urlsplit(address), urlsplit(self.own)
        if parts.scheme in ("data", "blob", "about"):
            return True
        same_scheme = parts.scheme in ("http", "ws") if own.scheme == "http" else parts.scheme in ("https", "wss")
        return same_scheme and parts.netloc == own.netloc

    def calls_out(self) -> list[str]:
        return sorted({f"{at}: {address}" for at, address in self.seen if not self.is_own(address)})

    def requested(self, fragment: str) -> bool:
        return any(fragment in address for _, address in self.seen)


def paste_text(page: Page, selector: str, text: str) -> None:
    """A paste as the browser delivers it: a paste event carrying the clipboard's text."""
    page.eval_on_selector(
        selector,
        """(field, text) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            const event = new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true });
            // As the browser does: the text goes in, with an input event, only if no handler refused it.
            if (field.dispatchEvent(event)) {
                field.setRangeText(text, field.selectionStart, field.selectionEnd, "end");
                field.dispatchEvent(new Event("input", { bubbles: true }));
            }
        }""",
        text,
    )
