"""Celery tasks of the participation app: thin, each over a function that does the work."""

from celery import shared_task

from participation.twin import jobs


@shared_task(name="participation.tasks.run_twin_import", ignore_result=True)
def run_twin_import(job_id: int) -> bool:
    """Import the file of a TwinImportJob; a job that is not queued any more is left alone."""
    return jobs.run_import(job_id)
