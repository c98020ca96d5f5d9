"""Where a contribution is: a point, a line or an area, and/or a twin object; checked against the
consultation's area on the server (the browser only helps to draw)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from participation import geometry, selectors
from participation.errors import InvalidInput
from participation.models import ConsultationPage, ProposalPage, TwinFeature


def _clean_point(consultation: ConsultationPage, latitude, longitude) -> tuple[float | None, float | None]:
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    try:
        latitude, longitude = float(latitude), float(longitude)
    except (TypeError, ValueError):
        raise InvalidInput(_("A map pin needs both a latitude and a longitude."), field="location") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise InvalidInput(_("These coordinates do not exist on earth."), field="location")
    if consultation.area and not geometry.contains_point(consultation.area, latitude=latitude, longitude=longitude):
        raise InvalidInput(
            _("The pin lies outside the area of this consultation. Please place it inside the marked area."),
            field="location",
        )
    return latitude, longitude


def _clean_geometry(consultation: ConsultationPage, value) -> geometry.Place | None:
    if value in (None, "", {}):
        return None
    try:
        return geometry.clean_contribution_geometry(value, area=consultation.area)
    except geometry.GeometryError as error:
        raise InvalidInput(error.message, field="geometry") from None


def check_twin_feature(consultation: ConsultationPage, proposal: ProposalPage | None, feature: TwinFeature) -> None:
    """The object must meet the consultation's area, or be one of the objects staff tied to it or the proposal."""
    if not consultation.area or geometry.intersects(consultation.area, feature.geometry):
        return
    if selectors.twin_feature_is_linked(feature=feature, consultation=consultation, proposal=proposal):
        return
    raise InvalidInput(
        _("This object of the twin lies outside the area of this consultation. Please choose one inside it."),
        field="twin_feature",
    )


def clean_place(
    consultation: ConsultationPage,
    proposal: ProposalPage | None,
    *,
    latitude,
    longitude,
    geometry_value,
    twin_feature: TwinFeature | None,
) -> dict:
    """Where the contribution is: a point, a line or an area, and/or a twin object; checked, as model fields."""
    latitude, longitude = _clean_point(consultation, latitude, longitude)
    place = _clean_geometry(consultation, geometry_value)
    if place is not None and latitude is not None:
        raise InvalidInput(
            _("Give either the coordinates of a point or a drawn line or area, not both."), field="geometry"
        )
    if twin_feature is not None:
        check_twin_feature(consultation, proposal, twin_feature)
    if place is not None:
        return {
            "geometry": place.geometry,
            "latitude": place.latitude,
            "longitude": place.longitude,
            "twin_feature": twin_feature,
        }
    shape = {"type": "Point", "coordinates": [longitude, latitude]} if latitude is not None else None
    return {"geometry": shape, "latitude": latitude, "longitude": longitude, "twin_feature": twin_feature}
