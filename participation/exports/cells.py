"""Spreadsheet cells that cannot run: the one guard against formula (CSV/DDE) injection, for CSV and XLSX."""

from __future__ import annotations

from datetime import datetime
from typing import Any

# What makes Excel or LibreOffice read a cell as a formula (or a DDE call), as OWASP lists them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    """A value as a spreadsheet cell: text that a spreadsheet would run gets a leading apostrophe (OWASP).

    Numbers stay numbers (a negative number is no formula); dates lose their
    time zone (XLSX has none) and are written in local time by the caller.
    """
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def spreadsheet_row(values) -> list:
    return [spreadsheet_cell(value) for value in values]
