"""Celery tasks of the participation app: thin, each over a service that does the work."""

from celery import shared_task

from participation.services.twin_imports import RUN_TWIN_IMPORT, run_twin_import_job


@shared_task(name=RUN_TWIN_IMPORT, ignore_result=True)
def run_twin_import(job_id: int) -> bool:
    """Import the file of a TwinImportJob; a job that is not queued any more is left alone."""
    return run_twin_import_job(job_id=job_id)
