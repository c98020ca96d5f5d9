"""participation.inputs and participation.numerals, with generated input: every text is either read or refused
with InvalidInput and a message, never another exception; what is read means what was sent."""

from __future__ import annotations

import json
import math

import pytest
from django.test import RequestFactory
from hypothesis import assume, example, given
from hypothesis import strategies as st

from participation import inputs
from participation.errors import InvalidInput
from participation.numerals import ascii_number
from tests.support.properties import tried

pytestmark = pytest.mark.usefixtures("english")

# Numbers as people and programs write them, and what neither does.
number_texts = st.one_of(
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(alphabet="0123456789-+.,eE ²³¹١٢٣߀𝟘", max_size=25),
    st.text(max_size=25),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=20,
)


def _refused_with_a_message(call):
    try:
        return call()
    except InvalidInput as error:
        assert error.message and error.field
        return None


@given(number_texts)
@example("²")
@example("1" * 5000)
@example("٣")
def test_ascii_number_reads_ascii_digits_only(text):
    tried("numerals.ascii_number")
    number = ascii_number(text)
    stripped = text.strip()
    if number is None:
        assert not (stripped.isascii() and stripped.isdigit() and len(stripped) <= 18)
    else:
        assert str(number) == stripped.lstrip("0") or (number == 0 and set(stripped) == {"0"})
        assert 0 <= number < 2**63


@given(number_texts, st.integers(-(2**70), 2**70), st.integers(0, 2**70))
@example("1" * 5000, 0, 10)
@example("²", 0, 10)
def test_whole_number(text, minimum, span):
    tried("inputs.whole_number")
    number = _refused_with_a_message(
        lambda: inputs.whole_number(text, field="limit", minimum=minimum, maximum=minimum + span)
    )
    if number is not None:
        assert minimum <= number <= minimum + span


@given(st.integers(0, inputs.ID_MAX))
def test_whole_number_round_trip(number):
    tried("inputs.whole_number (round trip)")
    assert inputs.whole_number(str(number), field="id") == number


@given(st.text())
@example("a\x00b")
def test_search_text(text):
    tried("inputs.search_text")
    found = _refused_with_a_message(lambda: inputs.search_text(text))
    assert found == (None if "\x00" in text else text)


@given(st.one_of(st.text(max_size=200), st.binary(max_size=200), json_values.map(json.dumps)))
@example("[" * 100_000)
@example(b"\xff\xfe{")
@example('{"a": NaN}')
@example("[" * 33 + "]" * 33)
def test_parse_json(text):
    tried("inputs.parse_json")
    _refused_with_a_message(lambda: inputs.parse_json(text, field="geometry"))


@given(json_values)
def test_parse_json_round_trip(value):
    tried("inputs.parse_json (round trip)")
    assert inputs.parse_json(json.dumps(value)) == value


@given(
    st.lists(number_texts, max_size=7).map(",".join)
    | st.text(alphabet="0123456789.,-eEinfa ", max_size=40)
    | st.text(max_size=40)
)
@example("nan,0,1,1")
@example("1e400,0,1,1")
@example("0,0,1,1,2")
@example(",,,")
def test_parse_bbox_refuses_with_a_message(text):
    tried("inputs.parse_bbox")
    box = _refused_with_a_message(lambda: inputs.parse_bbox(text))
    if box is not None:
        west, south, east, north = box
        assert -180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90


longitudes = st.floats(-180, 180)
latitudes = st.floats(-90, 90)


@given(longitudes, latitudes, longitudes, latitudes, st.data())
def test_parse_bbox_contains_what_lies_in_the_box(west, south, east, north, data):
    """A box sent as text (with as many digits as repr gives) reads back as the same box, and a point inside it,
    across the antimeridian where west > east, lies inside what was read."""
    assume(south <= north)
    tried("inputs.parse_bbox (round trip)")
    box = inputs.parse_bbox(f"{west!r},{south!r},{east!r},{north!r}")
    assert box == (west, south, east, north) or (west == -180 and east == 180 and box[1::2] == (south, north))
    latitude = data.draw(st.floats(south, north))
    if west <= east:
        longitude = data.draw(st.floats(west, east))
        assert box[0] <= longitude <= box[2]
    else:  # across the antimeridian: east of west or west of east
        longitude = data.draw(st.floats(west, 180) | st.floats(-180, east))
        assert longitude >= box[0] or longitude <= box[2]
    assert box[1] <= latitude <= box[3]


@given(st.floats(-1e6, 1e6), latitudes, st.floats(0, 359.9), latitudes)
def test_parse_bbox_wraps_a_scrolled_map(west, south, width, north):
    """A map scrolled around the world sends longitudes beyond ±180°: they are wrapped onto the earth."""
    assume(south <= north and math.isfinite(west + width))
    tried("inputs.parse_bbox (wrapped)")
    box = inputs.parse_bbox(f"{west!r},{south!r},{west + width!r},{north!r}")
    assert all(-180 <= longitude <= 180 for longitude in box[::2])


@given(st.text(max_size=60), st.text(alphabet="0123456789abcdef.:, ", max_size=60), st.text(max_size=20))
@example("", "10.0.0.1, 1.2.3.4", "10.0.0.2")
@example("", "1.2.3.4\x00", "10.0.0.2")
def test_client_address_never_fails(settings, forwarded, more, remote):
    tried("inputs.client_address")
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "::1"]
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded + more, REMOTE_ADDR=remote)
    address = inputs.client_address(request)
    assert address == remote or address in (forwarded + more)
