"""Screenshots of the site as people see it: the forum room (every kiosk scene at 1920x1080 and one in
portrait, the phone at 390x844, the touch terminal and the presenter console) and the maps, where the city
model is the base map (a consultation's map, a twin object's page, the admin's area widget).

    make screenshots            # writes var/screenshots/*.png

A fresh demo in a temporary folder (never the operator's var/), served by uvicorn on a free port, driven by
the demo's own services (the presenter's choices) and photographed by Debian's headless chromium. Nothing
leaves the machine.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# As the browser tests launch it (tests/support/browser.py), with WebGL in software for the 3D twin.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]
LANDSCAPE = {"width": 1920, "height": 1080}
PORTRAIT = {"width": 1080, "height": 1920}
PHONE = {"width": 390, "height": 844}
# Every scene of a kiosk, in the order the presenter would show them; the twin draws in software, slowly.
SCENES = [
    ("join", 2),
    ("pause", 2),
    ("poll", 2),
    ("words", 3),
    ("questions", 2),
    ("proposal", 2),
    ("results", 2),
    ("wall", 2),
    ("map", 5),
    ("twin", 25),
]

# What the room answers to the demo's word cloud and question round (the demo itself leaves them empty).
WORDS = ["Schatten", "Bänke", "Schatten", "Wasser", "Ruhe", "Bäume", "Schatten", "Café", "Bänke", "Licht"]
QUESTIONS = [
    ("Wann beginnen die Bauarbeiten?", 5),
    ("Bleibt der Wochenmarkt während des Umbaus?", 3),
    ("Wie viele Parkplätze fallen weg?", 1),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@contextmanager
def served(env: dict, port: int):
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "forum.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--ws",
            "websockets-sansio",
            "--no-access-log",
            "--no-proxy-headers",  # as deploy/bin/asgi: the client's address is Django's (TRUSTED_PROXIES)
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            sys.exit("the server did not start")
        yield
    finally:
        server.terminate()
        server.wait(timeout=10)


class Presenter:
    """The presenter's choices, made through the services in this process (the server notices by its heartbeat).

    On a thread of its own: Playwright's sync API runs an event loop, where Django refuses database work.
    """

    def __init__(self):
        self.worker = ThreadPoolExecutor(max_workers=1)
        self.worker.submit(self._load).result()

    def _load(self):
        from django.contrib.auth import get_user_model

        from forum import selectors

        self.selectors = selectors
        self.admin = get_user_model().objects.get(username="admin")
        self.room = selectors.open_rooms().first()

    def _poll(self, kind: str):
        from participation.models import Poll

        return Poll.objects.filter(consultation_id=self.room.consultation_id, kind=kind).order_by("position").first()

    def _voices(self, poll) -> None:
        """What a room says into a word cloud or a question round, so the scene shows it in use."""
        from participation import selectors
        from participation import services as participation
        from participation.models import Channel, ModerationState, PollKind

        if poll.kind == PollKind.WORDS and not selectors.poll_results(poll=poll)["participants"]:
            for word in WORDS:
                phone = participation.device_participant(key=participation.new_participant_key())
                participation.answer_poll(participant=phone, poll=poll, channel=Channel.PHONE, text=word)
        if poll.kind == PollKind.QUESTIONS and not poll.questions.exists():
            for text, upvotes in QUESTIONS:
                phone = participation.device_participant(key=participation.new_participant_key())
                question = participation.ask_question(participant=phone, poll=poll, text=text, channel=Channel.PHONE)
                participation.moderate_question(moderator=self.admin, question=question, state=ModerationState.APPROVED)
                for _ in range(upvotes):
                    voter = participation.device_participant(key=participation.new_participant_key())
                    participation.upvote_question(participant=voter, question=question)

    def show(self, scene: str) -> None:
        self.worker.submit(self._show, scene).result()

    def _show(self, scene: str) -> None:
        from forum import services
        from participation import services as participation
        from participation.models import PollState

        poll = proposal = None
        kind = {"poll": "single", "words": "words", "questions": "questions"}.get(scene)
        if kind:
            poll = self._poll(kind)
            if poll.state != PollState.OPEN:
                participation.set_poll_state(presenter=self.admin, poll=poll, state=PollState.OPEN)
            if not poll.revealed and kind != "questions":
                participation.reveal_poll(presenter=self.admin, poll=poll)
            self._voices(poll)
            scene = "poll"
        if scene == "proposal":
            from participation.selectors import proposals_of

            proposal = proposals_of(self.room.consultation.specific).first()
        room = self.selectors.room_by_id(pk=self.room.pk)
        services.show_in_room(presenter=self.admin, room=room, scene=scene, poll=poll, proposal=proposal)


def shoot(out: Path, base: str, var: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    # The demo keeps each device's path with its key (seed_demo prints it at the address it is served on).
    paths = dict(line.split(" ", 1) for line in (var / "demo-devices.txt").read_text().splitlines() if line)
    devices = {kind: base + path.strip() if path.startswith("/") else path for kind, path in paths.items()}
    user, password = (var / "demo-admin.txt").read_text().split()
    presenter = Presenter()
    shots: list[Path] = []

    def save(page, name: str) -> None:
        path = out / f"{name}.png"
        page.screenshot(path=str(path))
        shots.append(path)
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        kiosk = browser.new_page(viewport=LANDSCAPE, locale="de-DE")
        kiosk.goto(devices["kiosk"].strip())
        for scene, settle in SCENES:
            presenter.show(scene)
            kiosk.reload()
            shown = "poll" if scene in ("words", "questions") else scene
            kiosk.wait_for_selector(f'body[data-scene="{shown}"]', timeout=30_000)
            kiosk.wait_for_load_state("networkidle")
            time.sleep(settle)
            save(kiosk, f"kiosk-{scene}-1920x1080")
        presenter.show("poll")
        portrait = browser.new_page(viewport=PORTRAIT, locale="de-DE")
        portrait.goto(devices["kiosk"].strip())
        portrait.wait_for_load_state("networkidle")
        time.sleep(2)
        save(portrait, "kiosk-poll-1080x1920")

        phone = browser.new_context(viewport=PHONE, locale="de-DE", is_mobile=True, has_touch=True).new_page()
        phone.goto(f"{base}/live/{presenter.room.code}/")
        phone.wait_for_load_state("networkidle")
        save(phone, "phone-poll-390x844")

        terminal = browser.new_context(viewport=PORTRAIT, locale="de-DE", has_touch=True).new_page()
        terminal.goto(devices["terminal"].strip())
        terminal.wait_for_load_state("networkidle")
        save(terminal, "terminal-1080x1920")

        console = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="de-DE").new_page()
        console.goto(f"{base}/admin/login/")
        console.fill("input[name=username]", user)
        console.fill("input[name=password]", password)
        console.click("button[type=submit]")
        console.wait_for_load_state("networkidle")
        console.goto(f"{base}/admin/room/{presenter.room.pk}/")
        console.wait_for_load_state("networkidle")
        time.sleep(2)
        save(console, "presenter-console-1440x1000")
        shoot_maps(browser, console, base, presenter, save)
        browser.close()
    return shots


def shoot_maps(browser, admin, base: str, presenter: Presenter, save) -> None:
    """The maps with the city model as base map (no tile server): a consultation's, a twin object's page,
    and the area widget of the consultation's edit page in the admin (``admin``: a page logged in)."""
    # Database work on the presenter's thread: Playwright's sync API runs an event loop on this one.
    consultation_pk, consultation_url = presenter.worker.submit(
        lambda: (presenter.room.consultation_id, presenter.room.consultation.specific.url)
    ).result()
    feature = presenter.worker.submit(_the_tallest_building).result()
    citizen = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE").new_page()
    for name, path, selector in [
        ("map-consultation-1280x900", consultation_url, "#consultation-map"),
        ("map-twin-object-1280x900", f"/twin/{feature}/", "#twin-map"),
    ]:
        citizen.goto(f"{base}{path}")
        _drawn(citizen, selector)
        citizen.locator(selector).scroll_into_view_if_needed()
        save(citizen, name)
    admin.goto(f"{base}/admin/pages/{consultation_pk}/edit/")
    widget = admin.locator("[data-area-widget]").first
    widget.scroll_into_view_if_needed()
    _drawn(admin, "[data-area-widget] .area-widget__map")
    save(admin, "admin-area-widget-1440x1000")


def _the_tallest_building() -> int:
    from django.db.models import F

    from participation.models import TwinFeature

    tallest = TwinFeature.objects.filter(kind="building").order_by(F("height").desc(nulls_last=True), "pk")
    return tallest.values_list("pk", flat=True)[0]


def _drawn(page, selector: str) -> None:
    """Until the base map has drawn the twin in the map (twin-basemap.js counts what it drew)."""
    page.wait_for_function(
        "(selector) => Number(document.querySelector(selector).dataset.basemapFeatures || 0) > 0",
        arg=selector,
        timeout=30_000,
    )
    page.wait_for_load_state("networkidle")
    time.sleep(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "screenshots")
    out = parser.parse_args().out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bf-screenshots-") as var:
        env = {
            **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
            "VAR_DIR": var,
            "DEBUG": "1",
            "BASE_URL": f"http://127.0.0.1:{port}",
            "LIVE_HEARTBEAT_INTERVAL": "0.5",
            "DJANGO_SETTINGS_MODULE": "forum.settings",
        }
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "seed_demo")
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        with served(env, port):
            shots = shoot(out, f"http://127.0.0.1:{port}", Path(var))
    print(f"{len(shots)} screenshots in {out}")


if __name__ == "__main__":
    main()
