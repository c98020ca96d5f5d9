"""participation.twin.crs with generated names: a CRS is known or refused with TwinImportError, never another
exception; EPSG codes in any of the spellings files use read as the same CRS."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from participation.twin import crs
from participation.twin.records import TwinImportError
from tests.support.properties import tried

pytestmark = pytest.mark.usefixtures("english")

names = st.one_of(
    st.text(max_size=30),
    st.integers(0, 10**6).map(lambda code: f"EPSG:{code}"),
    st.sampled_from(["urn:adv:crs:ETRS89_UTM32*DE_DHHN2016_NH", "urn:adv:crs:", "EPSG:", "epsg:1e9", "+proj=xyz"]),
    st.from_regex(r"\Ahttps?://www\.opengis\.net/def/crs/EPSG/0/[0-9]{0,8}\Z"),
)


@given(names)
@example("EPSG:4326\x00")
@example("x" * 10_000)
@example('{"type": "GeographicCRS"}')
def test_parse_crs(name):
    tried("twin.crs.parse_crs")
    try:
        crs.parse_crs(name)
    except TwinImportError as error:
        assert error.message


@given(
    st.sampled_from([25832, 28992, 4326, 31468, 3857]),
    st.sampled_from(
        [
            "EPSG:{}",
            "urn:ogc:def:crs:EPSG::{}",
            "https://www.opengis.net/def/crs/EPSG/0/{}",
            "http://www.opengis.net/gml/srs/epsg.xml#{}",
        ]
    ),
)
def test_every_spelling_of_an_epsg_code(code, spelling):
    tried("twin.crs.parse_crs (spellings)")
    assert crs.parse_crs(spelling.format(code)).to_epsg() == code
