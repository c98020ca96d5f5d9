"""Twin files uploaded in the admin and imported by a Celery task, with their progress."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.models.jobs import Job, JobStatus

# The import's states are every job's (participation.models.jobs); the name stays for the import's code.
TwinImportStatus = JobStatus


def _twin_import_upload_to(job: TwinImportJob, filename: str) -> str:
    # A folder per upload keeps the file's own name (and its ".city.json") intact.
    return f"twin-imports/{uuid.uuid4().hex}/{filename}"


class TwinImportJob(Job):
    """One twin file uploaded in the admin and imported by a Celery task (participation.tasks.run_twin_import).

    Progress counts the objects the importer has handled (created, updated or
    skipped) against the number a quick scan of the file counted beforehand.
    """

    file = models.FileField(_("file"), upload_to=_twin_import_upload_to, max_length=500)
    file_name = models.CharField(_("file name"), max_length=255, help_text=_("The name of the uploaded file."))
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"), default=0)
    source = models.CharField(_("source"), max_length=255, help_text=_("The dataset's name; re-imports update it."))
    crs = models.CharField(_("coordinate reference system"), max_length=100, blank=True)
    prune = models.BooleanField(_("remove objects no longer in the file"), default=False)
    progress_done = models.PositiveIntegerField(_("objects handled"), default=0)
    progress_total = models.PositiveIntegerField(_("objects in the file"), null=True, blank=True)
    summary = models.JSONField(_("summary"), null=True, blank=True)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now, db_index=True)
    # When the mail "your import finished" went to whoever started the job; set once, in the transaction
    # that sends it, so a redelivered task does not send it again.
    mail_sent_at = models.DateTimeField(_("mail sent"), null=True, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("twin import")
        verbose_name_plural = _("twin imports")
        # "participation.import_twin": given to staff (e.g. the Editors group) in the admin's group settings.
        permissions = [("import_twin", _("Can import twin files"))]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"
