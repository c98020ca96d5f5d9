"""CRS names as files write them, and reprojection to WGS84 that keeps heights."""

import pytest
from shapely.geometry import Point

from participation.twin import crs
from participation.twin.records import TwinImportError

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("EPSG:25832", "EPSG:25832"),
        ("epsg:25832", "EPSG:25832"),
        ("urn:ogc:def:crs:EPSG::25832", "EPSG:25832"),
        ("urn:ogc:def:crs:EPSG:6.12:25832", "EPSG:25832"),
        ("http://www.opengis.net/def/crs/EPSG/0/25832", "EPSG:25832"),
        ("http://www.opengis.net/gml/srs/epsg.xml#25832", "EPSG:25832"),
        ("urn:adv:crs:ETRS89_UTM32*DE_DHHN2016_NH", "EPSG:25832"),
        ("urn:adv:crs:ETRS89_UTM33*DE_DHHN92_NH", "EPSG:25833"),
        ("urn:adv:crs:DE_DHDN_3GK4*DE_DHHN92_NH", "EPSG:31468"),
        ("https://www.opengis.net/def/crs/EPSG/0/7415", "EPSG:28992"),  # RD New + NAP: the horizontal part
        ("urn:ogc:def:crs,crs:EPSG::25832,crs:EPSG::7837", "EPSG:25832"),
        ("urn:ogc:def:crs:OGC:1.3:CRS84", "OGC:CRS84"),
        ("EPSG:4979", "EPSG:4326"),  # WGS 84 3D -> 2D
    ],
)
def test_names_of_crs_and_their_horizontal_part(name, code):
    assert ":".join(crs.horizontal_part(crs.parse_crs(name)).to_authority()) == code


@pytest.mark.parametrize("name", ["EPSG:999999", "", "nonsense", "urn:adv:crs:NOWHERE*DE_DHHN92_NH"])
def test_unknown_names_are_refused(name):
    with pytest.raises(TwinImportError, match="Unknown coordinate reference system"):
        crs.parse_crs(name)


@pytest.mark.parametrize("name", ["EPSG:7837", "EPSG:4978"])  # a height system alone, earth-centred XYZ
def test_crs_that_are_not_map_crs_are_refused(name):
    with pytest.raises(TwinImportError, match="not one of maps"):
        crs.horizontal_part(crs.parse_crs(name))


def test_reprojection_keeps_z_as_height():
    point = crs.to_wgs84("EPSG:25832")(Point(691051.62, 5336029.95, 509.79))
    assert point.has_z and point.z == 509.79
    assert point.x == pytest.approx(11.5686565, abs=1e-7) and point.y == pytest.approx(48.1487999, abs=1e-7)


def test_wgs84_is_left_alone():
    point = Point(11.6, 48.2)
    assert crs.to_wgs84("urn:ogc:def:crs:OGC:1.3:CRS84")(point) is point
