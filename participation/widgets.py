"""Admin widget: draw a consultation's area on a Leaflet map.

The GeoJSON stays in a visible, labelled text field, so the area can also be
pasted or corrected by keyboard; the map is a help, not the only way.
"""

from django import forms
from django.conf import settings


class AreaWidget(forms.Textarea):
    template_name = "participation/widgets/area_widget.html"

    def __init__(self, attrs=None):
        super().__init__(attrs={"rows": 4, "class": "area-widget__geojson", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["map"] = {
            "center": settings.MAP_CENTER,
            "zoom": settings.MAP_ZOOM,
            "tile_url": settings.MAP_TILE_URL,
            "attribution": settings.MAP_TILE_ATTRIBUTION,
        }
        return context

    @property
    def media(self):
        return forms.Media(
            css={"all": ["leaflet/leaflet.css", "leaflet/draw/leaflet.draw.css", "participation/area-widget.css"]},
            js=["leaflet/leaflet.js", "leaflet/draw/leaflet.draw.js", "participation/area-widget.js"],
        )
