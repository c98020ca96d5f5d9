"""``manage.py add_site https://beteiligung.kalletal.de Kalletal``: another municipality on this installation."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.http.request import validate_host

from cms import selectors, services
from cms.management.commands.add_site_staff import write_site_staff


class Command(BaseCommand):
    help = (
        "Add a site for another municipality: its own home page and address. Its name, colour, map and twin "
        "datasets are then set in the admin (Settings, City and map)."
    )

    def add_arguments(self, parser):
        parser.add_argument("address", help="The site's public address, e.g. https://beteiligung.kalletal.de")
        parser.add_argument("title", help="The title of its home page, e.g. Kalletal")
        parser.add_argument("--city", default="", help="The name of the city (default: the title)")

    def handle(self, *args, address: str, title: str, city: str, **options):
        try:
            site = services.add_site(address=address, title=title, city_name=city)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Site {site.root_url} with its home page “{title}” (page {site.root_page_id}).")
        write_site_staff(self.stdout, site)
        if missing := _settings_missing(site.hostname, site.root_url):
            self.stdout.write(
                f"Note: {' and '.join(missing)} do not name it yet: add it there (and to nginx's server_name), "
                "then restart, or its requests are refused."
            )
        if groups := selectors.groups_over_every_site():
            self.stdout.write(
                f"Note: the groups {', '.join(groups)} hold page permissions on the tree's root, so their members "
                "manage the consultations of every site. README, “Staff per site”, says how to give each site "
                "its own staff."
            )


def _settings_missing(host: str, origin: str) -> list[str]:
    """The settings that must name the new site before it is served (they come from the environment)."""
    missing = []
    if not validate_host(host, settings.ALLOWED_HOSTS):
        missing.append(f"ALLOWED_HOSTS ({host})")
    if origin not in settings.CSRF_TRUSTED_ORIGINS:
        missing.append(f"CSRF_TRUSTED_ORIGINS ({origin})")
    return missing
