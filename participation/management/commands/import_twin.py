"""python manage.py import_twin PATH [--crs EPSG:XXXX] [--source NAME] [--prune]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from participation.services import import_twin_file
from participation.twin.records import TwinImportError


class Command(BaseCommand):
    help = "Import a digital twin file (CityGML 2.0 LoD1/2, CityJSON 1.0-2.0, GeoJSON) into the twin features."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="the file to import")
        parser.add_argument("--crs", help="the file's CRS, e.g. EPSG:25832; overrides what the file says")
        parser.add_argument("--source", help="the dataset's name; default: the file name")
        parser.add_argument(
            "--prune", action="store_true", help="remove objects of this source that are no longer in the file"
        )

    def handle(self, *args, path: str, crs: str | None, source: str | None, prune: bool, **options) -> None:
        try:
            summary = import_twin_file(path=path, source=source, crs=crs, prune=prune)
        except TwinImportError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            _("%(source)s (%(format)s, %(crs)s): imported in %(seconds).1f s")
            % {
                "source": summary.source,
                "format": summary.format,
                "crs": ", ".join(summary.crs) or "-",
                "seconds": summary.seconds,
            }
        )
        self.stdout.write(summary.table())
