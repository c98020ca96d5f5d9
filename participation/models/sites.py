"""How each site presents itself: the portal's and the city's name, logo, colour and the map's start view.

Per Wagtail site (a municipality of a joint installation has its own). Staff set them in the admin; an empty
field keeps the value of the environment (SITE_NAME, CITY_NAME, MAP_CENTER, MAP_ZOOM, MAP_TILE_URL,
MAP_TILE_ATTRIBUTION), so a fresh installation looks right before anyone opens the settings. The domain needs
them too (the OGC API's title, mails, the map), which is why they live here and not in ``cms``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from participation.colours import HEX_COLOUR, MIN_CONTRAST, contrast_ratio

# What the brand colour must stay readable against: white text on it (the header, buttons) and it as the
# colour of links on the page and on the light grey of boxes (static/css/site.css: --paper, --soft).
BRAND_BACKGROUNDS = ("#ffffff", "#f3f5f8")
TILE_PLACEHOLDERS = ("{z}", "{x}", "{y}")


@register_setting(icon="site")
class CityProfile(BaseSiteSetting):
    site_name = models.CharField(
        _("name of the portal"),
        max_length=60,
        blank=True,
        help_text=_("For example “Bürgerforum”. Empty: as set up by the operator."),
    )
    city_name = models.CharField(
        _("name of the city"),
        max_length=60,
        blank=True,
        help_text=_("Shown after the portal's name. Empty: as set up by the operator."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("logo"),
        help_text=_("Shown in the header beside the name, at most 48 pixels high."),
    )
    brand_colour = models.CharField(
        _("colour"),
        max_length=7,
        blank=True,
        validators=[RegexValidator(HEX_COLOUR, _("Give the colour as # and six hex digits, for example #0b4f8a."))],
        help_text=_("Of the header, buttons and links, as #rrggbb. It must keep white text readable (4.5:1)."),
    )
    map_latitude = models.FloatField(
        _("latitude of the map's centre"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    map_longitude = models.FloatField(
        _("longitude of the map's centre"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    map_zoom = models.PositiveSmallIntegerField(
        _("zoom of the map"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(19)]
    )
    tile_url = models.CharField(
        _("address of the map tiles"),
        max_length=300,
        blank=True,
        help_text=_(
            "An https address with {z}, {x} and {y}, for example of the city's own tile server. Empty: the twin "
            "alone, or the operator's tiles. Browsers load the tiles from there."
        ),
    )
    tile_attribution = models.CharField(
        _("credit of the map tiles"), max_length=300, blank=True, help_text=_("Required by most tile licences.")
    )

    twin_sources = models.TextField(
        _("twin datasets of this site"),
        blank=True,
        help_text=_(
            "The names of the twin datasets (as given when importing them) whose objects this site shows, one per "
            "line. Empty: all of them, as on an installation for one city."
        ),
    )

    panels = [
        MultiFieldPanel([FieldPanel("site_name"), FieldPanel("city_name"), FieldPanel("logo")], heading=_("Name")),
        FieldPanel("brand_colour"),
        MultiFieldPanel(
            [
                FieldPanel("map_latitude"),
                FieldPanel("map_longitude"),
                FieldPanel("map_zoom"),
                FieldPanel("tile_url"),
                FieldPanel("tile_attribution"),
            ],
            heading=_("Map"),
        ),
        FieldPanel("twin_sources"),
    ]
    select_related = ["logo"]

    class Meta:
        verbose_name = _("city and map")

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.brand_colour and HEX_COLOUR.match(self.brand_colour):
            worst = min(contrast_ratio(self.brand_colour, background) for background in BRAND_BACKGROUNDS)
            if worst < MIN_CONTRAST:
                errors["brand_colour"] = _(
                    "This colour is too light: white text on it, or it as text on a light background, has a "
                    "contrast of %(ratio)s:1; at least %(minimum)s:1 is needed. Please choose a darker shade."
                ) % {"ratio": number_format(worst, 1), "minimum": number_format(MIN_CONTRAST, 1)}
        if (self.map_latitude is None) != (self.map_longitude is None):
            errors["map_longitude"] = _("Give both the latitude and the longitude of the centre, or neither.")
        if self.tile_url:
            if not self.tile_url.startswith("https://") or not all(p in self.tile_url for p in TILE_PLACEHOLDERS):
                errors["tile_url"] = _("Give an https address with {z}, {x} and {y} in it.")
            elif not self.tile_attribution:
                errors["tile_attribution"] = _("Name the source of the tiles, as its licence requires.")
        self.twin_sources = "\n".join(self.twin_source_names)
        if errors:
            raise ValidationError(errors)

    @property
    def twin_source_names(self) -> tuple[str, ...]:
        """The datasets named in ``twin_sources``, each once, in the order given."""
        names = (line.strip() for line in self.twin_sources.splitlines())
        return tuple(dict.fromkeys(name for name in names if name))
