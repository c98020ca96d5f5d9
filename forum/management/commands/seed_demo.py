from django.core.management.base import BaseCommand, CommandError

from forum.demo import seed_demo
from forum.selectors import public_url
from participation.twin.records import TwinImportError


class Command(BaseCommand):
    help = (
        "Create the demo site (idempotent): home, two consultations on the Delft model, a kiosk screen 'foyer', "
        "a touch terminal 'eingang' and an open room session with a live poll."
    )

    def handle(self, *args, **options):
        try:
            report = seed_demo()
        except TwinImportError as exc:
            raise CommandError(f"The demo's twin file (TWIN_DEMO_FILE) cannot be imported: {exc.message}") from exc
        for note in report.notes:
            self.stdout.write(self.style.WARNING(note))
        if report.created:
            self.stdout.write(self.style.SUCCESS("Created: " + ", ".join(report.created)))
        else:
            self.stdout.write("Demo data already present; nothing changed.")
        if report.credentials_file and report.credentials_file.exists():
            username, password = report.credentials_file.read_text().split()[:2]
            self.stdout.write(
                f"Admin: {public_url('/admin/')}  user: {username}  password: {password}"
                f"  (from {report.credentials_file})"
            )
        if report.devices_file and report.devices_file.exists():
            for line in report.devices_file.read_text().splitlines():
                kind, address = line.split(" ", 1)
                self.stdout.write(f"{kind.title()}: {public_url(address)}  (from {report.devices_file})")
