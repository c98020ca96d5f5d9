from django.core.management.base import BaseCommand

from forum.demo import seed_demo


class Command(BaseCommand):
    help = "Create the demo site (idempotent): home, two consultations on the Delft model, a kiosk screen 'foyer'."

    def handle(self, *args, **options):
        report = seed_demo()
        if report.created:
            self.stdout.write(self.style.SUCCESS("Created: " + ", ".join(report.created)))
        else:
            self.stdout.write("Demo data already present; nothing changed.")
        if report.credentials_file and report.credentials_file.exists():
            username, password = report.credentials_file.read_text().split()[:2]
            self.stdout.write(
                f"Admin: /admin/  user: {username}  password: {password}  (from {report.credentials_file})"
            )
