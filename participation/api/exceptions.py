"""What the JSON APIs answer when a request body cannot be read or an object is not there: a sentence in the
user's language, never a parser's or Django's internals ("JSON parse error - Expecting value: line 1 column 1",
"No ProposalPage matches the given query.")."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, ParseError):
        exc = ParseError(_("The request body cannot be read: please send valid JSON."))
    elif isinstance(exc, Http404):
        exc = NotFound()
    return drf_exception_handler(exc, context)
