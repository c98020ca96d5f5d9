"""The city's digital twin: its objects, and the objects staff tie to consultations and proposals."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable

from participation import twin_names
from participation.models.pages import ConsultationPage, ProposalPage


class TwinKind(models.TextChoices):
    BUILDING = "building", _("Building")
    BUILDING_PART = "building_part", _("Building part")
    ROAD = "road", _("Road")
    STREET = "street", _("Street")
    SQUARE = "square", _("Square")
    PARK = "park", _("Park")
    LAND_USE = "land_use", _("Land use")
    PLANT_COVER = "plant_cover", _("Vegetation")
    WATER = "water", _("Water")
    BRIDGE = "bridge", _("Bridge")
    CITY_FURNITURE = "city_furniture", _("City furniture")
    OTHER = "other", _("Other")


BUILDING_KINDS = (TwinKind.BUILDING, TwinKind.BUILDING_PART)
# More words a search for a kind finds it by, besides the kind's name ("Wasser" for "Gewässer").
KIND_SEARCH_WORDS = {
    TwinKind.BUILDING: _("house, houses"),
    TwinKind.ROAD: _("street, road, path, way"),
    TwinKind.STREET: _("road, path, way"),
    TwinKind.SQUARE: _("plaza, place"),
    TwinKind.PARK: _("green space, garden"),
    TwinKind.PLANT_COVER: _("green, plants, trees, grass"),
    TwinKind.WATER: _("water, river, canal, lake, pond"),
    TwinKind.BRIDGE: _("footbridge, overpass"),
    TwinKind.CITY_FURNITURE: _("bench, lamp, fountain"),
}


LABEL_FIELDS = ("twin_id", "name", "address", "kind", "function", "storeys", "height")


def twin_label(values: dict) -> str:
    """``TwinFeature.label`` of a row's values (LABEL_FIELDS), e.g. for a feed that reads rows, not models."""
    kind = values["kind"]
    return twin_names.label(
        twin_id=values["twin_id"],
        name=values["name"],
        address=values["address"],
        kind_label=TwinKind(kind).label if kind in TwinKind.values else kind,
        function=values["function"],
        building=kind in BUILDING_KINDS,
        storeys=values["storeys"],
        height=values["height"],
    )


class TwinFeature(models.Model):
    """One object of the city's digital twin, imported from CityGML, CityJSON or GeoJSON.

    Rows are updated in place on re-import (by source and twin id) and removed
    only on request, so that contributions can point at them with PROTECT.
    """

    source = models.CharField(_("source"), max_length=255, help_text=_("The dataset the object came from."))
    twin_id = models.CharField(_("twin id"), max_length=255, help_text=_("The object's id in its dataset."))
    kind = models.CharField(_("kind"), max_length=20, choices=TwinKind.choices, default=TwinKind.OTHER)
    name = models.CharField(_("name"), max_length=255, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    function = models.CharField(_("function"), max_length=255, blank=True)
    roof_type = models.CharField(_("roof type"), max_length=100, blank=True)
    height = models.FloatField(_("height (m)"), null=True, blank=True)
    storeys = models.PositiveSmallIntegerField(_("storeys above ground"), null=True, blank=True)
    # GeoJSON geometry in WGS84, lon/lat order: the footprint of solids, the line of a street.
    geometry = models.JSONField(_("geometry"))
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    # Bounding box in columns so that map queries ("what lies in this view") use indexes.
    # One index per column: PostgreSQL combines them (bitmap AND) for a view's four conditions.
    min_lon = models.FloatField(db_index=True)
    min_lat = models.FloatField(db_index=True)
    max_lon = models.FloatField(db_index=True)
    max_lat = models.FloatField(db_index=True)
    # The smallest map tile holding the box, as a quadtree key (participation.twin_tiles.tile_key): a base map
    # tile finds its objects by a few ranges of this index, however large the city. Empty: found everywhere.
    tile_key = models.CharField(max_length=24, blank=True, default="", db_index=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    imported_at = models.DateTimeField(_("first imported"), default=timezone.now)
    updated_at = models.DateTimeField(_("last imported"), default=timezone.now)

    class Meta:
        verbose_name = _("twin feature")
        verbose_name_plural = _("twin features")
        ordering = ["source", "twin_id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "twin_id"], name="twin_feature_unique_per_source"),
        ]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="twin_feature_centroid"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_building(self) -> bool:
        return self.kind in BUILDING_KINDS

    @property
    def label(self) -> str:
        """How pages name the object: its name, else its address, else what it is ("Wohngebäude, 3 Geschosse,
        9,5 m"); never its twin id. In the active language."""
        return twin_label({name: getattr(self, name) for name in LABEL_FIELDS})

    @property
    def is_named(self) -> bool:
        """True if the label is the object's own name or address, not a description of what it is."""
        return bool(self.address or (self.name and self.name.strip() != self.twin_id))

    @property
    def category(self) -> str:
        """What the object is, in a word or two: "Kirche", "Fußweg", else its kind."""
        return twin_names.category(
            kind_label=self.get_kind_display(), function=self.function, building=self.is_building
        )

    @property
    def function_label(self) -> str:
        return twin_names.function_label(self.function, building=self.is_building)

    @property
    def roof_label(self) -> str:
        return twin_names.roof_label(self.roof_type) if self.is_building else ""


class TwinFeatureLink(Orderable):
    """A twin object tied to a page: what the consultation or proposal is about."""

    twin_feature = models.ForeignKey(
        TwinFeature, on_delete=models.PROTECT, related_name="+", verbose_name=_("twin object")
    )
    panels = [FieldPanel("twin_feature")]

    class Meta(Orderable.Meta):
        abstract = True

    def __str__(self) -> str:
        return str(self.twin_feature)


class ConsultationTwinFeature(TwinFeatureLink):
    page = ParentalKey(ConsultationPage, on_delete=models.CASCADE, related_name="twin_feature_links")

    class Meta(TwinFeatureLink.Meta):
        constraints = [
            models.UniqueConstraint(fields=["page", "twin_feature"], name="consultation_twin_feature_once"),
        ]


class ProposalTwinFeature(TwinFeatureLink):
    page = ParentalKey(ProposalPage, on_delete=models.CASCADE, related_name="twin_feature_links")

    class Meta(TwinFeatureLink.Meta):
        constraints = [
            models.UniqueConstraint(fields=["page", "twin_feature"], name="proposal_twin_feature_once"),
        ]
