"""The demo site, each app seeding its own part through its services: the website (cms), the twin with
two consultations on it (participation), and the room's kiosk screen and the accounts (here).

Idempotent: whatever exists already (found by slug or name) is left as it is.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from cms.demo import seed_website
from forum import services
from participation.demo import DATA_CREDIT, Seeded, seed_participation

CITIZENS = ["anna", "ben", "cem", "dora", "emil", "fatma"]


@dataclass
class DemoReport(Seeded):
    created: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    admin_password: str | None = None
    credentials_file: Path | None = None


def seed_demo() -> DemoReport:
    report = DemoReport()
    with transaction.atomic():
        home = seed_website(data_credit=DATA_CREDIT, created=report.created)
        citizens = [_citizen(name, report) for name in CITIZENS]
        consultations = seed_participation(home=home, citizens=citizens, report=report)
        if services.ensure_screen(name="Foyer", slug="foyer", consultation=consultations[0])[1]:
            report.created.append("screen foyer")
    _admin(report)
    return report


def _citizen(name: str, report: DemoReport):
    user, created = services.ensure_verified_account(username=name, email=f"{name}@example.org")
    if created:
        report.created.append(f"citizen {name}")
    return user


def _admin(report: DemoReport) -> None:
    """A demo admin with a generated password, kept in var/ so `make run` can show it again."""
    credentials = Path(settings.VAR_DIR) / "demo-admin.txt"
    report.credentials_file = credentials
    password = secrets.token_urlsafe(12)
    _admin_user, created = services.ensure_verified_account(
        username="admin", email="admin@example.org", password=password, superuser=True
    )
    if not created:
        return
    credentials.write_text(f"admin\n{password}\n")
    credentials.chmod(0o600)
    report.admin_password = password
    report.created.append("admin account")
