"""Admin widget: draw a consultation's area on a Leaflet map, on the twin as base map.

The GeoJSON stays in a visible, labelled text field, so the area can also be
pasted or corrected by keyboard; the map is a help, not the only way. The map's
settings and base map come from the template tag ``map_config`` (the widget sits
below the views and selectors that know the twin).
"""

from django import forms
from django.utils.translation import gettext as _


def draw_labels() -> dict:
    """Leaflet.draw's words (L.drawLocal) for the tools the widget offers, in the request's language."""
    return {
        "draw": {
            "toolbar": {
                "actions": {"title": _("Cancel drawing"), "text": _("Cancel")},
                "finish": {"title": _("Finish drawing"), "text": _("Finish")},
                "undo": {"title": _("Delete the last point drawn"), "text": _("Delete last point")},
                "buttons": {"polygon": _("Draw an area"), "rectangle": _("Draw a rectangle")},
            },
            "handlers": {
                "polygon": {
                    "tooltip": {
                        "start": _("Click to start the area."),
                        "cont": _("Click to continue the area."),
                        "end": _("Click the first point to close the area."),
                    }
                },
                "polyline": {"error": _("The outline must not cross itself.")},
                "rectangle": {"tooltip": {"start": _("Click and drag to draw a rectangle.")}},
                "simpleshape": {"tooltip": {"end": _("Release the mouse to finish the rectangle.")}},
            },
        },
        "edit": {
            "toolbar": {
                "actions": {
                    "save": {"title": _("Save the changes"), "text": _("Save")},
                    "cancel": {"title": _("Cancel editing and discard the changes"), "text": _("Cancel")},
                    "clearAll": {"title": _("Remove the area"), "text": _("Remove all")},
                },
                "buttons": {
                    "edit": _("Change the area"),
                    "editDisabled": _("No area to change"),
                    "remove": _("Remove the area"),
                    "removeDisabled": _("No area to remove"),
                },
            },
            "handlers": {
                "edit": {
                    "tooltip": {
                        "text": _("Drag the handles to change the area."),
                        "subtext": _("Click “Cancel” to undo the changes."),
                    }
                },
                "remove": {"tooltip": {"text": _("Click the area to remove it.")}},
            },
        },
    }


class AreaWidget(forms.Textarea):
    template_name = "participation/widgets/area_widget.html"

    def __init__(self, attrs=None):
        super().__init__(attrs={"rows": 4, "class": "area-widget__geojson", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["draw_labels"] = draw_labels()
        return context

    @property
    def media(self):
        return forms.Media(
            css={"all": ["leaflet/leaflet.css", "leaflet/draw/leaflet.draw.css", "participation/area-widget.css"]},
            js=[
                "leaflet/leaflet.js",
                "leaflet/draw/leaflet.draw.js",
                "participation/twin-basemap.js",
                "participation/area-widget.js",
            ],
        )
