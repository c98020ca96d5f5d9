"""Twin imports started from the admin: an uploaded file, a job row, a Celery task that runs the importer.

``start_twin_import`` checks who asks and what was sent, stores the file in
the default storage (under ``twin-imports/``) and queues the task
``participation.tasks.run_twin_import`` (by name) once the job row is committed.
``run_twin_import_job`` is what that task does: it claims the job with a conditional
UPDATE (a job is imported once, however often its message is delivered),
counts the file's objects (the total of the progress bar), imports with
``import_twin_file`` and stores the summary or the importer's message, in the
transaction of the import: a worker killed mid-import leaves no object behind.

A claim is a lease: while the import runs, a thread writes the job's
``heartbeat_at`` every quarter of TWIN_IMPORT_LEASE_SECONDS. The task's message
is acknowledged late, so a worker that dies mid-import gets it delivered again
(at once for a dead worker process, after CELERY_VISIBILITY_TIMEOUT for a dead
worker); that delivery finds the job "running" and, if its heartbeat is older
than the lease, takes it over (at most MAX_ATTEMPTS claims, then the job fails),
else answers ``Busy`` so the task asks again when the lease would run out.
Whatever the delivery, a finished job's starter gets one mail
(``twin_import_mail``).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Coalesce
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from participation.errors import InvalidInput
from participation.models import TwinImportJob, TwinImportStatus
from participation.rules import require
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
# The job row gets the importer's count at most this often (seconds).
PROGRESS_INTERVAL = 0.5
RUN_TWIN_IMPORT = "participation.tasks.run_twin_import"
# Claims of one job before it fails: a file that kills its worker every time (memory) is not retried forever.
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Busy:
    """The job runs on a worker that is alive (its lease holds): ask again in ``seconds``."""

    seconds: float


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
    """The number of this claim (1, 2, ...); 0 if the job is not to be run; Busy if a live worker runs it."""
    now = timezone.now()
    lease = timedelta(seconds=settings.TWIN_IMPORT_LEASE_SECONDS)
    jobs = TwinImportJob.objects.filter(pk=job_id).alias(alive_at=Coalesce("heartbeat_at", "started_at", "created_at"))
    stale = Q(status=TwinImportStatus.RUNNING, alive_at__lt=now - lease)
    claimable = jobs.filter(Q(status=TwinImportStatus.QUEUED) | stale).values_list("attempts", flat=True).first()
    if claimable is not None:
        attempt = claimable + 1
        if attempt > MAX_ATTEMPTS:
            with translation.override(_language(job_id)):
                message = _(
                    "The import was interrupted %(count)s times (its worker stopped, perhaps for lack of memory); "
                    "nothing of the file was imported."
                ) % {"count": MAX_ATTEMPTS}
            _finish(job_id, TwinImportStatus.FAILED, error=message)
            return 0
        # Conditional on what was read: of two deliveries at once, one claims.
        claimed = jobs.filter(Q(status=TwinImportStatus.QUEUED) | stale, attempts=claimable).update(
            status=TwinImportStatus.RUNNING, started_at=now, heartbeat_at=now, attempts=attempt
        )
        if claimed:
            if attempt > 1:
                logger.warning("twin import %s: its worker stopped; taken over (attempt %s)", job_id, attempt)
            return attempt
    running = (
        jobs.filter(status=TwinImportStatus.RUNNING)
        .annotate(last_alive=Coalesce("heartbeat_at", "started_at", "created_at"))
        .values_list("last_alive", flat=True)
        .first()
    )
    if running is not None:
        return Busy(seconds=max(1.0, (running + lease - now).total_seconds()))
    return 0


def _language(job_id: int) -> str:
    language = TwinImportJob.objects.filter(pk=job_id).values_list("language", flat=True).first()
    return language or settings.LANGUAGE_CODE


def _run(job: TwinImportJob, attempt: int) -> None:
    """Import and record the outcome in one transaction, kept only if this claim still holds the job.

    The job row is written outside that transaction while the import runs (the count, the progress, the
    heartbeat on threads of their own); the transaction touches it only at the end, once those have stopped.
    """
    heartbeat = Heartbeat(job.pk, attempt)
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
    """Record a job's end unless it has one already (or, with ``attempt``, another claim holds it now)."""
    jobs = TwinImportJob.objects.filter(pk=job_id).exclude(status__in=[TwinImportStatus.DONE, TwinImportStatus.FAILED])
    if attempt is not None:
        jobs = jobs.filter(attempts=attempt)
    return bool(jobs.update(status=status, finished_at=timezone.now(), **values))


class Heartbeat:
    """Writes the job's ``heartbeat_at`` every quarter lease, on a thread and connection of its own.

    Only where the database takes concurrent writers (PostgreSQL): on SQLite the
    import holds the one write lock, and a takeover could not write either.
    """

    def __init__(self, job_id: int, attempt: int):
        self.job_id, self.attempt = job_id, attempt
        self.stopped = threading.Event()
        self.thread = None
        if connection.vendor != "sqlite":
            self.thread = threading.Thread(target=self._beat, name=f"twin-import-{job_id}-heartbeat", daemon=True)
            self.thread.start()

    def _beat(self) -> None:
        try:
            while not self.stopped.wait(settings.TWIN_IMPORT_LEASE_SECONDS / 4):
                try:
                    TwinImportJob.objects.filter(
                        pk=self.job_id, status=TwinImportStatus.RUNNING, attempts=self.attempt
                    ).update(heartbeat_at=timezone.now())
                except Exception:  # a missed beat must not stop the import; the next one may get through
                    logger.exception("twin import %s: heartbeat not recorded", self.job_id)
        finally:
            connections.close_all()  # this thread's own

    def stop(self) -> None:
        self.stopped.set()
        if self.thread is not None:
            self.thread.join()


class ProgressRecorder:
    """The importer's progress callback: writes its count to the job row, at most every PROGRESS_INTERVAL s.

    The import runs in one transaction, and a row written inside it would show
    nobody anything before the end. So where the database takes concurrent
    writers (PostgreSQL), a thread of its own writes the count on its own
    connection, committed at once, and the status page moves while the import
    runs. SQLite takes one writer at a time, and the import is it: there the
    count goes through the import's connection and shows when it commits.
    """

    def __init__(self, job_id: int, *, interval: float = PROGRESS_INTERVAL, clock=time.monotonic):
        self.job_id = job_id
        self.interval = interval
        self.clock = clock
        self.last = clock()
        self.writer = (
            None if connection.vendor == "sqlite" else ThreadPoolExecutor(1, thread_name_prefix="twin-progress")
        )

    def __call__(self, done: int) -> None:
        now = self.clock()
        if now - self.last < self.interval:
            return
        self.last = now
        if self.writer is None:
            self._write(done)
        else:
            self.writer.submit(self._write, done)

    def _write(self, done: int) -> None:
        try:
            TwinImportJob.objects.filter(pk=self.job_id, status=TwinImportStatus.RUNNING).update(progress_done=done)
        except Exception:  # a count that did not get through must not stop the import
            logger.exception("twin import %s: progress not recorded", self.job_id)

    def close(self) -> None:
        """Waits for the writes still queued and closes the writer thread's connection."""
        if self.writer is not None:
            self.writer.submit(connections.close_all)
            self.writer.shutdown(wait=True)
            self.writer = None


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
