"""The demo site, each app seeding its own part through its services: the website (cms), the twin with
two open consultations and a finished one with its results and open data (participation), and the room:
accounts, a kiosk screen, a touch terminal and an open room session with a live poll (here).

Idempotent: whatever exists already (found by slug or name) is left as it is. Secrets are generated,
never fixed: the admin's password and the devices' addresses (with their tokens) are written once to
files under VAR_DIR, readable by the operator only, and printed from there on every run, at the address the site
is served on now (BASE_URL: `make run` sets it from HOST and PORT).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from cms.demo import seed_website
from forum import selectors, services
from forum.models import RegisteredDevice, Scene
from participation import live
from participation.demo import (
    DATA_CREDIT,
    Seeded,
    publish_open_data,
    seed_finished_consultation,
    seed_participation,
    seed_room_material,
)

CITIZENS = ["anna", "ben", "cem", "dora", "emil", "fatma"]
ROOM_TITLE = "Bürgerforum im Rathaus"


@dataclass
class DemoReport(Seeded):
    created: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    admin_password: str | None = None
    credentials_file: Path | None = None
    devices_file: Path | None = None


def seed_demo() -> DemoReport:
    report = DemoReport()
    # Over a hundred writes ask for live frames: each consultation's are built once, after the commit.
    with live.publisher.deferred(), transaction.atomic():
        home = seed_website(data_credit=DATA_CREDIT, created=report.created)
        citizens = [_citizen(name, report) for name in CITIZENS]
        consultations = seed_participation(home=home, citizens=citizens, report=report)
        admin = _admin(report)
        _room(consultations[0], admin, report)
        seed_finished_consultation(consultations=consultations, clerk=admin, report=report)
    publish_open_data(report=report)  # the file is written once the data it holds is committed
    return report


def _citizen(name: str, report: DemoReport):
    user, created = services.ensure_verified_account(username=name, email=f"{name}@example.org")
    if created:
        report.created.append(f"citizen {name}")
    return user


def _admin(report: DemoReport):
    """A demo admin with a generated password, kept in var/ so `make run` can show it again."""
    credentials = Path(settings.VAR_DIR) / "demo-admin.txt"
    report.credentials_file = credentials
    password = secrets.token_urlsafe(12)
    admin, created = services.ensure_verified_account(
        username="admin", email="admin@example.org", password=password, superuser=True
    )
    if created:
        _write_secret(credentials, f"admin\n{password}\n")
        report.admin_password = password
        report.created.append("admin account")
    return admin


def _room(consultation, presenter, report: DemoReport) -> None:
    """The screen `foyer`, the terminal `eingang`, and the evening's room session showing the live poll."""
    devices = Path(settings.VAR_DIR) / "demo-devices.txt"
    report.devices_file = devices
    screen, screen_new = services.ensure_screen(name="Foyer", slug="foyer", consultation=consultation)
    terminal, terminal_new = services.ensure_terminal(name="Eingang", slug="eingang", consultation=consultation)
    if screen_new or terminal_new or not devices.exists():
        # New devices get their first token; the addresses that carry them go to the operator's file.
        lines = [f"{kind} {_device_path(device)}" for kind, device in (("kiosk", screen), ("terminal", terminal))]
        _write_secret(devices, "\n".join(lines) + "\n")
        report.created.extend(
            name for name, new in (("screen foyer", screen_new), ("terminal eingang", terminal_new)) if new
        )
    poll = seed_room_material(consultation=consultation, presenter=presenter, report=report)
    if selectors.open_room(consultation_id=consultation.pk) is None:
        room = services.open_room(presenter=presenter, consultation=consultation, title=ROOM_TITLE)
        services.show_in_room(presenter=presenter, room=room, scene=Scene.POLL, poll=poll)
        report.created.append(f"room session {room.code}")


def _device_path(device: RegisteredDevice) -> str:
    """The device's path with a new token; seed_demo prints it at the address the site is served on now."""
    return selectors.device_token_path(device, services.issue_device_token(device=device))


def _write_secret(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(0o600)
