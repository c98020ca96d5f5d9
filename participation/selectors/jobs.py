"""What the admin's job pages (twin imports, exports) poll: one shape of status for one script."""

from __future__ import annotations

from typing import Any


def job_status(job, *, progress_text: str, **extra: Any) -> dict[str, Any]:
    """A job's state, counts, progress in words and the message of a failure (job-progress.js reads it)."""
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "done": job.progress_done,
        "total": job.progress_total,
        "percent": job.percent,
        "progress_text": progress_text,
        "finished": job.is_finished,
        "error": job.error,
        **extra,
    }
