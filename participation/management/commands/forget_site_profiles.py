"""``manage.py forget_site_profiles``: the sites' names, colours, datasets and addresses are read afresh.

For a database changed behind the site's back (a restore with the cache still warm); ``deploy/bin/migrate``
runs it on every start.
"""

from django.core.management.base import BaseCommand

from participation import selectors


class Command(BaseCommand):
    help = "Forget the kept profiles of the sites (name, colour, twin datasets) and their addresses."

    def handle(self, *args, **options):
        selectors.forget_every_site_profile()
        if options["verbosity"]:
            self.stdout.write("The sites' profiles are read afresh on the next request.")
