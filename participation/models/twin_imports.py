"""Twin files uploaded in the admin and imported by a Celery task, with their progress."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TwinImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def _twin_import_upload_to(job: TwinImportJob, filename: str) -> str:
    # A folder per upload keeps the file's own name (and its ".city.json") intact.
    return f"twin-imports/{uuid.uuid4().hex}/{filename}"


class TwinImportJob(models.Model):
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
    # The language of whoever started the job: the importer's messages are stored in it.
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TwinImportStatus.choices, default=TwinImportStatus.QUEUED, db_index=True
    )
    progress_done = models.PositiveIntegerField(_("objects handled"), default=0)
    progress_total = models.PositiveIntegerField(_("objects in the file"), null=True, blank=True)
    summary = models.JSONField(_("summary"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The lease of the worker that runs the job: how often it was claimed (a worker that died mid-import
    # leaves the job "running"; a redelivered task takes it over once heartbeat_at is older than the lease),
    # and when that worker last said it was alive (services.twin_imports).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    # When the mail "your import finished" went to whoever started the job; set once, in the transaction
    # that sends it, so a redelivered task does not send it again.
    mail_sent_at = models.DateTimeField(_("mail sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("twin import")
        verbose_name_plural = _("twin imports")
        ordering = ["-created_at", "-id"]
        # "participation.import_twin": given to staff (e.g. the Editors group) in the admin's group settings.
        permissions = [("import_twin", _("Can import twin files"))]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {TwinImportStatus.DONE, TwinImportStatus.FAILED}

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return 100 if self.status == TwinImportStatus.DONE else None
        return min(100, round(100 * self.progress_done / self.progress_total))
