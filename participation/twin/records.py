"""What readers yield: plain records, independent of the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shapely.geometry.base import BaseGeometry


class TwinImportError(Exception):
    """A file cannot be imported; ``message`` says why and names the object where there is one."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class TwinRecord:
    """One object of a twin file, geometry still in the file's CRS (``crs``, None if the file gives none)."""

    twin_id: str
    kind: str
    geometry: BaseGeometry
    crs: str | None = None
    name: str = ""
    address: str = ""
    function: str = ""
    roof_type: str = ""
    height: float | None = None
    storeys: int | None = None
    # The source's attributes as delivered, plus what the reader derived under "_twin".
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class Skipped:
    """An object the file holds but the twin does not take, and why (counted in the summary)."""

    twin_id: str
    kind: str
    reason: str
