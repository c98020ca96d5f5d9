"""Exports of a consultation (CSV, XLSX, GeoJSON), made by a Celery task and downloaded by staff."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.models.jobs import Job, JobStatus
from participation.models.pages import ConsultationPage


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel workbook (XLSX), one sheet per kind")
    CSV = "csv", _("CSV files, one per kind, in a ZIP archive")
    GEOJSON = "geojson", _("GeoJSON: the contributions with a place")


def export_upload_to(job: ExportJob, filename: str) -> str:
    # A folder no one can guess: the file is served only through the staff view, never by its address.
    return f"exports/{secrets.token_hex(16)}/{filename}"


class ExportJob(Job):
    """One export of a consultation, written by a Celery task (participation.tasks.run_export).

    Progress counts the rows written against the rows counted before the
    first one. The file is deleted EXPORT_RETENTION_DAYS after it was made;
    the row stays, so the admin still lists who exported what and when.
    """

    consultation = models.ForeignKey(
        ConsultationPage, on_delete=models.CASCADE, related_name="exports", verbose_name=_("consultation")
    )
    format = models.CharField(_("format"), max_length=10, choices=ExportFormat.choices)
    file = models.FileField(_("file"), upload_to=export_upload_to, max_length=500, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"), default=0)
    progress_done = models.PositiveIntegerField(_("rows written"), default=0)
    progress_total = models.PositiveIntegerField(_("rows to write"), null=True, blank=True)
    counts = models.JSONField(_("rows per kind"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now, db_index=True)
    expired_at = models.DateTimeField(_("file deleted"), null=True, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.consultation_id} {self.format} ({self.get_status_display()})"

    @property
    def is_downloadable(self) -> bool:
        return self.status == JobStatus.DONE and bool(self.file) and self.expired_at is None
