"""A synthetic Bavarian LoD2 tile of any size: the real TUM building (data/twin/) repeated. The bench imports
one of ~150 MB; the twin import's memory test (tests/participation/twin/test_memory.py) uses it too.

Each copy gets new gml:ids and is shifted on a 150 m grid, so the file looks
like a survey office's tile with thousands of buildings. Written as a stream,
copy by copy: a 150 MB tile never sits in memory.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

TUM = Path(__file__).resolve().parents[1] / "data" / "twin" / "DEBY_LOD2_4959457_TUM.gml"
MEMBER_START, MEMBER_END = "<core:cityObjectMember>", "</core:cityObjectMember>"
_POSLIST = re.compile(r"(<gml:posList[^>]*>)([^<]*)(</gml:posList>)")
_GML_ID = re.compile(r'gml:id="([^"]+)"')
GRID_COLUMNS, GRID_STEP = 40, 150.0


def write_synthetic_citygml(path: Path, *, target_bytes: int, template: Path = TUM) -> int:
    """Write copies of the template's building until the file reaches ``target_bytes``; return how many."""
    text = template.read_text(encoding="utf-8")
    start, end = text.index(MEMBER_START), text.rindex(MEMBER_END) + len(MEMBER_END)
    head, member, tail = text[:start], text[start:end], text[end:]
    pieces = _POSLIST.split(member)  # literal, open tag, numbers, close tag, literal, ...
    literals = pieces[0::4]
    tags = list(zip(pieces[1::4], pieces[3::4], strict=True))
    coordinates = [np.array(numbers.split(), dtype=float).reshape(-1, 3) for numbers in pieces[2::4]]
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(head)
        while out.tell() < target_bytes:
            shift = np.array([(count % GRID_COLUMNS) * GRID_STEP, (count // GRID_COLUMNS) * GRID_STEP, 0.0])
            out.write(_copy(literals, tags, coordinates, suffix=f"_S{count}", shift=shift))
            out.write("\n")
            count += 1
        out.write(tail)
    return count


def _copy(literals: list[str], tags: list, coordinates: list[np.ndarray], *, suffix: str, shift: np.ndarray) -> str:
    chunks = []
    for position, literal in enumerate(literals):
        chunks.append(_GML_ID.sub(lambda match: f'gml:id="{match[1]}{suffix}"', literal))
        if position < len(tags):
            opening, closing = tags[position]
            numbers = " ".join(f"{value:.3f}" for value in (coordinates[position] + shift).ravel())
            chunks += [opening, numbers, closing]
    return "".join(chunks)
