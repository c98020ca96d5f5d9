"""``manage.py add_site_staff [ADDRESS]``: a site's staff groups and collection, e.g. for the first site."""

from django.core.management.base import BaseCommand, CommandError

from cms import selectors, services


class Command(BaseCommand):
    help = (
        "Give a site (by default the default site) the staff groups and the collection that add_site gives a new "
        "one: '<site> editors', '<site> moderators', and the collection '<site>'."
    )

    def add_arguments(self, parser):
        parser.add_argument("address", nargs="?", help="The site's public address (default: the default site)")

    def handle(self, *args, address: str | None, **options):
        site = selectors.site_at(address)
        if site is None:
            raise CommandError(f"No site answers at {address}.")
        try:
            services.add_site_staff(site=site)
        except services.SiteHasStaff as refusal:
            raise CommandError(f"{refusal} ({', '.join(selectors.site_staff_of(site)[0])})") from None
        write_site_staff(self.stdout, site)


def write_site_staff(out, site) -> None:
    groups, collections = selectors.site_staff_of(site)
    out.write(
        f"Its staff groups: {', '.join(groups)}; its collection of images and documents: {', '.join(collections)}. "
        "Put each member of its staff in one of them and, for what they do, in Moderators or Editors."
    )
