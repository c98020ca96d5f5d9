"""The writers: each streams tables (or features) into a local file and calls ``progress(rows)`` as it goes.

CSV: one file per table in a ZIP archive, UTF-8 with a byte order mark (so
Excel reads umlauts), ";" between cells (German Excel's list separator, as
"," is its decimal comma: a double-clicked file then opens in columns).
XLSX: openpyxl's write-only workbook, rows written as they come.
GeoJSON: a FeatureCollection (RFC 7946, WGS84), one feature at a time.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from openpyxl import Workbook

from participation.exports.cells import spreadsheet_row
from participation.exports.tables import Table

CSV_DELIMITER = ";"
Progress = Callable[[int], None]


def write_csv_zip(path: Path, tables: Iterable[Table], progress: Progress) -> None:
    written = 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
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
        out.write('{"type": "FeatureCollection", "features": [\n')
        for written, feature in enumerate(features, start=1):
            if written > 1:
                out.write(",\n")
            out.write(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
            progress(written)
        out.write("\n]}\n")
