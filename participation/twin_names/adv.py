"""AdV code lists of German building data (ALKIS, and the LoD1/LoD2 CityGML of the survey offices).

Source: AdV, GeoInfoDok, AFIS-ALKIS-ATKIS-Katalog (AAA-Anwendungsschema 7.1), object type AX_Gebaeude:
value types "Gebäudefunktion" (AX_Gebaeudefunktion, written ``bldg:function`` "31001_<code>" in the
LoD2 tiles, 31001 being AX_Gebaeude) and "Dachform" (AX_Dachform, ``bldg:roofType``). The German
names are the catalogue's (in locale/de), the English ones ours. Only the codes a citizen is likely to
meet are listed: any other code is named by its group, the code rounded down (3049 -> 3040 -> 3000).
"""

from __future__ import annotations

import re

from django.utils.translation import pgettext_lazy

_PREFIX = re.compile(r"^(?:31001_)?(\d{4})$")


BUILDING_FUNCTIONS = {
    "1000": pgettext_lazy("building function", "Residential building"),
    "1010": pgettext_lazy("building function", "Residential house"),
    "1020": pgettext_lazy("building function", "Residential home"),
    "1022": pgettext_lazy("building function", "Retirement home"),
    "1024": pgettext_lazy("building function", "Student residence"),
    "1100": pgettext_lazy("building function", "Mixed-use building with housing"),
    "1120": pgettext_lazy("building function", "Residential building with shops and services"),
    "1123": pgettext_lazy("building function", "Residential and commercial building"),
    "1130": pgettext_lazy("building function", "Residential building with trade and industry"),
    "1220": pgettext_lazy("building function", "Farm residential and operations building"),
    "1221": pgettext_lazy("building function", "Farmhouse"),
    "1310": pgettext_lazy("building function", "Building for leisure"),
    "1313": pgettext_lazy("building function", "Garden house"),
    "2000": pgettext_lazy("building function", "Building for trade or industry"),
    "2010": pgettext_lazy("building function", "Building for trade and services"),
    "2020": pgettext_lazy("building function", "Office building"),
    "2030": pgettext_lazy("building function", "Bank"),
    "2050": pgettext_lazy("building function", "Commercial building"),
    "2051": pgettext_lazy("building function", "Department store"),
    "2052": pgettext_lazy("building function", "Shopping centre"),
    "2054": pgettext_lazy("building function", "Shop"),
    "2056": pgettext_lazy("building function", "Pharmacy"),
    "2070": pgettext_lazy("building function", "Building for accommodation"),
    "2071": pgettext_lazy("building function", "Hotel, motel, guesthouse"),
    "2080": pgettext_lazy("building function", "Building for catering"),
    "2081": pgettext_lazy("building function", "Restaurant"),
    "2090": pgettext_lazy("building function", "Leisure and entertainment venue"),
    "2092": pgettext_lazy("building function", "Cinema"),
    "2100": pgettext_lazy("building function", "Building for trade and industry"),
    "2110": pgettext_lazy("building function", "Production building"),
    "2112": pgettext_lazy("building function", "Operations building"),
    "2120": pgettext_lazy("building function", "Workshop"),
    "2130": pgettext_lazy("building function", "Petrol station"),
    "2140": pgettext_lazy("building function", "Storage building"),
    "2143": pgettext_lazy("building function", "Warehouse"),
    "2310": pgettext_lazy("building function", "Building for trade and services with housing"),
    "2400": pgettext_lazy("building function", "Operations building of a traffic facility"),
    "2460": pgettext_lazy("building function", "Building for parking"),
    "2461": pgettext_lazy("building function", "Multi-storey car park"),
    "2463": pgettext_lazy("building function", "Garage"),
    "2465": pgettext_lazy("building function", "Underground car park"),
    "2500": pgettext_lazy("building function", "Utility building"),
    "2510": pgettext_lazy("building function", "Building for the water supply"),
    "2520": pgettext_lazy("building function", "Building for the electricity supply"),
    "2522": pgettext_lazy("building function", "Substation"),
    "2523": pgettext_lazy("building function", "Transformer station"),
    "2600": pgettext_lazy("building function", "Building for waste disposal"),
    "2612": pgettext_lazy("building function", "Toilet"),
    "2700": pgettext_lazy("building function", "Building for agriculture and forestry"),
    "2721": pgettext_lazy("building function", "Barn"),
    "2723": pgettext_lazy("building function", "Shed"),
    "2724": pgettext_lazy("building function", "Stable"),
    "2740": pgettext_lazy("building function", "Greenhouse"),
    "3000": pgettext_lazy("building function", "Building for public purposes"),
    "3010": pgettext_lazy("building function", "Administration building"),
    "3012": pgettext_lazy("building function", "Town hall"),
    "3013": pgettext_lazy("building function", "Post office"),
    "3015": pgettext_lazy("building function", "Court"),
    "3020": pgettext_lazy("building function", "Building for education and research"),
    "3021": pgettext_lazy("building function", "School"),
    "3022": pgettext_lazy("building function", "Vocational school"),
    "3023": pgettext_lazy("building function", "University building"),
    "3024": pgettext_lazy("building function", "Research institute"),
    "3030": pgettext_lazy("building function", "Building for cultural purposes"),
    "3031": pgettext_lazy("building function", "Palace"),
    "3032": pgettext_lazy("building function", "Theatre, opera"),
    "3034": pgettext_lazy("building function", "Museum"),
    "3037": pgettext_lazy("building function", "Library"),
    "3040": pgettext_lazy("building function", "Building for religious purposes"),
    "3041": pgettext_lazy("building function", "Church"),
    "3042": pgettext_lazy("building function", "Synagogue"),
    "3043": pgettext_lazy("building function", "Chapel"),
    "3044": pgettext_lazy("building function", "Parish hall"),
    "3046": pgettext_lazy("building function", "Mosque"),
    "3048": pgettext_lazy("building function", "Monastery"),
    "3050": pgettext_lazy("building function", "Building for health care"),
    "3051": pgettext_lazy("building function", "Hospital"),
    "3053": pgettext_lazy("building function", "Medical centre"),
    "3060": pgettext_lazy("building function", "Building for social purposes"),
    "3062": pgettext_lazy("building function", "Community centre"),
    "3065": pgettext_lazy("building function", "Nursery, kindergarten, day-care centre"),
    "3070": pgettext_lazy("building function", "Building for safety and order"),
    "3071": pgettext_lazy("building function", "Police"),
    "3072": pgettext_lazy("building function", "Fire station"),
    "3080": pgettext_lazy("building function", "Cemetery building"),
    "3090": pgettext_lazy("building function", "Station building"),
    "3091": pgettext_lazy("building function", "Railway station building"),
    "3100": pgettext_lazy("building function", "Building for public purposes with housing"),
    "3200": pgettext_lazy("building function", "Building for recreation"),
    "3210": pgettext_lazy("building function", "Building for sports"),
    "3211": pgettext_lazy("building function", "Sports hall"),
    "3220": pgettext_lazy("building function", "Bathing building"),
    "3221": pgettext_lazy("building function", "Indoor swimming pool"),
}

