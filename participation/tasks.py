"""Celery tasks of the participation app: thin, each over a service that does the work."""

from celery import shared_task

from participation.services.exports import (
    DELETE_EXPIRED_EXPORTS,
    RUN_EXPORT,
    delete_expired_exports,
    run_export_job,
)
from participation.services.jobs import Busy
from participation.services.notification_mail import Sent, send_digest, send_notification
from participation.services.notifications import (
    QUEUE_DAILY_DIGESTS,
    SEND_DIGEST,
    SEND_NOTIFICATION,
    queue_daily_digests,
)
from participation.services.open_data import BUILD_OPEN_DATA, REFRESH_OPEN_DATA, build_open_data, refresh_open_data
from participation.services.twin_imports import RUN_TWIN_IMPORT, run_twin_import_job
from participation.services.twin_tiles import WARM_TWIN_TILES, warm_twin_tiles


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


# A mail server that refused is asked again a few times, minutes apart; the rows say what went out already.
MAIL_RETRY_SECONDS = 300
MAIL_RETRIES = 5


def _again_if_failed(task, outcome: Sent) -> bool:
    if outcome is Sent.FAILED and not task.request.is_eager:
        raise task.retry(countdown=MAIL_RETRY_SECONDS)
    return outcome is Sent.SENT


@shared_task(name=SEND_NOTIFICATION, ignore_result=True, bind=True, max_retries=MAIL_RETRIES)
def send_notification_task(self, notification_id: int) -> bool:
    """Mail one notification, unless it went out already; idempotent."""
    return _again_if_failed(self, send_notification(notification_id=notification_id))


@shared_task(name=SEND_DIGEST, ignore_result=True, bind=True, max_retries=MAIL_RETRIES)
def send_digest_task(self, user_id: int) -> bool:
    """Mail a citizen's waiting notifications as one digest, at most one a day; idempotent."""
    return _again_if_failed(self, send_digest(user_id=user_id))


@shared_task(name=QUEUE_DAILY_DIGESTS, ignore_result=True)
def queue_daily_digests_task() -> int:
    """Queue one digest task per citizen with notifications waiting (beat, daily); idempotent."""
    return queue_daily_digests()


@shared_task(name=BUILD_OPEN_DATA, ignore_result=True)
def build_open_data_task(consultation_id: int) -> bool:
    """Make or delete a consultation's open data download as its results' publication says; idempotent."""
    return build_open_data(consultation_id=consultation_id)


@shared_task(name=REFRESH_OPEN_DATA, ignore_result=True)
def refresh_open_data_task() -> int:
    """Bring the open data downloads up to date with their consultations (beat, hourly); idempotent."""
    return refresh_open_data()
