"""The open data download of a consultation whose results are published: an anonymised ZIP (README, CSV
files, GeoJSON) in the default storage, made by a Celery task.

Publishing a consultation in the admin (``wagtail_hooks``) calls ``open_data_changed``, which queues
``participation.tasks.build_open_data`` once the page is committed. ``build_open_data`` is what that task
does: it reads the consultation afresh; while its results are public (``ConsultationPage.results_are_public``)
it writes the file from the export selectors in their public mode (streamed: memory stays bounded), unless
the stored one was made from the same state (``stamp``: the results revision and the published page revision),
so a repeated delivery changes nothing; when they are no longer public it deletes the file. Beat asks again
hourly (``refresh_open_data``), so a change after publication (a comment hidden, a paper count corrected)
reaches the download within the hour.
"""

from __future__ import annotations

import logging
import tempfile
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from kombu.exceptions import OperationalError

from participation import selectors
from participation.exports import writers
from participation.models import ConsultationPage, OpenDataDump
from participation.services.queue import queue_task

logger = logging.getLogger(__name__)

BUILD_OPEN_DATA = "participation.tasks.build_open_data"
REFRESH_OPEN_DATA = "participation.tasks.refresh_open_data"
GEOJSON_NAME = "contributions.geojson"


def open_data_changed(*, page) -> None:
    """A consultation was published or unpublished in the admin: its download follows after the commit (made
    when its results became public, deleted when they no longer are). No query for pages without either."""
    page = page.specific
    if not isinstance(page, ConsultationPage):
        return
    if page.results_published or OpenDataDump.objects.filter(consultation_id=page.pk).exists():
        transaction.on_commit(partial(_enqueue, page.pk))


def _enqueue(consultation_id: int) -> None:
    try:
        queue_task(BUILD_OPEN_DATA, consultation_id)
    except OperationalError:  # beat's hourly refresh makes it later
        logger.exception("open data %s: cannot reach the task queue", consultation_id)


def download_name(consultation: ConsultationPage) -> str:
    slug = slugify(consultation.slug or consultation.title)[:60] or "consultation"
    return f"open-data-{slug}.zip"


def build_open_data(*, consultation_id: int) -> bool:
    """Make (or delete) a consultation's open data download as its results' publication says. True if this
    call wrote or deleted a file; False if there was nothing to do (the same state is stored, or none is
    public). Idempotent."""
    consultation = ConsultationPage.objects.filter(pk=consultation_id).first()
    stored = selectors.open_data_dump(consultation_id=consultation_id)
    if consultation is None or not consultation.results_are_public:
        if stored is None:
            return False
        _delete(stored)
        return True
    revision = selectors.results_revision(consultation_id=consultation_id)
    stamp = selectors.open_data_stamp(consultation=consultation, revision=revision)
    if stored is not None and stored.stamp == stamp and stored.file and stored.file.storage.exists(stored.file.name):
        return False
    with translation.override(settings.LANGUAGE_CODE):
        name, size, counts = _write(consultation)
    old = stored.file.name if stored is not None and stored.file else None
    with transaction.atomic():
        OpenDataDump.objects.update_or_create(
            consultation_id=consultation_id,
            defaults={"file": name, "file_size": size, "counts": counts, "stamp": stamp, "built_at": timezone.now()},
        )
        if old and old != name:
            storage = OpenDataDump._meta.get_field("file").storage
            transaction.on_commit(partial(storage.delete, old))
    logger.info("open data %s: written (%s bytes)", consultation_id, size)
    return True


def refresh_open_data() -> int:
    """Bring every published consultation's download up to date (beat, hourly): how many were rewritten."""
    return sum(
        build_open_data(consultation_id=pk)
        for pk in selectors.consultations_with_published_results().values_list("pk", flat=True)
    )


def _delete(stored: OpenDataDump) -> None:
    name = stored.file.name
    stored.delete()
    if name:
        stored.file.storage.delete(name)
    logger.info("open data %s: deleted (results no longer public)", stored.consultation_id)


def _write(consultation: ConsultationPage) -> tuple[str, int, dict[str, int]]:
    tables = selectors.export_tables(consultation=consultation, public=True)
    counts = {table.key: table.count for table in tables}
    counts["geojson"] = selectors.located_contribution_count(consultation_id=consultation.pk, public=True)
    readme = render_to_string(
        "participation/open_data_readme.md",
        {
            "consultation": consultation,
            "url": consultation.full_url or "",
            "tables": tables,
            "counts": counts,
            "geojson_name": GEOJSON_NAME,
            "made": timezone.localtime(),
            "license_name": settings.OPEN_DATA_LICENSE,
            "license_url": settings.OPEN_DATA_LICENSE_URL,
            **_site_names(consultation),
        },
    )
    features = selectors.contribution_features(consultation_id=consultation.pk, public=True)
    with tempfile.TemporaryDirectory(prefix="open-data-") as folder:
        path = Path(folder) / "open-data.zip"
        writers.write_open_data_zip(path, tables=tables, features=features, geojson_name=GEOJSON_NAME, readme=readme)
        field = OpenDataDump._meta.get_field("file")
        with path.open("rb") as written:
            name = field.storage.save(
                field.generate_filename(None, download_name(consultation)), File(written), max_length=500
            )
        return name, path.stat().st_size, counts


def _site_names(consultation: ConsultationPage) -> dict:
    """The names of the site the consultation is on (its CityProfile), as the README cites the source."""
    site = consultation.get_site()
    profile = selectors.site_profile(site_id=site.pk if site else None)
    return {"site_name": profile.site_name, "city_name": profile.city_name}