ROOF_FORMS = {
    "1000": pgettext_lazy("roof form", "Flat roof"),
    "2100": pgettext_lazy("roof form", "Mono-pitch roof"),
    "2200": pgettext_lazy("roof form", "Offset mono-pitch roof"),
    "3100": pgettext_lazy("roof form", "Gable roof"),
    "3200": pgettext_lazy("roof form", "Hip roof"),
    "3300": pgettext_lazy("roof form", "Half-hip roof"),
    "3400": pgettext_lazy("roof form", "Mansard roof"),
    "3500": pgettext_lazy("roof form", "Pyramid roof"),
    "3600": pgettext_lazy("roof form", "Cone roof"),
    "3700": pgettext_lazy("roof form", "Dome roof"),
    "3800": pgettext_lazy("roof form", "Sawtooth roof"),
    "3900": pgettext_lazy("roof form", "Barrel roof"),
    "4000": pgettext_lazy("roof form", "Spire roof"),
    "5000": pgettext_lazy("roof form", "Mixed roof form"),
    "9999": pgettext_lazy("roof form", "Other roof form"),
}


def code(value: str) -> str | None:
    """The four-digit code of a value as the data writes it ("31001_3041" or "3041"), None if it is none."""
    match = _PREFIX.match((value or "").strip())
    return match[1] if match else None


def groups(value: str) -> list[str]:
    """The code and the groups it belongs to, most specific first: "3041" -> 3041, 3040, 3000."""
    found = [value, f"{value[:3]}0", f"{value[:2]}00", f"{value[:1]}000"]
    return list(dict.fromkeys(found))


def _named(values: dict, value: str) -> str:
    number = code(value)
    if number is None:
        return ""
    return next((str(values[group]) for group in groups(number) if group in values), "")


def building_function(value: str) -> str:
    """The name of an AdV building function, or of its group; "" for anything else."""
    return _named(BUILDING_FUNCTIONS, value)


def roof_form(value: str) -> str:
    """The name of an AdV roof form (Dachform), or of its group; "" for anything else."""
    return _named(ROOF_FORMS, value)
