"""How an object of the twin is named on every page, list, popup and feed: never by its raw id.

Computed when shown, from columns every list already reads (name, address, function, storeys,
height): so the name is in the visitor's language and number format ("9,5 m" / "9.5 m"), and a
better code list or translation renames every object at once, without a re-import.
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from participation.twin_names import adv, bag, bgt

# What data sources write where a value is unknown or does not apply (BGT, ALKIS): no words for a name.
NO_VALUE = frozenset(
    {"waardeOnbekend", "geenWaarde", "Attribut trifft nicht zu", "Nach Quellenlage nicht zu spezifizieren"}
)


def values(text: str) -> list[str]:
    """The values of a field the readers joined with ", " (two bldg:function), in order."""
    return [value.strip() for value in (text or "").split(", ") if value.strip()]


def _own_words(value: str) -> bool:
    """Words of the data itself ("Gemeindestraße"), not a code ("31001_9998", "B471") that needs a list."""
    return value not in NO_VALUE and any(c.isalpha() for c in value) and not any(c.isdigit() for c in value)


def function_label(function: str, *, building: bool) -> str:
    """What the data says the object is for, in words: from the code lists, else its own words, else ""."""
    found = values(function)
    if function.strip() and function.strip() not in found:
        found.insert(0, function.strip())  # a BGT value with a comma in it ("greppel, droge sloot")
    for value in found:
        if building and (words := adv.building_function(value) or bag.use(value)):
            return words
        if words := bgt.term(value):
            return words
    return next((value for value in found if _own_words(value)), "")


def roof_label(roof_type: str) -> str:
    return next((words for value in values(roof_type) if (words := adv.roof_form(value))), "")


def category(*, kind_label: str, function: str, building: bool) -> str:
    """What the object is, in a word or two: "Kirche", "Fußweg", else its kind ("Gebäude")."""
    return function_label(function, building=building) or str(kind_label)


def metres(height: float) -> str:
    """A height as people read it, in the active language's number format: "9,5 m", "37 m"."""
    rounded = round(float(height), 1)
    figure = number_format(rounded, decimal_pos=0 if rounded.is_integer() else 1)
    return gettext("%(height)s m") % {"height": figure}


def description(*, kind_label: str, function: str, building: bool, storeys: int | None, height: float | None) -> str:
    """What the object is and how big: "Wohngebäude, 3 Geschosse, 9,5 m"."""
    parts = [category(kind_label=kind_label, function=function, building=building)]
    if storeys:
        parts.append(ngettext("%(count)s storey", "%(count)s storeys", storeys) % {"count": number_format(storeys)})
    if height is not None and height > 0:
        parts.append(metres(height))
    return ", ".join(parts)


def label(
    *,
    twin_id: str,
    name: str,
    address: str,
    kind_label: str,
    function: str,
    building: bool,
    storeys: int | None,
    height: float | None,
) -> str:
    """The object's name: its own name, else its address, else what it is ("Wohngebäude, 3 Geschosse, 9,5 m")."""
    if name and name.strip() != twin_id:
        return name
    if address:
        return address
    return description(kind_label=kind_label, function=function, building=building, storeys=storeys, height=height)
