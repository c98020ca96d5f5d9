"""What the admin's background jobs (twin imports, exports) share: claiming a job once, recording its
progress while it runs, and finishing it."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import connection, connections
from django.db.models import Model
from django.utils import timezone

from participation.models import JobStatus

logger = logging.getLogger(__name__)

# The job row gets the worker's count at most this often (seconds).
PROGRESS_INTERVAL = 0.5


def claim_job(model: type[Model], job_id: int) -> bool:
    """Queued -> running with a conditional UPDATE: a job runs once, however often its message is delivered."""
    return bool(
        model.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=timezone.now()
        )
    )


def finish_job(model: type[Model], job_id: int, status: str, **values: Any) -> None:
    """Done or failed, once: a finished job keeps its first outcome."""
    model.objects.filter(pk=job_id).exclude(status__in=[JobStatus.DONE, JobStatus.FAILED]).update(
        status=status, finished_at=timezone.now(), **values
    )


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
