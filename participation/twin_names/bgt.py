"""BGT code lists of Dutch city models (the CityJSON that cjio and 3dfier make from the BGT, e.g. Delft).

Source: Geonovum, Gegevenscatalogus BGT/IMGeo 2.1 (Basisregistratie Grootschalige Topografie), value
lists functieWegdeel (roads), fysiekVoorkomen of OnbegroeidTerreindeel and BegroeidTerreindeel (land
use, vegetation), typeWater, typeOverbruggingsdeel (bridges), typeScheiding, typeKunstwerk and
typeOverigBouwwerk (walls, weirs, sheds). The readers put the value in ``function`` (from the
attributes ``function``, ``class``, ``bgt_type`` or ``bgt_fysiekvoorkomen``). Only the values a
citizen is likely to meet are listed; for any other, the object is named by its kind.
"""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

TERMS = {
    # functieWegdeel
    "rijbaan lokale weg": pgettext_lazy("city object", "Carriageway of a local road"),
    "rijbaan regionale weg": pgettext_lazy("city object", "Carriageway of a regional road"),
    "rijbaan autoweg": pgettext_lazy("city object", "Carriageway of an expressway"),
    "rijbaan autosnelweg": pgettext_lazy("city object", "Carriageway of a motorway"),
    "fietspad": pgettext_lazy("city object", "Cycle path"),
    "voetpad": pgettext_lazy("city object", "Footpath"),
    "voetpad op trap": pgettext_lazy("city object", "Steps"),
    "voetgangersgebied": pgettext_lazy("city object", "Pedestrian area"),
    "parkeervlak": pgettext_lazy("city object", "Parking space"),
    "woonerf": pgettext_lazy("city object", "Home zone"),
    "inrit": pgettext_lazy("city object", "Driveway"),
    "OV-baan": pgettext_lazy("city object", "Public transport lane"),
    "spoorbaan": pgettext_lazy("city object", "Railway track"),
    "ruiterpad": pgettext_lazy("city object", "Bridleway"),
    "overweg": pgettext_lazy("city object", "Level crossing"),
    # fysiekVoorkomen, OnbegroeidTerreindeel
    "erf": pgettext_lazy("city object", "Yard"),
    "gesloten verharding": pgettext_lazy("city object", "Sealed surface"),
    "open verharding": pgettext_lazy("city object", "Paved surface"),
    "half verhard": pgettext_lazy("city object", "Partly paved surface"),
    "onverhard": pgettext_lazy("city object", "Unpaved surface"),
    "zand": pgettext_lazy("city object", "Sand"),
    # fysiekVoorkomen, BegroeidTerreindeel
    "groenvoorziening": pgettext_lazy("city object", "Green space"),
    "grasland overig": pgettext_lazy("city object", "Grassland"),
    "grasland agrarisch": pgettext_lazy("city object", "Pasture"),
    "bouwland": pgettext_lazy("city object", "Farmland"),
    "loofbos": pgettext_lazy("city object", "Deciduous forest"),
    "naaldbos": pgettext_lazy("city object", "Coniferous forest"),
    "gemengd bos": pgettext_lazy("city object", "Mixed forest"),
    "struiken": pgettext_lazy("city object", "Shrubs"),
    "heide": pgettext_lazy("city object", "Heath"),
    "rietland": pgettext_lazy("city object", "Reeds"),
    "moeras": pgettext_lazy("city object", "Marsh"),
    "fruitteelt": pgettext_lazy("city object", "Orchard"),
    "boomteelt": pgettext_lazy("city object", "Tree nursery"),
    # typeWater
    "waterloop": pgettext_lazy("city object", "Watercourse"),
    "watervlakte": pgettext_lazy("city object", "Body of water"),
    "zee": pgettext_lazy("city object", "Sea"),
    "greppel, droge sloot": pgettext_lazy("city object", "Ditch"),
    # typeOverbruggingsdeel
    "dek": pgettext_lazy("city object", "Bridge deck"),
    "landhoofd": pgettext_lazy("city object", "Bridge abutment"),
    "pijler": pgettext_lazy("city object", "Bridge pier"),
    # typeScheiding, typeKunstwerk, typeOverigBouwwerk
    "muur": pgettext_lazy("city object", "Wall"),
    "kademuur": pgettext_lazy("city object", "Quay wall"),
    "damwand": pgettext_lazy("city object", "Sheet pile wall"),
    "geluidsscherm": pgettext_lazy("city object", "Noise barrier"),
    "hek": pgettext_lazy("city object", "Fence"),
    "walbescherming": pgettext_lazy("city object", "Bank protection"),
    "keermuur": pgettext_lazy("city object", "Retaining wall"),
    "stuw": pgettext_lazy("city object", "Weir"),
    "sluis": pgettext_lazy("city object", "Lock"),
    "gemaal": pgettext_lazy("city object", "Pumping station"),
    "overkapping": pgettext_lazy("city object", "Canopy"),
    "schuur": pgettext_lazy("city object", "Shed"),
    "open loods": pgettext_lazy("city object", "Open shed"),
    "bassin": pgettext_lazy("city object", "Basin"),
    "windturbine": pgettext_lazy("city object", "Wind turbine"),
}


def term(value: str) -> str:
    """The name of a BGT value, "" for anything else."""
    label = TERMS.get((value or "").strip())
    return str(label) if label is not None else ""
