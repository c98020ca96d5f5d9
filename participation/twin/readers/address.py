"""Postal addresses of twin objects: xAL (CityGML) and CityJSON address objects."""

from __future__ import annotations

import re
from typing import Any

# "Arcisstraße 21", "Hauptstr. 3a", "Am Markt 1-3": the house number at the end of a street name.
_NUMBER_AT_END = re.compile(r"^(?P<street>.*\S)\s+(?P<number>\d+\s*[a-zA-Z]?(?:\s*[-\u2013/]\s*\d+\s*[a-zA-Z]?)?)$")


def structured(
    *, street: str = "", number: str = "", postal_code: str = "", city: str = "", country: str = ""
) -> dict[str, str]:
    """An address as a dict with the same keys for every format; a number inside the street name is split off."""
    street, number = (street or "").strip(), (number or "").strip()
    if street and not number and (match := _NUMBER_AT_END.match(street)):
        street, number = match["street"], match["number"]
    parts = {"street": street, "number": number, "postal_code": postal_code, "city": city, "country": country}
    return {key: str(value).strip() for key, value in parts.items() if value not in (None, "")}


def one_line(address: dict[str, str]) -> str:
    """The address in one line, e.g. "Arcisstraße 21, 80333 München": street and number, then postal code and city."""
    street = " ".join(filter(None, [address.get("street"), address.get("number")]))
    place = " ".join(filter(None, [address.get("postal_code"), address.get("city")]))
    return ", ".join(filter(None, [street, place]))


def from_cityjson(value: Any) -> list[dict[str, str]]:
    """CityJSON 1.1/2.0 give a list of address objects, 1.0 a single one."""
    items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
    return [
        structured(
            street=item.get("ThoroughfareName", ""),
            number=str(item.get("ThoroughfareNumber") or ""),
            postal_code=str(item.get("PostalCode") or ""),
            city=item.get("LocalityName", ""),
            country=item.get("CountryName", ""),
        )
        for item in items
        if isinstance(item, dict)
    ]
