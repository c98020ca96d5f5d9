"""The public pages with generated input: a consultation's page with any ``?page=``, and its comment form (text,
a point, a drawn place as GeoJSON, a twin object, a reply's parent, a proposal) with generated fields. Every
answer is a page (a 4xx with the form and its message where the input is refused), never a 500; a refused comment
leaves every table as it was."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from participation.models import Contribution
from tests.support import factories
from tests.support.factories import box
from tests.support.pages import browser, comment_form
from tests.support.properties import rolled_back, row_counts, tried

pytestmark = pytest.mark.django_db

EXAMPLES = 40
page_numbers = st.one_of(
    st.integers(-5, 2**70).map(str),
    st.text(max_size=8),
    st.sampled_from(["²", "٣", "1" * 5000, "0", "1.5", "last", " 1"]),
)


@pytest.fixture
def consultation():
    consultation = factories.consultation("participate", area=box(11.0, 48.0, 11.2, 48.2))
    factories.proposal(consultation)
    factories.comment(consultation)
    return consultation


@settings(max_examples=EXAMPLES)
@given(number=page_numbers, logged_in=st.booleans())
@example(number="²", logged_in=False)
@example(number="²", logged_in=True)
@example(number="1" * 5000, logged_in=False)
def test_any_page_number(consultation, citizen, number, logged_in):
    tried("pages: ?page= of a consultation")
    response = browser(citizen if logged_in else None).get(consultation.url, {"page": number})
    assert response.status_code == 200


coordinates = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(11.0, 11.2).map(str),
    st.floats(48.0, 48.2).map(str),
    st.text(max_size=6),
    st.sampled_from(["", "1e400", "²"]),
)
ids = st.one_of(st.integers(-(2**70), 2**70).map(str), st.sampled_from(["", "²", "1" * 30, "x"]))


def _drawings():
    point = st.builds(
        lambda x, y: {"type": "Point", "coordinates": [x, y]}, st.floats(11.0, 11.2), st.floats(48.0, 48.2)
    )
    ring = st.lists(st.tuples(st.floats(10.9, 11.3), st.floats(47.9, 48.3)).map(list), min_size=0, max_size=5)
    polygon = ring.map(lambda points: {"type": "Polygon", "coordinates": [points + points[:1]]})
    line = ring.map(lambda points: {"type": "LineString", "coordinates": points})
    return st.one_of(point, polygon, line).map(json.dumps) | st.text(max_size=20) | st.just("")


@settings(max_examples=EXAMPLES)
@given(
    fields=st.fixed_dictionaries(
        {},
        optional={
            "text": st.text(max_size=40) | st.just("x" * 6000),
            "latitude": coordinates,
            "longitude": coordinates,
            "geometry": _drawings(),
            "twin_feature": ids,
            "parent": ids,
            "proposal": ids,
        },
    )
)
@example(fields={"latitude": "48.1", "longitude": "11.1", "geometry": '{"type": "Point", "coordinates": [NaN, 1]}'})
@example(fields={"parent": "²"})
@example(fields={"text": "a\x00b"})
def test_the_comment_form(consultation, citizen, settings, fields):
    tried("pages: comment form")
    settings.RATELIMIT_CONTRIBUTIONS = "100000/m"
    client = browser(citizen)
    before = row_counts()
    with rolled_back():
        response = client.post(consultation.url, comment_form(**fields))
        assert response.status_code in (302, 400, 404, 409), response.status_code
        if response.status_code != 302:
            assert row_counts() == before
            assert 'role="alert"' in response.content.decode() or "errorlist" in response.content.decode()
        else:
            assert Contribution.objects.count() == before["participation.Contribution"] + 1
    assert not math.isnan(len(fields))  # (the fields were sent as generated)
