"""Celery tasks of the participation app: thin, each over a service that does the work."""

from celery import shared_task

from participation.services.twin_imports import RUN_TWIN_IMPORT, Busy, run_twin_import_job
from participation.services.twin_tiles import WARM_TWIN_TILES, warm_twin_tiles


@shared_task(name=RUN_TWIN_IMPORT, ignore_result=True, bind=True, max_retries=None)
def run_twin_import(self, job_id: int) -> bool:
    """Import the file of a TwinImportJob; a finished job is left alone, a running one asked after again later."""
    outcome = run_twin_import_job(job_id=job_id)
    if isinstance(outcome, Busy):
        if self.request.is_eager:  # one process: the job runs on a thread of this one, which no retry outlives
            return False
        # A second delivery while a live worker imports (visibility timeout, a requeued message): ask again
        # when the lease would run out; if that worker has died by then, this delivery takes the job over.
        raise self.retry(countdown=outcome.seconds)
    return outcome


@shared_task(name=WARM_TWIN_TILES, ignore_result=True)
def warm_twin_tiles_task() -> int:
    """Compute the base map's tiles of a large twin ahead of the first visitor; idempotent."""
    return warm_twin_tiles()
