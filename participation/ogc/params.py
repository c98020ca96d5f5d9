"""Query parameters of the OGC API: read, checked, and refused with a 400 when they make no sense."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from participation import inputs
from participation.errors import InvalidInput

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

# What each kind of resource understands; anything else is refused (/req/core/query-param-unknown).
# ``crs`` and ``bbox-crs`` are accepted when they name CRS84, the only CRS offered.
COMMON_PARAMETERS = frozenset({"f"})
ITEM_PARAMETERS = COMMON_PARAMETERS | {"crs"}
ITEMS_PARAMETERS = ITEM_PARAMETERS | {"bbox", "bbox-crs", "limit", "offset", "datetime"}


class OGCError(Exception):
    """An OGC API exception: HTTP status, exception code and a description for people."""

    def __init__(self, status: int, code: str, description: str):
        super().__init__(description)
        self.status, self.code, self.description = status, code, description


def invalid(name: str, description: str) -> OGCError:
    return OGCError(400, "InvalidParameterValue", f"{name}: {description}")


@dataclass(frozen=True)
class ItemsQuery:
    bbox: tuple[float, float, float, float] | None = None  # (west, south, east, north); west > east crosses 180°
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    datetime: tuple[dt.datetime | None, dt.datetime | None] | None = None  # (start, end), None for open
    raw_datetime: str = ""


def check_known(params, allowed: frozenset[str]) -> None:
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise OGCError(
            400,
            "InvalidParameterValue",
            _("Unknown query parameter: %(names)s. This resource understands: %(allowed)s.")
            % {"names": ", ".join(unknown), "allowed": ", ".join(sorted(allowed))},
        )
    for name in ("crs", "bbox-crs"):
        if name in params and params[name] != CRS84:
            raise invalid(name, _("Only %(crs)s (longitude, latitude in WGS 84) is offered.") % {"crs": CRS84})


def items_query(params) -> ItemsQuery:
    """The items query of ``params`` (a QueryDict), or an OGCError for the first value that makes no sense."""
    check_known(params, ITEMS_PARAMETERS)
    raw_datetime = params.get("datetime", "")
    return ItemsQuery(
        bbox=parse_bbox(params["bbox"]) if "bbox" in params else None,
        limit=parse_limit(params.get("limit")),
        offset=parse_offset(params.get("offset")),
        datetime=parse_datetime_range(raw_datetime) if "datetime" in params else None,
        raw_datetime=raw_datetime,
    )


def parse_limit(value: str | None) -> int:
    """1 to MAX_LIMIT; more is served as MAX_LIMIT with a next link (the standard's own example)."""
    if value is None:
        return DEFAULT_LIMIT
    try:
        limit = int(value)
    except ValueError:
        raise invalid("limit", _("Give a whole number from 1 to %(max)d.") % {"max": MAX_LIMIT}) from None
    if limit < 1:
        raise invalid("limit", _("Give a whole number from 1 to %(max)d.") % {"max": MAX_LIMIT})
    return min(limit, MAX_LIMIT)


def parse_offset(value: str | None) -> int:
    if value is None:
        return 0
    try:
        offset = int(value)
    except ValueError:
        raise invalid("offset", _("Give a whole number, 0 or more.")) from None
    if offset < 0:
        raise invalid("offset", _("Give a whole number, 0 or more."))
    return offset


def parse_bbox(value: str) -> tuple[float, float, float, float]:
    try:
        return inputs.parse_bbox(value)
    except InvalidInput as error:
        raise invalid("bbox", error.message) from None


def parse_datetime_range(value: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    """An RFC 3339 instant or interval (``start/end``, ``..`` or nothing for an open end); dates mean whole days.

    At least one end is given (open at both ends is no interval); every instant must exist (no 13th month, no
    25th hour) and lie between the years 1 and 9999 in UTC."""
    message = _("Give an instant or an interval start/end in RFC 3339 (e.g. 2025-05-01).")
    if "/" in value:
        start_text, _slash, end_text = value.partition("/")
        start = None if start_text in ("", "..") else _moment(start_text, end_of_day=False)
        end = None if end_text in ("", "..") else _moment(end_text, end_of_day=True)
        if start is None and end is None:
            raise invalid("datetime", message)
        if start is not None and end is not None and start > end:
            raise invalid("datetime", _("The interval ends before it starts."))
        return (start, end)
    if _date(value) is not None:
        return (_moment(value, end_of_day=False), _moment(value, end_of_day=True))
    moment = _moment(value, end_of_day=False)
    return (moment, moment)


def _date(text: str) -> dt.date | None:
    try:
        return parse_date(text)
    except ValueError:  # well-formed, but no such day (2024-13-45)
        raise invalid("datetime", _("There is no such date or time: %(value)s.") % {"value": text}) from None


def _moment(text: str, *, end_of_day: bool) -> dt.datetime:
    day = _date(text)  # first: Python reads a bare date as a datetime at midnight
    if day is not None:
        return dt.datetime.combine(day, dt.time.max if end_of_day else dt.time.min, tzinfo=dt.UTC)
    try:
        moment = parse_datetime(text)
    except ValueError:
        raise invalid("datetime", _("There is no such date or time: %(value)s.") % {"value": text}) from None
    if moment is None:
        raise invalid("datetime", _("Give an instant or an interval start/end in RFC 3339 (e.g. 2025-05-01)."))
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dt.UTC)  # RFC 3339 requires an offset; read none as UTC
    try:
        return moment.astimezone(dt.UTC)  # the database reads UTC: it refuses offsets beyond ±15:59
    except OverflowError:
        raise invalid("datetime", _("There is no such date or time: %(value)s.") % {"value": text}) from None
