"""What the JSON APIs answer when a request body cannot be read or an object is not there: a sentence in the
user's language, never a parser's or Django's internals ("JSON parse error - Expecting value: line 1 column 1",
"No ProposalPage matches the given query.")."""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.views import exception_handler as drf_exception_handler

from participation.api.parsers import NestedTooDeep


def exception_handler(exc, context):
    if isinstance(exc, ParseError) and not isinstance(exc, NestedTooDeep):
        exc = ParseError(_("The request body cannot be read: please send valid JSON."))
    elif isinstance(exc, Http404):
        exc = NotFound()
    return drf_exception_handler(exc, context)


def error_response(status: int, message: str) -> JsonResponse:
    """An error of the JSON API outside a DRF view (no such path, a server error): ``{"detail": message}``."""
    return JsonResponse({"detail": message}, status=status)
