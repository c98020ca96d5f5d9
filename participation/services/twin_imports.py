"""Twin imports started from the admin: an uploaded file, a job row, a Celery task that runs the importer.

``start_twin_import`` checks who asks and what was sent, stores the file in
the default storage (under ``twin-imports/``) and queues the task
``participation.tasks.run_twin_import`` (by name) once the job row is committed.
``run_twin_import_job`` is what that task does: it claims the job with a conditional
UPDATE (a job is imported once, however often its message is delivered),
counts the file's objects (the total of the progress bar), imports with
``import_twin_file`` and stores the summary or the importer's message, in the
transaction of the import: a worker killed mid-import leaves no object behind.

A claim is a lease (``participation.services.jobs``): a worker that dies
mid-import leaves the job to the next delivery of its task. Whatever the
delivery, a finished job's starter gets one mail (``twin_import_mail``).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from participation.errors import InvalidInput
from participation.models import TwinImportJob, TwinImportStatus
from participation.rules import require
from participation.services.jobs import Busy, Heartbeat, JobProgressRecorder, claim_job, finish_job
from participation.services.queue import queue_task
from participation.services.twin_features import import_twin_file
from participation.services.twin_import_mail import mail_twin_import_finished
from participation.twin import crs as crs_module
from participation.twin import scan
from participation.twin.records import TwinImportError
from participation.twin.summary import ImportSummary, summary_to_json

logger = logging.getLogger(__name__)

# What the readers take (participation.twin.readers.detect); ".city.json" is named for the message.
SUFFIXES = (".gml", ".xml", ".json", ".city.json", ".geojson")
RUN_TWIN_IMPORT = "participation.tasks.run_twin_import"


def start_twin_import(*, user, upload, source: str = "", crs: str = "", prune: bool = False) -> TwinImportJob:
    """Store an uploaded twin file and queue its import; the job is returned at once, the import runs in a task."""
    require("participation.import_twin", user)
    name = Path(upload.name or "").name
    if not name.lower().endswith(SUFFIXES):
        raise InvalidInput(
            _("“%(name)s” is no twin file: expected %(suffixes)s.") % {"name": name, "suffixes": ", ".join(SUFFIXES)},
            field="file",
        )
    limit = settings.TWIN_IMPORT_MAX_BYTES
    if upload.size > limit:
        raise InvalidInput(
            _("The file is %(size)s; at most %(limit)s can be imported here.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            field="file",
        )
    if not upload.size:
        raise InvalidInput(_("The file is empty."), field="file")
    crs = (crs or "").strip()
    if crs:
        try:
            crs_module.parse_crs(crs)
        except TwinImportError as exc:
            raise InvalidInput(exc.message, field="crs") from exc
    source = (source or "").strip() or name
    if len(source) > TwinImportJob._meta.get_field("source").max_length:
        raise InvalidInput(_("The source name is too long (at most 255 characters)."), field="source")
    with transaction.atomic():
        job = TwinImportJob(
            file_name=name[:255],
            file_size=upload.size,
            source=source,
            crs=crs,
            prune=prune,
            started_by=user,
            language=translation.get_language() or "",
        )
        job.file.save(name, upload, save=False)
        job.save()
        transaction.on_commit(partial(_enqueue, job.pk))
    return job


def _enqueue(job_id: int) -> None:
    try:
        queue_task(RUN_TWIN_IMPORT, job_id)
    except OperationalError:
        logger.exception("twin import %s: cannot reach the task queue", job_id)
        _finish(job_id, TwinImportStatus.FAILED, error=_("The import could not be queued: the task queue is down."))


def run_twin_import_job(*, job_id: int) -> bool | Busy:
    """Import a job's file: True when this call ran it; Busy while another worker holds its lease; else False.

    False: the job is finished (its starter is mailed if that mail has not gone out yet) or unknown.
    """
    attempt = _claim(job_id)
    if isinstance(attempt, Busy):
        return attempt
    if attempt:
        job = TwinImportJob.objects.get(pk=job_id)
        with translation.override(job.language or settings.LANGUAGE_CODE):
            _run(job, attempt)
    else:
        logger.info("twin import %s: not to be run (finished, or gone); nothing to do", job_id)
    mail_twin_import_finished(job_id=job_id)
    return bool(attempt)


def _claim(job_id: int) -> int | Busy:
    return claim_job(TwinImportJob, job_id, interrupted=partial(_interrupted, job_id))


def _interrupted(job_id: int, count: int) -> str:
    language = TwinImportJob.objects.filter(pk=job_id).values_list("language", flat=True).first()
    with translation.override(language or settings.LANGUAGE_CODE):
        return _(
            "The import was interrupted %(count)s times (its worker stopped, perhaps for lack of memory); "
            "nothing of the file was imported."
        ) % {"count": count}


def _run(job: TwinImportJob, attempt: int) -> None:
    """Import and record the outcome in one transaction, kept only if this claim still holds the job.

    The job row is written outside that transaction while the import runs (the count, the progress, the
    heartbeat on threads of their own); the transaction touches it only at the end, once those have stopped.
    """
    heartbeat = Heartbeat(TwinImportJob, job.pk, attempt)
    try:
        with _local_file(job.file) as path:
            total = scan.count_objects(path)
            TwinImportJob.objects.filter(pk=job.pk).update(progress_total=total, progress_done=0)
            with transaction.atomic():
                try:
                    summary = _import(job, path)
                except TwinImportError as exc:
                    outcome = {"status": TwinImportStatus.FAILED, "error": exc.message}
                else:
                    if total != summary.done:
                        logger.warning("twin import %s: counted %s objects, imported %s", job.pk, total, summary.done)
                    outcome = {
                        "status": TwinImportStatus.DONE,
                        "summary": summary_to_json(summary),
                        "progress_done": summary.done,
                        "progress_total": summary.done,
                    }
                heartbeat.stop()  # else its UPDATE could wait for the row lock that _finish takes here
                if not _finish(job.pk, attempt=attempt, **outcome):
                    raise LeaseLost
    except LeaseLost:
        logger.warning("twin import %s: another worker took the job over; this import is rolled back", job.pk)
    except Exception as exc:
        logger.exception("twin import %s failed", job.pk)
        _finish(
            job.pk,
            TwinImportStatus.FAILED,
            attempt=attempt,
            error=_("The import stopped on an unexpected error (%(error)s); the server log has the details.")
            % {"error": type(exc).__name__},
        )
    finally:
        heartbeat.stop()


class LeaseLost(Exception):
    """The job was taken over while this worker imported it (its heartbeat had stopped for a lease)."""


def _import(job: TwinImportJob, path: Path) -> ImportSummary:
    progress = ProgressRecorder(job.pk)
    try:
        return import_twin_file(path=path, source=job.source, crs=job.crs or None, prune=job.prune, progress=progress)
    finally:
        progress.close()


def _finish(job_id: int, status: str, *, attempt: int | None = None, **values: Any) -> bool:
    return finish_job(TwinImportJob, job_id, status, attempt=attempt, **values)


class ProgressRecorder(JobProgressRecorder):
    """The importer's progress callback (participation.services.jobs): the import's count on its job row."""

    model = TwinImportJob


@contextmanager
def _local_file(field: FieldFile) -> Iterator[Path]:
    """The stored file as a local path: the storage's own, or a temporary copy for remote storages (S3...)."""
    try:
        local = Path(field.path)
    except NotImplementedError:
        local = None
    if local is not None and local.is_file():  # (InMemoryStorage names paths it has no files at)
        yield local
        return
    name = field.name.lower()
    suffix = ".city.json" if name.endswith(".city.json") else Path(name).suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        with field.open("rb") as stored:
            shutil.copyfileobj(stored, copy, length=1024 * 1024)
        copy.flush()
        yield Path(copy.name)
