"""One kind of rows of an export (contributions, votes, polls, paper): a sheet in XLSX, a file in the ZIP."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    key: str  # the CSV file's name, without ".csv"
    title: str  # the XLSX sheet's name (at most 31 characters)
    columns: Sequence[str]
    count: int  # rows, counted before writing: the progress bar's share of this table
    rows: Callable[[], Iterator[Sequence]]  # streamed when written, never held whole
