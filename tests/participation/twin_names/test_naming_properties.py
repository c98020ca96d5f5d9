"""participation.twin_names with generated values: a name, a description and the code search answer any text
(codes, terms, "no value" markers, anything an import brought) with text, never an exception."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from participation import twin_names
from tests.support.properties import tried

pytestmark = pytest.mark.usefixtures("english")

codes = st.one_of(
    st.text(max_size=20),
    st.from_regex(r"\A[0-9]{4,5}(_[0-9]{4})?\Z"),
    st.sampled_from(["31001_1000", "31001_3041", "1000", "9999", "", " ", ", ", "²", "voetpad", "NULL", "-"]),
)


@given(
    twin_id=st.text(max_size=8),
    name=st.text(max_size=8),
    address=st.text(max_size=8),
    function=codes,
    building=st.booleans(),
    storeys=st.none() | st.integers(-5, 10**6),
    height=st.none() | st.floats(allow_nan=True, allow_infinity=True),
)
@example(twin_id="a", name="", address="", function="²", building=True, storeys=-1, height=float("nan"))
@example(twin_id="a", name="", address="", function="", building=True, storeys=None, height=float("inf"))
def test_label(twin_id, name, address, function, building, storeys, height):
    tried("twin_names.label")
    text = twin_names.label(
        twin_id=twin_id,
        name=name,
        address=address,
        kind_label="Gebäude",
        function=function,
        building=building,
        storeys=storeys,
        height=height,
    )
    assert isinstance(text, str)


@given(codes)
def test_function_and_roof_labels(value):
    tried("twin_names.function_label / roof_label")
    assert isinstance(twin_names.function_label(value, building=True), str)
    assert isinstance(twin_names.function_label(value, building=False), str)
    assert isinstance(twin_names.roof_label(value), str)


@given(st.text(max_size=20))
@example("\x00\x00\x00")
def test_code_matches(query):
    tried("twin_names.code_matches")
    twin_names.code_matches(query)
