"""The mail that tells a staff member their twin import finished: sent once, whatever the task's deliveries.

The task's message is acknowledged late, so a worker that dies after an import
finished gets its task delivered again; this mail goes out from every delivery
that finds it unsent. The job row is locked, marked and the mail handed to the
mail server in one transaction: a second delivery waits for the lock and then
finds the mark. What is left is at-least-once for the moment between the mail
server taking the mail and the COMMIT (one statement): a worker killed exactly
then sends it again. A mail server that refuses is logged, and the job stays
unmarked for a later delivery.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from participation.models import TwinImportJob, TwinImportStatus
from participation.selectors import mail_sender, site_profile

logger = logging.getLogger(__name__)


def mail_twin_import_finished(*, job_id: int) -> bool:
    """Mail a finished job's outcome to whoever started it, unless that mail went out already; True if sent now."""
    try:
        with transaction.atomic():
            job = (
                TwinImportJob.objects.select_for_update(of=("self",))
                .select_related("started_by")
                .filter(
                    pk=job_id,
                    status__in=[TwinImportStatus.DONE, TwinImportStatus.FAILED],
                    mail_sent_at__isnull=True,
                    started_by__isnull=False,
                )
                .exclude(started_by__email="")
                .first()
            )
            if job is None:
                return False
            with translation.override(job.language or settings.LANGUAGE_CODE):
                subject, body = _message(job)
            TwinImportJob.objects.filter(pk=job_id).update(mail_sent_at=timezone.now())
            send_mail(subject, body, mail_sender(), [job.started_by.email])
    except Exception:
        logger.exception("twin import %s: the mail to its starter was not sent", job_id)
        return False
    return True


def _message(job: TwinImportJob) -> tuple[str, str]:
    site = site_profile().full_name
    names = {"site": site, "file": job.file_name}
    link = settings.BASE_URL + reverse("participation_twin_import_job", args=[job.pk])
    if job.status == TwinImportStatus.DONE:
        summary = job.summary or {}
        subject = _("%(site)s: the twin import of “%(file)s” is done") % names
        outcome = _(
            "The twin import of “%(file)s” is done: %(created)s objects created, %(updated)s updated, "
            "%(skipped)s skipped, %(removed)s removed."
        ) % {
            **names,
            "created": sum((summary.get("created") or {}).values()),
            "updated": sum((summary.get("updated") or {}).values()),
            "skipped": sum((summary.get("skipped") or {}).values()),
            "removed": summary.get("removed", 0),
        }
    else:
        subject = _("%(site)s: the twin import of “%(file)s” failed") % names
        failed = _("The twin import of “%(file)s” failed; nothing of the file was imported.") % names
        outcome = f"{failed}\n\n{job.error}"
    body = "\n\n".join(
        [
            _("Hello,"),
            outcome,
            _("The import's page: %(link)s") % {"link": link},
            "-- \n" + site,
        ]
    )
    return subject, body + "\n"
