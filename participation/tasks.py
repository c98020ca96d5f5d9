"""Celery tasks of the participation app: thin, each over a service that does the work."""

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from celery import shared_task
from django.conf import settings
from django.db import connections
from django.utils import timezone

from participation.services.exports import (
    DELETE_EXPIRED_EXPORTS,
    RUN_EXPORT,
    delete_expired_exports,
    run_export_job,
)
from participation.services.jobs import Busy
from participation.services.moderation import CHECK_CONTRIBUTION, MAIL_MODERATORS
from participation.services.moderator_mail import mail_moderators as mail_moderators_service
from participation.services.notification_mail import Sent, send_digest, send_notification
from participation.services.notifications import (
    QUEUE_DAILY_DIGESTS,
    SEND_DIGEST,
    SEND_NOTIFICATION,
    queue_daily_digests,
)
from participation.services.open_data import BUILD_OPEN_DATA, REFRESH_OPEN_DATA, build_open_data, refresh_open_data
from participation.services.phases import PhaseChange, switch_phases
from participation.services.precheck import check_contribution as check_contribution_service
from participation.services.scheduled_pages import publish_scheduled_pages
from participation.services.twin_imports import RUN_TWIN_IMPORT, run_twin_import_job
from participation.services.twin_tiles import WARM_TWIN_TILES, warm_twin_tiles

logger = logging.getLogger(__name__)

RUN_SCHEDULE = "participation.tasks.run_schedule"


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


@shared_task(name=RUN_SCHEDULE, ignore_result=True)
def run_schedule() -> list[dict]:
    """What is due by the clock (beat, every SCHEDULE_SECONDS; the server process in the embedded default):
    Wagtail's scheduled publishing, then the phases whose date passed. Idempotent; two runs at once do the
    work once. Returns the phase changes announced."""
    now = timezone.now()
    publish_scheduled_pages(now=now)
    changes: list[PhaseChange] = switch_phases(now=now)  # each committed: its frame and mails on their way
    for change in changes:
        logger.info("consultation %s: phase %s -> %s", change.consultation_id, change.old, change.new)
    return [{"consultation": c.consultation_id, "old": c.old.value, "new": c.new.value} for c in changes]


class InProcessSchedule:
    """``run_schedule`` every SCHEDULE_SECONDS inside the ASGI server process, where no Celery beat runs (the
    embedded default, SCHEDULE_IN_PROCESS): ``make run`` switches phases and publishes scheduled pages as
    production does. It runs on a thread of its own, so no request waits for it, and a failed run is logged
    and tried again at the next interval. Started by ``forum.asgi`` with the server's loop."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task | None = None
        self._executor: ThreadPoolExecutor | None = None

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        if not settings.SCHEDULE_IN_PROCESS or self._loop is loop:
            return
        self._loop = loop
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="schedule")
        self._task = loop.create_task(self._every_interval(loop))

    def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
        self._loop, self._task = None, None
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False)  # a run under way finishes on its thread; the server does not wait

    async def _every_interval(self, loop: asyncio.AbstractEventLoop) -> None:
        while self._loop is loop:
            await asyncio.sleep(settings.SCHEDULE_SECONDS)
            if self._executor is None:
                return
            await loop.run_in_executor(self._executor, self.run_once)

    @staticmethod
    def run_once() -> None:
        try:
            run_schedule()
        except Exception:
            logger.exception("the periodic run (phases, scheduled pages) failed; trying again at the next interval")
        finally:
            connections.close_all()  # this thread's connections: not held open between runs


in_process_schedule = InProcessSchedule()
