"""The open data download of a consultation whose results are published: an anonymised ZIP in the storage."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.models.pages import ConsultationPage


def open_data_upload_to(dump: OpenDataDump, filename: str) -> str:
    # A new folder for each build: a download under way keeps its file while the next one is written.
    return f"open-data/{secrets.token_hex(8)}/{filename}"


class OpenDataDump(models.Model):
    """The latest open data ZIP of a consultation (participation.tasks.build_open_data writes it).

    ``stamp`` names the state it was built from (the consultation's results
    revision and its published page revision): a build for the same stamp does
    nothing. Kept apart from the page, so that a page revision published again
    never brings back an older file.
    """

    consultation = models.OneToOneField(
        ConsultationPage, on_delete=models.CASCADE, related_name="open_data", verbose_name=_("consultation")
    )
    file = models.FileField(_("file"), upload_to=open_data_upload_to, max_length=500)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"), default=0)
    counts = models.JSONField(_("rows per kind"), default=dict)
    stamp = models.CharField(max_length=100)
    built_at = models.DateTimeField(_("made"), default=timezone.now)

    class Meta:
        verbose_name = _("open data download")
        verbose_name_plural = _("open data downloads")

    def __str__(self) -> str:
        return f"{self.consultation_id} ({self.built_at:%Y-%m-%d})"
