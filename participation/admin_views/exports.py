"""Exports of a consultation in the Wagtail admin: the format form with the recent exports, one export's
progress (polled) with its download link, the status JSON and the download itself (staff only)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from participation import selectors, services
from participation.admin_views.base import StaffView, require_permission
from participation.errors import ServiceError
from participation.models import ExportFormat

PERMISSION = "participation.export"
KINDS = {
    "contributions": gettext_lazy("Contributions"),
    "votes": gettext_lazy("Votes"),
    "polls": gettext_lazy("Polls"),
    "paper": gettext_lazy("Paper entries"),
}


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=ExportFormat.choices,
        initial=ExportFormat.XLSX,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "No personal data: no names, user names or e-mail addresses. Texts of deleted contributions are left out."
        ),
    )


def _consultation_or_404(pk: int):
    consultation = selectors.exportable_consultation(pk=pk)
    if consultation is None:
        raise Http404
    return consultation


def _job_or_404(pk: int):
    job = selectors.export_job(pk=pk)
    if job is None:
        raise Http404
    return job


def _allowed_job_or_404(request, pk: int):
    job = _job_or_404(pk)
    require_permission(request, PERMISSION, job.consultation)
    return job


class ExportView(StaffView):
    """A consultation's export: the format, and its recent exports with their links."""

    permission = PERMISSION
    template_name = "participation/admin/export.html"
    header_icon = "download"

    def get_permission_object(self, **kwargs):
        self.consultation = _consultation_or_404(kwargs["consultation"])
        return self.consultation

    def get_page_title(self):
        return _("Export: %(title)s") % {"title": self.consultation.title}

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "consultation": self.consultation,
                "form": form or ExportForm(),
                "recent": selectors.recent_exports(consultation_id=self.consultation.pk),
                "retention_days": settings.EXPORT_RETENTION_DAYS,
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        form = ExportForm(request.POST)
        if form.is_valid():
            try:
                job = services.start_export(
                    user=request.user, consultation=self.consultation, format=form.cleaned_data["format"]
                )
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("The export is being prepared."))
                return redirect("participation_export_job", pk=job.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ExportJobView(StaffView):
    """One export: its progress while it runs (the page polls the status view), then its download or error."""

    permission = PERMISSION
    template_name = "participation/admin/export_job.html"
    header_icon = "download"

    def get_permission_object(self, **kwargs):
        self.job = _job_or_404(kwargs["pk"])
        return self.job.consultation

    def get_page_title(self):
        return _("Export: %(title)s") % {"title": self.job.consultation.title}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("participation_export", args=[self.job.consultation_id]),
                "label": self.get_page_title(),
            },
            {"url": "", "label": self.job.get_format_display()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # In the order of the file (a JSON column need not keep its keys' order).
        found = self.job.counts or {}
        counts = [(label, found[key]) for key, label in KINDS.items() if key in found]
        context.update({"job": self.job, "progress_text": selectors.export_progress_text(self.job), "counts": counts})
        return context


@never_cache
@require_GET
def export_status(request, pk: int):
    return JsonResponse(selectors.export_status(_allowed_job_or_404(request, pk)))


@never_cache
@require_GET
def export_download(request, pk: int):
    """The file, to who may export the consultation; a file past its time or not made is gone (404)."""
    job = _allowed_job_or_404(request, pk)
    if not job.is_downloadable:
        raise Http404
    response = FileResponse(
        job.file.open("rb"), as_attachment=True, filename=services.download_name(job), content_type=_TYPES[job.format]
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


_TYPES = {
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.CSV: "application/zip",
    ExportFormat.GEOJSON: "application/geo+json",
}
