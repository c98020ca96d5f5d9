"""The city's digital twin: its objects, and the objects staff tie to consultations and proposals."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable

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
        return self.name or self.address or self.twin_id

    @property
    def label(self) -> str:
        """How pages name the object: its name or address, else its kind and twin id."""
        if self.name or self.address:
            return self.name or self.address
        return f"{self.get_kind_display()} {self.twin_id}"


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
