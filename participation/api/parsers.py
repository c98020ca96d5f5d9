"""Reading the JSON APIs' request bodies: at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes (a 413 beyond) and at most
``inputs.JSON_MAX_DEPTH`` levels deep (a 400), so that no body can exhaust the server's memory or stack."""

from __future__ import annotations

import codecs

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError

from participation.errors import InvalidInput
from participation.inputs import JSONTooDeep, parse_json


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"

    def __init__(self):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        super().__init__(_("The request body is too large: at most %(kb)d kB.") % {"kb": limit // 1024})


class NestedTooDeep(ParseError):
    """A body that is JSON, but nested too deeply: said as such (other parse errors say "send valid JSON")."""


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is None:
            body = stream.read()
        else:
            body = stream.read(limit + 1)
            if len(body) > limit:
                raise RequestTooLarge()
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return parse_json(codecs.decode(body, encoding))
        except JSONTooDeep as error:
            raise NestedTooDeep(error.message) from None
        except (InvalidInput, UnicodeDecodeError, LookupError):
            raise ParseError() from None
