"""How many objects the importer will handle in a file, counted before the import: the total of its progress.

The count follows the readers: one per city object they yield (created,
updated or skipped), so that an import's ``summary.done`` reaches it. It
reads the file without building any geometry: CityGML is streamed (memory
stays flat, as in the reader), JSON files are parsed once more.
A file the count cannot read gives None; the import then says what is wrong.
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree.ElementTree import Element  # nosec B405 # the type only; files are parsed by defusedxml (elements)

from defusedxml.ElementTree import ParseError

from participation.twin.readers import common, detect
from participation.twin.readers.citygml import MEMBERS, NOT_OBJECTS, elements, object_id
from participation.twin.readers.gml import PART_CONTAINERS, local
from participation.twin.records import TwinImportError


def count_objects(path: str | Path) -> int | None:
    """The number of items the file's reader will yield, or None if the file cannot be counted."""
    path = Path(path)
    try:
        kind = detect(path)
        if kind == "citygml":
            return _count_citygml(path)
        with path.open("rb") as handle:
            data = json.load(handle)
    # A refused document type (defusedxml) is a ValueError: the import then says what is wrong.
    except (TwinImportError, OSError, ValueError, ParseError):
        return None
    if not isinstance(data, dict):
        return None
    if kind == "cityjson":
        objects = data.get("CityObjects")
        return len(objects) if isinstance(objects, dict) else None
    if data.get("type") == "FeatureCollection":
        return sum(isinstance(feature, dict) for feature in data.get("features") or [])
    return 1 if "type" in data else None


def _count_citygml(path: Path) -> int:
    count = 0
    for _event, element in elements(path):
        name = local(element.tag)
        if name in MEMBERS:
            count += sum(_citygml_items(city_object) for city_object in element)
            element.clear()
        elif name in NOT_OBJECTS:
            element.clear()
    return count


def _citygml_items(element: Element) -> int:
    """What citygml._object yields for one object: itself (record or skipped) and, unless skipped, its parts."""
    if common.skip_reason(local(element.tag)) or not object_id(element):
        return 1
    parts = [part for container in element if local(container.tag) in PART_CONTAINERS for part in container]
    return 1 + sum(_citygml_items(part) for part in parts)
