"""Twin imports started in the admin, read back: recent jobs, their progress and their summaries."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from participation.models import TwinImportJob, TwinImportStatus
from participation.selectors.jobs import job_status
from participation.twin.summary import summary_from_json


def recent_twin_imports(limit: int = 20) -> list[TwinImportJob]:
    return list(TwinImportJob.objects.select_related("started_by")[:limit])


def twin_import(*, pk: int) -> TwinImportJob | None:
    return TwinImportJob.objects.select_related("started_by").filter(pk=pk).first()


def summary_table(job: TwinImportJob) -> dict[str, Any] | None:
    """The stored summary as the admin shows it: rows per kind (labels in the reader's language) and totals."""
    summary = summary_from_json(job.summary)
    if summary is None:
        return None
    rows = summary.rows()
    return {
        "summary": summary,
        "rows": rows,
        "totals": [sum(row[column] for row in rows) for column in (1, 2, 3)],
        "skip_reasons": sorted(summary.skip_reasons.items(), key=lambda item: (-item[1], item[0])),
    }


def progress_text(job: TwinImportJob) -> str:
    """The progress in words, beside the bar (and for screen readers)."""
    values = {"done": job.progress_done, "total": job.progress_total or 0, "percent": job.percent or 0}
    if job.status == TwinImportStatus.QUEUED:
        return _("Waiting for a worker to start the import.")
    if job.status == TwinImportStatus.FAILED:
        return _("The import stopped; nothing was changed.")
    if job.status == TwinImportStatus.DONE:
        return _("%(done)d of %(total)d objects (100 %%).") % values
    if not job.progress_total:
        return _("Reading the file…") if not job.progress_done else _("%(done)d objects so far.") % values
    return _("%(done)d of %(total)d objects (%(percent)d %%).") % values


def twin_import_status(job: TwinImportJob) -> dict[str, Any]:
    """What the job page polls: state, counts, the progress in words and the message of a failure."""
    return job_status(job, progress_text=progress_text(job))
