"""The writers: each streams tables (or features) into a local file and calls ``progress(rows)`` as it goes.

CSV: one file per table in a ZIP archive, UTF-8 with a byte order mark (so
Excel reads umlauts), ";" between cells (German Excel's list separator, as
"," is its decimal comma: a double-clicked file then opens in columns).
XLSX: openpyxl's write-only workbook, rows written as they come.
GeoJSON: a FeatureCollection (RFC 7946, WGS84), one feature at a time.
Open data: the CSV files, the GeoJSON file and a README in one ZIP archive.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from openpyxl import Workbook

from participation.exports.cells import spreadsheet_row
from participation.exports.tables import Table

CSV_DELIMITER = ";"
Progress = Callable[[int], None]


def write_csv_zip(path: Path, tables: Iterable[Table], progress: Progress) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _csv_members(archive, tables, progress)


def _csv_members(archive: zipfile.ZipFile, tables: Iterable[Table], progress: Progress) -> int:
    written = 0
    for table in tables:
        with (
            archive.open(f"{table.key}.csv", "w", force_zip64=True) as member,
            io.TextIOWrapper(member, encoding="utf-8-sig", newline="") as text,
        ):
            writer = csv.writer(text, delimiter=CSV_DELIMITER, lineterminator="\r\n")
            writer.writerow(spreadsheet_row(table.columns))
            for row in table.rows():
                writer.writerow(spreadsheet_row(row))
                written += 1
                progress(written)
    return written


def write_open_data_zip(
    path: Path, *, tables: Iterable[Table], features: Iterable[dict], geojson_name: str, readme: str
) -> None:
    """The open data download: README.md, a CSV file per table and the GeoJSON file, streamed into one ZIP."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.md", readme.encode("utf-8"))
        _csv_members(archive, tables, _no_progress)
        with (
            archive.open(geojson_name, "w", force_zip64=True) as member,
            io.TextIOWrapper(member, encoding="utf-8") as text,
        ):
            _geojson_into(text, features, _no_progress)


def _no_progress(done: int) -> None:
    pass


def write_xlsx(path: Path, tables: Iterable[Table], progress: Progress) -> None:
    workbook = Workbook(write_only=True)
    written = 0
    for table in tables:
        sheet = workbook.create_sheet(title=table.title[:31])
        sheet.append(spreadsheet_row(table.columns))
        for row in table.rows():
            sheet.append(spreadsheet_row(row))
            written += 1
            progress(written)
    workbook.save(path)


def write_geojson(path: Path, features: Iterable[dict], progress: Progress) -> None:
    with path.open("w", encoding="utf-8") as out:
        _geojson_into(out, features, progress)


def _geojson_into(out: TextIO, features: Iterable[dict], progress: Progress) -> None:
    out.write('{"type": "FeatureCollection", "features": [\n')
    for written, feature in enumerate(features, start=1):
        if written > 1:
            out.write(",\n")
        out.write(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
        progress(written)
    out.write("\n]}\n")
