"""The open data page (/open-data/, linked from every page's footer): what the site publishes, how to get it
(the JSON API, the OGC API for GIS tools, downloads per consultation) and under which licence."""

from __future__ import annotations

from django.conf import settings
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_safe
from wagtail.coreutils import get_supported_content_language_variant

from participation import selectors

PHASE_FIELDS = ("participation_starts", "participation_ends", "voting_starts", "voting_ends", "voting_method")


@require_safe
def open_data(request):
    context = {
        # Their results' publication needs the phase: the dates and the voting method.
        "consultations": selectors.consultations_with_open_data(site=selectors.site_scope_for_request(request)).only(
            "pk", "title", "live", "results_published", *PHASE_FIELDS
        ),
        "ogc_url": request.build_absolute_uri(reverse("ogc:landing")),
        "license_name": settings.OPEN_DATA_LICENSE,
        "license_url": settings.OPEN_DATA_LICENSE_URL,
        # Titles are what staff wrote, in the site's content language.
        "content_language": get_supported_content_language_variant(settings.LANGUAGE_CODE),
    }
    return TemplateResponse(request, "participation/open_data.html", context)
