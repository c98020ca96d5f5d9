"""Exports of a consultation started from the admin: a job row, a Celery task that writes the file.

``start_export`` checks who asks, deletes the files past their time (so a
site without beat keeps none longer either) and queues the task
``participation.tasks.run_export`` (by name) once the job row is committed.
``run_export_job`` is what that task does: it claims the job (a job runs
once, however often its message is delivered), reads the consultation's
data afresh, streams it into a temporary file (progress on the job row) and
stores that under ``exports/<random>/`` in the default storage. The file is
served only through the admin's download view, to who may export.
``delete_expired_exports`` deletes files older than EXPORT_RETENTION_DAYS.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from participation import selectors
from participation.errors import InvalidInput
from participation.exports import writers
from participation.models import ConsultationPage, ExportFormat, ExportJob, JobStatus
from participation.rules import require
from participation.services.jobs import (
    PROGRESS_INTERVAL,
    Busy,
    Heartbeat,
    JobProgressRecorder,
    claim_job,
    finish_job,
)
from participation.services.queue import queue_task

logger = logging.getLogger(__name__)

RUN_EXPORT = "participation.tasks.run_export"
DELETE_EXPIRED_EXPORTS = "participation.tasks.delete_expired_exports"
SUFFIXES = {ExportFormat.XLSX: ".xlsx", ExportFormat.CSV: ".zip", ExportFormat.GEOJSON: ".geojson"}


class ExportProgress(JobProgressRecorder):
    model = ExportJob


def start_export(*, user, consultation: ConsultationPage, format: str) -> ExportJob:
    """Queue an export of ``consultation`` in ``format``; the job is returned at once, the file made in a task."""
    require("participation.export", user, consultation)
    if format not in ExportFormat.values:
        raise InvalidInput(_("Please choose one of the formats offered."), field="format")
    delete_expired_exports()
    with transaction.atomic():
        job = ExportJob.objects.create(
            consultation=consultation, format=format, started_by=user, language=translation.get_language() or ""
        )
        transaction.on_commit(partial(_enqueue, job.pk))
    return job


def _enqueue(job_id: int) -> None:
    try:
        queue_task(RUN_EXPORT, job_id)
    except OperationalError:
        logger.exception("export %s: cannot reach the task queue", job_id)
        finish_job(
            ExportJob, job_id, JobStatus.FAILED, error=_("The export could not be queued: the task queue is down.")
        )


def run_export_job(*, job_id: int) -> bool | Busy:
    """Write a job's file: True when this call ran it; Busy while another worker holds its lease (the task
    asks again later); False, doing nothing, if the job is finished or gone."""
    attempt = claim_job(ExportJob, job_id, interrupted=partial(_interrupted, job_id))
    if isinstance(attempt, Busy) or not attempt:
        if not attempt:
            logger.info("export %s: not to be run (finished, or gone); nothing to do", job_id)
        return attempt if isinstance(attempt, Busy) else False
    job = ExportJob.objects.select_related("consultation").get(pk=job_id)
    heartbeat = Heartbeat(ExportJob, job_id, attempt)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            name, size, counts = _write(job)
        except Exception as exc:
            logger.exception("export %s failed", job_id)
            outcome = {
                "status": JobStatus.FAILED,
                "error": _("The export stopped on an unexpected error (%(error)s); the server log has the details.")
                % {"error": type(exc).__name__},
            }
        else:
            total = sum(counts.values())
            outcome = {
                "status": JobStatus.DONE,
                "file": name,
                "file_size": size,
                "counts": counts,
                "progress_done": total,
                "progress_total": total,
            }
        finally:
            heartbeat.stop()
    finish_job(ExportJob, job_id, attempt=attempt, **outcome)
    return True


def _interrupted(job_id: int, count: int) -> str:
    language = ExportJob.objects.filter(pk=job_id).values_list("language", flat=True).first()
    with translation.override(language or settings.LANGUAGE_CODE):
        return _("The export was interrupted %(count)s times (its worker stopped); please start it again.") % {
            "count": count
        }


def _write(job: ExportJob) -> tuple[str, int, dict[str, int]]:
    """The file written and stored: its storage name, its size and the rows per kind."""
    consultation = job.consultation
    suffix = SUFFIXES[job.format]
    with tempfile.TemporaryDirectory(prefix="export-") as folder:
        path = Path(folder) / f"export{suffix}"
        progress = ExportProgress(job.pk, interval=PROGRESS_INTERVAL)
        try:
            if job.format == ExportFormat.GEOJSON:
                total = selectors.located_contribution_count(consultation_id=consultation.pk)
                counts = {"contributions": total}
                ExportJob.objects.filter(pk=job.pk).update(progress_total=total)
                writers.write_geojson(path, selectors.contribution_features(consultation_id=consultation.pk), progress)
            else:
                tables = selectors.export_tables(consultation=consultation)
                counts = {table.key: table.count for table in tables}
                ExportJob.objects.filter(pk=job.pk).update(progress_total=sum(counts.values()))
                write = writers.write_xlsx if job.format == ExportFormat.XLSX else writers.write_csv_zip
                write(path, tables, progress)
        finally:
            progress.close()
        with path.open("rb") as written:
            stored = job.file.storage.save(
                job.file.field.generate_filename(job, download_name(job)), File(written), max_length=500
            )
        return stored, path.stat().st_size, counts


def download_name(job: ExportJob) -> str:
    """What the browser saves the file as: the consultation's slug, the day and the format's suffix."""
    day = timezone.localtime(job.created_at).date().isoformat()
    slug = slugify(job.consultation.slug or job.consultation.title)[:60] or "consultation"
    return f"export-{slug}-{day}{SUFFIXES[job.format]}"


def delete_expired_exports(*, now=None) -> int:
    """Delete the files of exports older than EXPORT_RETENTION_DAYS; the rows stay, marked. Idempotent."""
    now = now or timezone.now()
    before = now - timedelta(days=settings.EXPORT_RETENTION_DAYS)
    deleted = 0
    for job in selectors.exports_to_expire(before=before):
        if job.file:
            job.file.storage.delete(job.file.name)
        ExportJob.objects.filter(pk=job.pk).update(file="", expired_at=now)
        deleted += 1
    return deleted
