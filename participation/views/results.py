"""A consultation's results on the site, once staff published them (``ConsultationPage.results_are_public``):
the dashboard, and the open data download (the ZIP streamed from the storage). Both are 404 before."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe
from wagtail.coreutils import get_supported_content_language_variant

from participation import selectors
from participation.dashboards import dashboard_context
from participation.services.open_data import download_name


def _public_results_or_404(request, page_pk: int):
    consultation = selectors.published_consultation(pk=page_pk, site=selectors.site_scope_for_request(request))
    if consultation is None or not consultation.results_are_public:
        raise Http404
    return consultation


@require_safe
def consultation_results(request, page_pk: int):
    consultation = _public_results_or_404(request, page_pk)
    context = {
        "consultation": consultation,
        "open_data": selectors.public_open_data(consultation=consultation),
        "content_language": get_supported_content_language_variant(settings.LANGUAGE_CODE),
        **dashboard_context(consultation=consultation),
    }
    return TemplateResponse(request, "participation/consultation_results.html", context)


@require_safe
def consultation_open_data(request, page_pk: int):
    """The ZIP, read from the storage in chunks (whatever its size, little memory)."""
    consultation = _public_results_or_404(request, page_pk)
    dump = selectors.public_open_data(consultation=consultation)
    if dump is None:
        raise Http404
    response = FileResponse(
        dump.file.open("rb"), as_attachment=True, filename=download_name(consultation), content_type="application/zip"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
