"""The twin's pages: the search for its objects, and the page of one object: what it is, where, and everything
people said and voted about it."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.template.response import TemplateResponse
from wagtail.coreutils import get_supported_content_language_variant

from participation import selectors
from participation.errors import InvalidInput
from participation.inputs import search_text
from participation.twin.credits import source_credit
from participation.views.maps import base_map_config, twin_outline
from participation.views.pages import comment_page

TWIN_SEARCH_PAGE_LIMIT = 50
QUERY_MAX_LENGTH = 100


def twin_search(request):
    """Find objects of the twin by name, address, what they are or id: a plain form and a list of links."""
    query = request.GET.get("q", "").strip()[:QUERY_MAX_LENGTH]
    try:
        search_text(query)
    except InvalidInput as error:
        context = {"query": "", "error": error.message, "results": [], "limit": TWIN_SEARCH_PAGE_LIMIT}
        return TemplateResponse(request, "participation/twin_search.html", context, status=400)
    site = selectors.site_scope_for_request(request)
    results = selectors.search_twin_features(query=query, limit=TWIN_SEARCH_PAGE_LIMIT, site=site) if query else []
    context = {"query": query, "results": results, "limit": TWIN_SEARCH_PAGE_LIMIT}
    return TemplateResponse(request, "participation/twin_search.html", context)


def twin_feature(request, pk: int):
    site = selectors.site_scope_for_request(request)
    feature = selectors.twin_feature(pk=pk, site=site)
    if feature is None:
        raise Http404
    context = {
        "feature": feature,
        "credit": source_credit(feature.source),
        "comments": comment_page(request, selectors.twin_feature_contributions(feature=feature, site=site)),
        "proposals": selectors.twin_feature_proposals(feature=feature, site=site),
        "consultations": selectors.twin_feature_consultations(feature=feature, site=site),
        "map_config": {
            **base_map_config(selectors.site_profile_for_request(request)),
            "feature": twin_outline(feature),
        },
        # What staff wrote (titles) is in the site's content language, whatever the interface's.
        "content_language": get_supported_content_language_variant(settings.LANGUAGE_CODE),
    }
    return TemplateResponse(request, "participation/twin_feature.html", context)
