"""Celery tasks of the participation app: thin, each over a service that does the work."""

import logging

from celery import shared_task

from participation.services.exports import (
    DELETE_EXPIRED_EXPORTS,
    RUN_EXPORT,
    delete_expired_exports,
    run_export_job,
)
from participation.services.jobs import Busy
from participation.services.moderation import CHECK_CONTRIBUTION, MAIL_MODERATORS
from participation.services.moderator_mail import mail_moderators as mail_moderators_service
from participation.services.precheck import check_contribution as check_contribution_service
from participation.services.twin_imports import RUN_TWIN_IMPORT, run_twin_import_job
from participation.services.twin_tiles import WARM_TWIN_TILES, warm_twin_tiles

logger = logging.getLogger(__name__)


def _later_if_busy(task, outcome: bool | Busy) -> bool:
    """A job's outcome; for Busy (a second delivery while a live worker runs the job: visibility timeout, a
    requeued message) the task asks again when the lease would run out, and takes the job over if that
    worker has died by then."""
    if not isinstance(outcome, Busy):
        return outcome
    if task.request.is_eager:  # one process: the job runs on a thread of this one, which no retry outlives
        return False
    raise task.retry(countdown=outcome.seconds)


@shared_task(name=RUN_TWIN_IMPORT, ignore_result=True, bind=True, max_retries=None)
def run_twin_import(self, job_id: int) -> bool:
    """Import the file of a TwinImportJob; a finished job is left alone, a running one asked after again later."""
    return _later_if_busy(self, run_twin_import_job(job_id=job_id))


@shared_task(name=WARM_TWIN_TILES, ignore_result=True)
def warm_twin_tiles_task() -> int:
    """Compute the base map's tiles of a large twin ahead of the first visitor; idempotent."""
    return warm_twin_tiles()


@shared_task(name=RUN_EXPORT, ignore_result=True, bind=True, max_retries=None)
def run_export(self, job_id: int) -> bool:
    """Write the file of an ExportJob; a finished job is left alone, a running one asked after again later."""
    return _later_if_busy(self, run_export_job(job_id=job_id))


@shared_task(name=DELETE_EXPIRED_EXPORTS, ignore_result=True)
def delete_expired_exports_task() -> int:
    """Delete export files older than EXPORT_RETENTION_DAYS (beat, hourly); idempotent."""
    return delete_expired_exports()


@shared_task(name=CHECK_CONTRIBUTION, ignore_result=True)
def check_contribution(contribution_id: int) -> bool:
    """The automatic check of a new contribution (services.precheck); idempotent. A check that fails is logged:
    the contribution stays as it was written (it is never lost for a failed check)."""
    try:
        return check_contribution_service(contribution_id=contribution_id) is not None
    except Exception:
        logger.exception("the automatic check of contribution %s failed", contribution_id)
        return False


@shared_task(name=MAIL_MODERATORS, ignore_result=True)
def mail_moderators(consultation_id: int) -> int:
    """Mail the moderators who opted in about what waits in a consultation (at most one an hour each)."""
    return mail_moderators_service(consultation_id=consultation_id)
