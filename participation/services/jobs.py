"""What the admin's background jobs (twin imports, exports) share: claiming a job, holding it by a lease
while it runs, recording its progress, and finishing it once.

A claim is a lease: while a job runs, ``Heartbeat`` writes its ``heartbeat_at``
every quarter of JOB_LEASE_SECONDS. Task messages are acknowledged late, so a
worker that dies mid-job gets its message delivered again (at once for a dead
worker process, after CELERY_VISIBILITY_TIMEOUT for a dead worker); that
delivery finds the job "running" and, if its heartbeat is older than the lease,
takes it over (at most MAX_ATTEMPTS claims, then the job fails), else gets
``Busy`` so that its task asks again when the lease would run out.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.db.models import Model, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from participation.models import JobStatus

logger = logging.getLogger(__name__)

# The job row gets the worker's count at most this often (seconds).
PROGRESS_INTERVAL = 0.5


# Claims of one job before it fails: a job that kills its worker every time (memory) is not retried forever.
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Busy:
    """The job runs on a worker that is alive (its lease holds): ask again in ``seconds``."""

    seconds: float


def claim_job(model: type[Model], job_id: int, *, interrupted: Callable[[int], str]) -> int | Busy:
    """The number of this claim (1, 2, ...); 0 if the job is not to be run (finished, gone, or failed now
    with ``interrupted(MAX_ATTEMPTS)`` as its error); Busy if a live worker runs it.

    Queued -> running, or a running job whose lease ran out -> running again, with a conditional UPDATE on
    the attempts read: of two deliveries at once, one claims.
    """
    now = timezone.now()
    lease = timedelta(seconds=settings.JOB_LEASE_SECONDS)
    jobs = model.objects.filter(pk=job_id).alias(alive_at=Coalesce("heartbeat_at", "started_at", "created_at"))
    claimable = Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, alive_at__lt=now - lease)
    attempts = jobs.filter(claimable).values_list("attempts", flat=True).first()
    if attempts is not None:
        attempt = attempts + 1
        if attempt > MAX_ATTEMPTS:
            finish_job(model, job_id, JobStatus.FAILED, error=interrupted(MAX_ATTEMPTS))
            return 0
        claimed = jobs.filter(claimable, attempts=attempts).update(
            status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, attempts=attempt
        )
        if claimed:
            if attempt > 1:
                name = model._meta.model_name
                logger.warning("%s %s: its worker stopped; taken over (attempt %s)", name, job_id, attempt)
            return attempt
    alive_at = (
        jobs.filter(status=JobStatus.RUNNING)
        .annotate(last_alive=Coalesce("heartbeat_at", "started_at", "created_at"))
        .values_list("last_alive", flat=True)
        .first()
    )
    if alive_at is not None:
        return Busy(seconds=max(1.0, (alive_at + lease - now).total_seconds()))
    return 0


def finish_job(model: type[Model], job_id: int, status: str, *, attempt: int | None = None, **values: Any) -> bool:
    """Done or failed, once: a finished job keeps its first outcome; with ``attempt``, only while that claim
    still holds the job (not taken over meanwhile). True if this call recorded the end."""
    jobs = model.objects.filter(pk=job_id).exclude(status__in=[JobStatus.DONE, JobStatus.FAILED])
    if attempt is not None:
        jobs = jobs.filter(attempts=attempt)
    return bool(jobs.update(status=status, finished_at=timezone.now(), **values))


class Heartbeat:
    """Writes a running job's ``heartbeat_at`` every quarter lease, on a thread and connection of its own.

    Only where the database takes concurrent writers (PostgreSQL): on SQLite a
    job in one transaction (the import) holds the one write lock, and the
    embedded default has no second worker to take a job over anyway.
    """

    def __init__(self, model: type[Model], job_id: int, attempt: int):
        self.model, self.job_id, self.attempt = model, job_id, attempt
        self.stopped = threading.Event()
        self.thread = None
        if connection.vendor != "sqlite":
            self.thread = threading.Thread(target=self._beat, name=f"job-{job_id}-heartbeat", daemon=True)
            self.thread.start()

    def _beat(self) -> None:
        try:
            while not self.stopped.wait(settings.JOB_LEASE_SECONDS / 4):
                try:
                    self.model.objects.filter(pk=self.job_id, status=JobStatus.RUNNING, attempts=self.attempt).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # a missed beat must not stop the job; the next one may get through
                    logger.exception("%s %s: heartbeat not recorded", self.model._meta.model_name, self.job_id)
        finally:
            connections.close_all()  # this thread's own

    def stop(self) -> None:
        self.stopped.set()
        if self.thread is not None:
            self.thread.join()


class JobProgressRecorder:
    """A job's progress callback: writes its count to the job row, at most every PROGRESS_INTERVAL s.

    A job that runs in one transaction (the twin import) would show nobody a
    row written inside it before the end. So where the database takes
    concurrent writers (PostgreSQL), a thread of its own writes the count on
    its own connection, committed at once, and the status page moves while
    the job runs. SQLite takes one writer at a time: there the count goes
    through the job's own connection (shown at once when the job runs outside
    a transaction, as an export does; when it commits otherwise).
    """

    model: type[Model]

    def __init__(self, job_id: int, *, interval: float = PROGRESS_INTERVAL, clock=time.monotonic):
        self.job_id = job_id
        self.interval = interval
        self.clock = clock
        self.last = clock()
        self.writer = None if connection.vendor == "sqlite" else ThreadPoolExecutor(1, thread_name_prefix="progress")

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
            self.model.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(progress_done=done)
        except Exception:  # a count that did not get through must not stop the job
            logger.exception("%s %s: progress not recorded", self.model._meta.model_name, self.job_id)

    def close(self) -> None:
        """Waits for the writes still queued and closes the writer thread's connection."""
        if self.writer is not None:
            self.writer.submit(connections.close_all)
            self.writer.shutdown(wait=True)
            self.writer = None
