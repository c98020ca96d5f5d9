"""Celery tasks of the participation app: thin, each over a service that does the work."""

from celery import shared_task

from participation.services.exports import (
    DELETE_EXPIRED_EXPORTS,
    RUN_EXPORT,
    delete_expired_exports,
    run_export_job,
)
from participation.services.twin_imports import RUN_TWIN_IMPORT, run_twin_import_job
from participation.services.twin_tiles import WARM_TWIN_TILES, warm_twin_tiles


@shared_task(name=RUN_TWIN_IMPORT, ignore_result=True)
def run_twin_import(job_id: int) -> bool:
    """Import the file of a TwinImportJob; a job that is not queued any more is left alone."""
    return run_twin_import_job(job_id=job_id)


@shared_task(name=WARM_TWIN_TILES, ignore_result=True)
def warm_twin_tiles_task() -> int:
    """Compute the base map's tiles of a large twin ahead of the first visitor; idempotent."""
    return warm_twin_tiles()


@shared_task(name=RUN_EXPORT, ignore_result=True)
def run_export(job_id: int) -> bool:
    """Write the file of an ExportJob; a job that is not queued any more is left alone."""
    return run_export_job(job_id=job_id)


@shared_task(name=DELETE_EXPIRED_EXPORTS, ignore_result=True)
def delete_expired_exports_task() -> int:
    """Delete export files older than EXPORT_RETENTION_DAYS (beat, hourly); idempotent."""
    return delete_expired_exports()
